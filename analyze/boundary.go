package analyze

import (
	"unicode"
	"unicode/utf8"
)

// Units are what gse's shortest path walks over (gse.SplitTextToWords): a
// run of letters and digits written in one or two bytes (ASCII, Latin,
// Greek, Cyrillic …) is one unit, and any other character — a Chinese
// character, a punctuation mark, a space, a byte of broken UTF-8 — is a unit
// by itself. Every dictionary word, and so every segment, starts and ends on
// unit boundaries. The functions here read units in place, without the
// slices gse allocates for them.

// isRunRune reports whether a rune of the given encoded size belongs to a
// run of letters and digits.
func isRunRune(r rune, size int) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z'
	}
	return size <= 2 && (unicode.IsLetter(r) || unicode.IsNumber(r))
}

// lastRune decodes the rune that ends at pos > 0, with a fast path for the
// three-byte characters Chinese text is made of.
func lastRune(text string, pos int) (rune, int) {
	if pos >= 3 {
		b0, b1, b2 := text[pos-3], text[pos-2], text[pos-1]
		if b0 >= 0xE1 && b0 <= 0xEF && b0 != 0xED && b1&0xC0 == 0x80 && b2&0xC0 == 0x80 {
			return rune(b0&0x0F)<<12 | rune(b1&0x3F)<<6 | rune(b2&0x3F), 3
		}
	}
	if b := text[pos-1]; b < utf8.RuneSelf {
		return rune(b), 1
	}
	return utf8.DecodeLastRuneInString(text[:pos])
}

// runeAt decodes the rune that starts at pos < len(text), like lastRune.
func runeAt(text string, pos int) (rune, int) {
	b0 := text[pos]
	if b0 < utf8.RuneSelf {
		return rune(b0), 1
	}
	if b0 >= 0xE1 && b0 <= 0xEF && b0 != 0xED && pos+2 < len(text) {
		b1, b2 := text[pos+1], text[pos+2]
		if b1&0xC0 == 0x80 && b2&0xC0 == 0x80 {
			return rune(b0&0x0F)<<12 | rune(b1&0x3F)<<6 | rune(b2&0x3F), 3
		}
	}
	return utf8.DecodeRuneInString(text[pos:])
}

// unitEnd returns the end of the unit that starts at pos < len(text).
func unitEnd(text string, pos int) int {
	r, size := runeAt(text, pos)
	if !isRunRune(r, size) {
		return pos + size
	}
	for pos += size; pos < len(text); pos += size {
		if r, size = runeAt(text, pos); !isRunRune(r, size) {
			break
		}
	}
	return pos
}

// unitStart returns the start of the unit that ends at pos > 0.
func unitStart(text string, pos int) int {
	r, size := lastRune(text, pos)
	if !isRunRune(r, size) {
		return pos - size
	}
	for pos -= size; pos > 0; pos -= size {
		if r, size = lastRune(text, pos); !isRunRune(r, size) {
			break
		}
	}
	return pos
}

// isUnitBoundary reports whether a unit starts or ends at pos, which must
// be a rune boundary: it is not one only inside a run of letters and digits.
func isUnitBoundary(text string, pos int) bool {
	if pos <= 0 || pos >= len(text) {
		return true
	}
	if r, size := runeAt(text, pos); !isRunRune(r, size) {
		return true
	}
	r, size := lastRune(text, pos)
	return !isRunRune(r, size)
}

// unitValue identifies a unit by a number: its bytes and length when it has
// at most seven of them (always, but for long runs of letters), a hash with
// the top bit set otherwise. ASCII letters count in lower case, as gse
// looks them up.
func unitValue(u string) uint64 {
	if len(u) == 3 && u[0] >= utf8.RuneSelf {
		return 3<<56 | uint64(u[0])<<48 | uint64(u[1])<<40 | uint64(u[2])<<32
	}
	if len(u) <= 7 {
		v := uint64(len(u)) << 56
		for i := 0; i < len(u); i++ {
			v |= uint64(foldASCII(u[i])) << (8 * (6 - i))
		}
		return v
	}
	h := uint64(14695981039346656037) // FNV-1a
	for i := 0; i < len(u); i++ {
		h ^= uint64(foldASCII(u[i]))
		h *= 1099511628211
	}
	return mix64(h) | 1<<63
}

func foldASCII(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// mix64 is SplitMix64's finalizer: every input bit flips about half of the
// output bits.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// keySeed is the key of the empty unit sequence.
const keySeed = 0x6a09e667f3bcc908

// extendKey returns the key of a unit sequence from the key of the sequence
// without its last unit, v.
func extendKey(key, v uint64) uint64 { return mix64(key*0x9e3779b97f4a7c15 ^ v) }

// pairKey identifies two adjacent units.
func pairKey(left, right uint64) uint64 {
	x := (left*0xc2b2ae3d27d4eb4f ^ right) * 0x9e3779b97f4a7c15
	return x ^ x>>29
}
