package analyze

import (
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf8"
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
	sh := shingler{}
	for i := range sh.sig {
		sh.sig[i] = ^uint32(0)
	}
	if sh.feed(title) {
		sh.feed(body)
	}
	// Every letter or digit from the third on ends a shingle.
	if sh.n-(shingleRunes-1) < minShingles {
		return signature{}, false
	}
	sh.sig.densify()
	return sh.sig, true
}

// shingler hashes the shingles of a text into a signature as it reads it.
type shingler struct {
	sig signature
	// a and b are the last two letters or digits read: a shingle is a, b
	// and the next one. n counts the letters and digits read.
	a, b rune
	n    int
}

// feed reads text; it reports false once fingerprintRunes letters and
// digits have been read. It decodes text as a range loop does, with a
// shortcut for the three-byte characters of Chinese text.
func (sh *shingler) feed(text string) bool {
	a, b, n := sh.a, sh.b, sh.n
	sig := &sh.sig
	for i := 0; i < len(text); {
		c := text[i]
		var r rune
		switch {
		case c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(text) &&
			text[i+1]&0xC0 == 0x80 && text[i+2]&0xC0 == 0x80:
			// A well-formed three-byte sequence: neither overlong (E0)
			// nor a surrogate (ED).
			r = rune(c&0x0F)<<12 | rune(text[i+1]&0x3F)<<6 | rune(text[i+2]&0x3F)
			i += 3
		case c < utf8.RuneSelf:
			r = rune(c)
			i++
		default:
			var size int
			r, size = utf8.DecodeRuneInString(text[i:])
			i += size
		}
		if uint32(r-0x4e00) > 0x9fff-0x4e00 && !isShingleRune(r) {
			continue
		}
		n++
		if n >= shingleRunes {
			h := shingleHash(a, b, r)
			bin := h >> (64 - 6) // top 6 bits: 64 bins
			sig[bin] = min(sig[bin], uint32(h))
		}
		a, b = b, r
		if n >= fingerprintRunes {
			break
		}
	}
	sh.a, sh.b, sh.n = a, b, n
	return n < fingerprintRunes
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
// cases of Chinese text first (CJK, ASCII, CJK and full-width punctuation):
// it runs once per character of every article.
func isShingleRune(r rune) bool {
	switch {
	case r >= 0x4e00 && r <= 0x9fff:
		return true
	case r < 0x80:
		return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	case r >= 0x2000 && r <= 0x206f: // general punctuation: “”—…
		return false
	case r >= 0x3000 && r <= 0x303f: // CJK symbols and punctuation: 。、《》
		return cjkSymbolAlnum>>(r-0x3000)&1 != 0
	case r >= 0xff00 && r <= 0xff65: // full-width forms: ，：（）
		return r >= 0xff10 && r <= 0xff19 || r >= 0xff21 && r <= 0xff3a || r >= 0xff41 && r <= 0xff5a
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// cjkSymbolAlnum has bit i set when U+3000+i is a letter or number (々〆〇
// and the Suzhou numerals, among others); TestIsShingleRune checks it
// against package unicode.
const cjkSymbolAlnum uint64 = 1<<0x05 | 1<<0x06 | 1<<0x07 | 0x1ff<<0x21 | 0x1f<<0x31 | 0x1f<<0x38
