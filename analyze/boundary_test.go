package analyze

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-ego/gse"
	"golang.org/x/text/width"
)

var unitCases = []string{
	"住房价格上涨，房价暴涨",
	"abc123中文ÀÉÎ Ωμέγα кириллица",
	"12345热线a12345热线",
	"\xff\xfe住房\xe4价格\xe4\xb8",
	"\xef\xbf\xbd\xed\xa0\x80\xe0\x80\x80\xf0\x9f\x98\x80😀",
	"ＡＢＣ１２３",
	"",
	"a",
}

// gseUnits returns the byte offsets of the unit boundaries gse finds.
func gseUnits(text string) []int {
	bounds := []int{0}
	for _, u := range gse.SplitWords([]byte(text)) {
		bounds = append(bounds, bounds[len(bounds)-1]+len(u))
	}
	return bounds
}

// forwardUnits and backwardUnits find them with unitEnd and unitStart.
func forwardUnits(text string) []int {
	bounds := []int{0}
	for pos := 0; pos < len(text); {
		pos = unitEnd(text, pos)
		bounds = append(bounds, pos)
	}
	return bounds
}

func backwardUnits(text string) []int {
	bounds := []int{len(text)}
	for pos := len(text); pos > 0; {
		pos = unitStart(text, pos)
		bounds = append([]int{pos}, bounds...)
	}
	return bounds
}

func checkUnits(t *testing.T, text string) {
	want := gseUnits(text)
	if text == "" {
		want = []int{0}
	}
	if got := forwardUnits(text); !reflect.DeepEqual(got, want) {
		t.Errorf("%q: unitEnd bounds %v, gse %v", text, got, want)
	}
	if got := backwardUnits(text); !reflect.DeepEqual(got, want) {
		t.Errorf("%q: unitStart bounds %v, gse %v", text, got, want)
	}
	at := map[int]bool{}
	for _, b := range want {
		at[b] = true
	}
	for pos := 0; pos <= len(text); pos++ {
		if pos < len(text) && !utf8.RuneStart(text[pos]) {
			continue
		}
		if got := isUnitBoundary(text, pos); got != at[pos] && utf8.ValidString(text) {
			t.Errorf("%q: isUnitBoundary(%d) = %v", text, pos, got)
		}
	}
}

// The fast mode reads units in place; they must be gse's units exactly,
// broken UTF-8 included.
func TestUnitsAreGseUnits(t *testing.T) {
	for _, text := range unitCases {
		checkUnits(t, text)
	}
}

func FuzzUnitsAreGseUnits(f *testing.F) {
	for _, text := range unitCases {
		f.Add(text)
	}
	f.Fuzz(checkUnits)
}

func TestUnitValue(t *testing.T) {
	seen := map[uint64]string{}
	for _, u := range []string{"a", "ab", "住", "价", "abcdefg", "abcdefgh", "abcdefgi", "\xff", "\xef\xbf\xbd", "1", "12", "123", "abc"} {
		v := unitValue(u)
		if other, dup := seen[v]; dup {
			t.Errorf("units %q and %q share the value %x", u, other, v)
		}
		seen[v] = u
	}
	if unitValue("住") != 3<<56|0xe4bd8f<<32 {
		t.Errorf("unitValue(住) = %x", unitValue("住"))
	}
	// gse looks letters up in lower case.
	for _, u := range []string{"ABC", "P2p", "ABCDEFGHIJ"} {
		if unitValue(u) != unitValue(strings.ToLower(u)) {
			t.Errorf("unitValue(%q) differs from its lower case", u)
		}
	}
}

// normalizeText must fold exactly when the rune-by-rune definition says so.
func TestNormalizeTextFindsFullWidth(t *testing.T) {
	for _, text := range []string{"ＡＢＣ", "住房１", "ｚ", "，。！？", "Ａ", "\xef\xbc", "０", "９", "：", "＠", "｀", "ｚ｛"} {
		if got, want := normalizeText(text), normalizeTextByRune(text); got != want {
			t.Errorf("normalizeText(%q) = %q, want %q", text, got, want)
		}
	}
}

func FuzzNormalizeText(f *testing.F) {
	f.Add("ＡＢＣ住房，１")
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := normalizeText(text), normalizeTextByRune(text); got != want {
			t.Errorf("normalizeText(%q) = %q, want %q", text, got, want)
		}
	})
}

// normalizeTextByRune is the definition normalizeText implements faster.
func normalizeTextByRune(text string) string {
	for _, r := range text {
		if (r >= '０' && r <= '９') || (r >= 'Ａ' && r <= 'Ｚ') || (r >= 'ａ' && r <= 'ｚ') {
			return width.Fold.String(text)
		}
	}
	return text
}
