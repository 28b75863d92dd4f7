package analyze

import (
	"encoding/binary"
	"math/bits"
	"unicode"
)

// Story fingerprints: a MinHash signature of an article's character
// shingles, computed by one-permutation hashing (one hash per shingle,
// binned by its top bits, the minimum kept per bin) so that it costs about
// one hash per character. Two articles' signatures agree in a bin with the
// probability that is the Jaccard similarity of their shingle sets.
//
// The bands (signatureBins / bandRows of them) are the index: articles
// that are similar share a band with high probability, so the store looks
// up candidates by band and the analyzer checks the whole signature.
const (
	signatureBins = 64
	bandRows      = 4
	signatureBand = signatureBins / bandRows
	shingleRunes  = 3
	// fingerprintRunes bounds the text a signature is taken from: reprints
	// share their opening, and the bound keeps long texts cheap.
	fingerprintRunes = 2000
	// minShingles: a text shorter than this (a bare headline) is too short
	// to be compared by shape; it starts a story of its own.
	minShingles = 8
)

// shingleHash mixes up to three runes into 64 bits (splitmix64 over the
// packed runes: stable across processes, unlike maphash).
func shingleHash(a, b, c rune) uint64 {
	x := uint64(a)<<42 ^ uint64(b)<<21 ^ uint64(c)
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// signature is a MinHash signature; zero means the text was too short.
type signature [signatureBins]uint32

// fingerprint computes the signature of a title and body: letters and digits
// only, so punctuation and spacing edits do not count.
func fingerprint(title, body string) (signature, bool) {
	var sig signature
	for i := range sig {
		sig[i] = ^uint32(0)
	}
	var win [shingleRunes]rune
	n, shingles := 0, 0
	feed := func(text string) bool {
		for _, r := range text {
			if !isShingleRune(r) {
				continue
			}
			win[0], win[1], win[2] = win[1], win[2], r
			n++
			if n >= shingleRunes {
				h := shingleHash(win[0], win[1], win[2])
				bin := h >> (64 - 6) // top 6 bits: 64 bins
				if v := uint32(h); v < sig[bin] {
					sig[bin] = v
				}
				shingles++
			}
			if n >= fingerprintRunes {
				return false
			}
		}
		return true
	}
	if feed(title) {
		feed(body)
	}
	if shingles < minShingles {
		return signature{}, false
	}
	sig.densify()
	return sig, true
}

// densify fills empty bins from the next non-empty bin (rotation), as one-
// permutation hashing requires for short texts.
func (s *signature) densify() {
	for i := range s {
		if s[i] != ^uint32(0) {
			continue
		}
		for k := 1; k < signatureBins; k++ {
			j := (i + k) % signatureBins
			if v := s[j]; v != ^uint32(0) {
				// Mix in the distance, so that borrowed values differ
				// from the bin they came from.
				s[i] = v ^ uint32(k)*0x9e3779b9
				break
			}
		}
	}
}

// similarity estimates the Jaccard similarity of the shingle sets.
func (s *signature) similarity(o *signature) float64 {
	same := 0
	for i := range s {
		if s[i] == o[i] {
			same++
		}
	}
	return float64(same) / signatureBins
}

// bands returns the band hashes of the signature, signatureBand of them.
func (s *signature) bands() []int64 {
	out := make([]int64, signatureBand)
	var buf [4 * bandRows]byte
	for b := range out {
		for r := 0; r < bandRows; r++ {
			binary.LittleEndian.PutUint32(buf[4*r:], s[b*bandRows+r])
		}
		h := uint64(b+1) * 0x9e3779b97f4a7c15
		for i := 0; i < len(buf); i += 8 {
			h ^= binary.LittleEndian.Uint64(buf[i:])
			h = bits.RotateLeft64(h*0xbf58476d1ce4e5b9, 31)
		}
		out[b] = int64(h >> 1) // non-negative: both databases store it as BIGINT
	}
	return out
}

// bytes encodes the signature for storage.
func (s *signature) bytes() []byte {
	out := make([]byte, 4*signatureBins)
	for i, v := range s {
		binary.LittleEndian.PutUint32(out[4*i:], v)
	}
	return out
}

// signatureFrom decodes a stored signature.
func signatureFrom(b []byte) (signature, bool) {
	var s signature
	if len(b) != 4*signatureBins {
		return s, false
	}
	for i := range s {
		s[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return s, true
}

// isShingleRune is unicode.IsLetter || unicode.IsNumber with the common
// cases (CJK, ASCII) first: it runs once per character of every article.
func isShingleRune(r rune) bool {
	switch {
	case r >= 0x4e00 && r <= 0x9fff:
		return true
	case r < 0x80:
		return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}
