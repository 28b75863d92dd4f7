package analyze

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"unicode"
)

// fingerprintByRange is the definition fingerprint implements faster: a
// range loop over the runes, unicode's classes, a sliding window. Stored
// stories keep their signatures only while the two agree.
func fingerprintByRange(title, body string) (signature, bool) {
	var sig signature
	for i := range sig {
		sig[i] = ^uint32(0)
	}
	var win [shingleRunes]rune
	n, shingles := 0, 0
	feed := func(text string) bool {
		for _, r := range text {
			if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
				continue
			}
			win[0], win[1], win[2] = win[1], win[2], r
			n++
			if n >= shingleRunes {
				h := shingleHash(win[0], win[1], win[2])
				if v := uint32(h); v < sig[h>>58] {
					sig[h>>58] = v
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

func TestIsShingleRune(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := isShingleRune(r), unicode.IsLetter(r) || unicode.IsNumber(r); got != want {
			t.Errorf("isShingleRune(%U) = %v, want %v", r, got, want)
		}
	}
}

// fingerprintTexts mix what articles hold: Chinese, punctuation of every
// width, Latin, digits, emoji, and bytes that are not UTF-8.
var fingerprintTexts = [][2]string{
	{"咸宁市住建局回应楼盘停工", "近日，有业主反映咸安区某楼盘停工已逾三个月。市住建局表示：将督促开发商尽快复工，并依法处理。"},
	{"ＡＢＣ１２３全角", "“引号”《书名》……——、。；：！？（括号）【方括号】々〆〇〡〢"},
	{"Mixed English 标题 2024", "The 12345 hotline received 3,000 calls; 热线 ok. Café naïve 😀🎉 𠀀𠀁 ĀāĂ"},
	{"bad\xff\xfe utf8", "\xe4\xb8\xad\xe4\xb8\xe6\x96\x87\xed\xa0\x80\xe0\x80\x80\xf0\x9f\x98 文字文字文字"},
	{"", strings.Repeat("重复的长文本，", 600)},
	{"短", "很短"},
}

func TestFingerprintIsTheDefinition(t *testing.T) {
	for _, tt := range fingerprintTexts {
		checkFingerprint(t, tt[0], tt[1])
		checkFingerprint(t, normalizeWord(tt[0]), normalizeWord(tt[1]))
	}
}

func checkFingerprint(t *testing.T, title, body string) {
	t.Helper()
	got, gotOK := fingerprint(title, body)
	want, wantOK := fingerprintByRange(title, body)
	if got != want || gotOK != wantOK {
		t.Errorf("fingerprint(%q, %q) = %v %x, want %v %x", title, body, gotOK, got.bytes(), wantOK, want.bytes())
	}
}

func FuzzFingerprint(f *testing.F) {
	for _, tt := range fingerprintTexts {
		f.Add(tt[0], tt[1])
	}
	f.Fuzz(func(t *testing.T, title, body string) { checkFingerprint(t, title, body) })
}

// TestFingerprintGolden pins the signatures themselves: stored stories are
// found by them, so a change here splits every story in the database.
func TestFingerprintGolden(t *testing.T) {
	var b strings.Builder
	for _, tt := range fingerprintTexts {
		sig, ok := fingerprint(normalizeWord(tt[0]), normalizeWord(tt[1]))
		fmt.Fprintf(&b, "%v %s %v\n", ok, hex.EncodeToString(sig.bytes()), sig.bands())
	}
	checkGolden(t, "testdata/fingerprint.golden.txt", b.String())
}
