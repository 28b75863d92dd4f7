package analyze

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// bruteMatches finds every occurrence of every pattern that starts where a
// character of text starts (a pattern is valid UTF-8, so it then ends on
// one). A repeated pattern is reported under its first id.
func bruteMatches(patterns []string, text string) []match {
	starts := map[int]bool{}
	for i := 0; i < len(text); {
		starts[i] = true
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	var out []match
	for id, p := range patterns {
		if p == "" || !utf8.ValidString(p) || slices.Index(patterns, p) < id {
			continue
		}
		for i := range text {
			if starts[i] && strings.HasPrefix(text[i:], p) {
				out = append(out, match{int32(id), i, i + len(p)})
			}
		}
	}
	slices.SortFunc(out, func(a, b match) int {
		if a.start != b.start {
			return a.start - b.start
		}
		if a.end != b.end {
			return a.end - b.end
		}
		return int(a.id - b.id)
	})
	return out
}

func TestRuneMatcher(t *testing.T) {
	patterns := []string{"房价", "住房价格", "价格", "p2p", "非法集资", "集资", "资", "", "12345", "a", "😀好", "\xff", "价"}
	m := newRuneMatcher(patterns)
	for _, text := range []string{
		"住房价格上涨，房价暴涨", "非法集资案涉及p2p平台", "拨打12345热线", "", "aaa", "没有任何匹配的文字",
		"价格价格", "😀好😀", "\xff价\xe4\xbb价格", "A P2P",
	} {
		if got, want := m.appendMatches(nil, text), bruteMatches(patterns, text); !reflect.DeepEqual(got, want) {
			t.Errorf("appendMatches(%q) = %v, want %v", text, got, want)
		}
	}
}

func FuzzRuneMatcher(f *testing.F) {
	f.Add("房价,住房价格,价", "住房价格上涨，房价暴涨")
	f.Add("ab,b,abc,,BC", "xabcABCbc")
	f.Fuzz(func(t *testing.T, pats, text string) {
		patterns := strings.Split(pats, ",")
		if len(patterns) > 50 {
			return
		}
		m := newRuneMatcher(patterns)
		if got, want := m.appendMatches(nil, text), bruteMatches(patterns, text); !reflect.DeepEqual(got, want) {
			t.Fatalf("patterns %q text %q:\n got %v\nwant %v", patterns, text, got, want)
		}
	})
}
