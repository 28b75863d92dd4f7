// Package model holds yuqing's domain types. It depends on the standard library
// only, so every stage can share these types without depending on each other.
package model
