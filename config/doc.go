// Package config defines yuqing's configuration: the YAML schema, defaults,
// strict decoding and validation that reports every error at once with the
// file and line it comes from.
//
// The main file (yuqing.yaml) names further files for sources, the topic
// taxonomy, departments and routes; relative paths are resolved against the
// directory of the main file. A file left empty falls back to the default
// shipped in the binary (package configs).
package config
