package analyze

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

type acMatch struct{ id, start, end int }

// bruteForce finds every occurrence of every pattern, ASCII folded.
func bruteForce(patterns []string, text string) []acMatch {
	lower := foldBytes(text)
	var out []acMatch
	for id, p := range patterns {
		if p == "" {
			continue
		}
		for i := 0; i+len(p) <= len(lower); i++ {
			if lower[i:i+len(p)] == foldBytes(p) {
				out = append(out, acMatch{id, i, i + len(p)})
			}
		}
	}
	return sortMatches(out)
}

func foldBytes(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] = foldASCII(b[i])
	}
	return string(b)
}

func sortMatches(m []acMatch) []acMatch {
	slices.SortFunc(m, func(a, b acMatch) int {
		if a.end != b.end {
			return a.end - b.end
		}
		if a.start != b.start {
			return a.start - b.start
		}
		return a.id - b.id
	})
	return m
}

func acMatches(a *acAutomaton, text string) []acMatch {
	var out []acMatch
	a.scan(text, func(id int32, start, end int) { out = append(out, acMatch{int(id), start, end}) })
	return sortMatches(out)
}

func TestACAutomaton(t *testing.T) {
	patterns := []string{"房价", "住房价格", "价格", "p2p", "非法集资", "集资", "资", "", "12345", "a"}
	a := newACAutomaton(patterns)
	for _, text := range []string{
		"住房价格上涨，房价暴涨", "非法集资案涉及P2P平台", "拨打12345热线", "", "aaa", "没有任何匹配的文字", "价格价格",
	} {
		if got, want := acMatches(a, text), bruteForce(patterns, text); !reflect.DeepEqual(got, want) {
			t.Errorf("scan(%q) = %v, want %v", text, got, want)
		}
	}
}

func FuzzACAutomaton(f *testing.F) {
	f.Add("房价,住房价格,价", "住房价格上涨，房价暴涨")
	f.Add("ab,b,abc,,BC", "xabcABCbc")
	f.Fuzz(func(t *testing.T, pats, text string) {
		patterns := strings.Split(pats, ",")
		if len(patterns) > 50 {
			return
		}
		a := newACAutomaton(patterns)
		got, want := acMatches(a, text), bruteForce(patterns, text)
		// A pattern may start inside a rune of invalid or multi-byte text;
		// the automaton reports byte matches like the brute force does.
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("patterns %q text %q:\n got %v\nwant %v", patterns, text, got, want)
		}
	})
}

func TestScanModes(t *testing.T) {
	a := newTestAnalyzer(t)
	full, err := a.WithMode(ModeFull)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"住房价格上涨，房价暴涨", "通城县隽水镇楼盘，业主投诉！开发商", "学校长", "12345热线123456"} {
		f, g := a.scan.scan(text, text), full.scan.scan(text, text)
		if !reflect.DeepEqual(f.tokens, g.tokens) {
			t.Errorf("%s: fast %+v\nfull %+v", text, f.tokens, g.tokens)
		}
	}
	d := a.scan.scan("房价，住房价格", "")
	if len(d.tokens) != 1 || d.tokens[0].word != "房价" || d.tokens[0].clause != 0 {
		t.Errorf("tokens = %+v, want 房价 alone (not inside 住房价格)", d.tokens)
	}
	if _, err := a.WithMode("slow"); err == nil {
		t.Error("WithMode(slow) succeeded")
	}
}
