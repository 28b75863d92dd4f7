package analyze

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
)

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

// fastCases are texts where the fast mode's shortcuts could go wrong: words
// inside longer words, words across a run of letters, suffix terms, clause
// punctuation inside longer tokens, broken UTF-8 and full-width forms.
var fastCases = []string{
	"住房价格上涨，房价暴涨",
	"学校长不满意，学生不满",
	"武汉大学的学生和华中师大的老师",
	"12345热线123456热线a12345热线",
	"p2p平台ap2p，P2P！T恤t恤",
	"……不好……，不，好。",
	"延期交房延期\n\n交房",
	"ＡＢＣ１２３住房价格",
	"\xff\xfe住房\xe4价格\xe4\xb8",
	"不太满意不满意没有不满",
	"",
	"，",
	"房",
}

// The fast mode is exact: it finds the tokens the full segmentation finds,
// in the same order, with the same clauses.
func TestFastScanMatchesFull(t *testing.T) {
	a := newTestAnalyzer(t)
	full, err := a.WithMode(ModeFull)
	if err != nil {
		t.Fatal(err)
	}
	texts := append([]string{}, fastCases...)
	texts = append(texts, randomTexts(a, 2000, 1)...)
	for _, text := range texts {
		f, g := a.scan.scan(text, ""), full.scan.scan(text, "")
		if !reflect.DeepEqual(f.tokens, g.tokens) {
			t.Errorf("%q:\nfast %+v\nfull %+v", text, f.tokens, g.tokens)
		}
	}
}

func FuzzFastScanMatchesFull(f *testing.F) {
	for _, text := range fastCases {
		f.Add(text)
	}
	a := newTestAnalyzer(f)
	full, err := a.WithMode(ModeFull)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		fast, want := a.scan.scan(text, text), full.scan.scan(text, text)
		if !reflect.DeepEqual(fast.tokens, want.tokens) {
			t.Fatalf("%q:\nfast %+v\nfull %+v", text, fast.tokens, want.tokens)
		}
	})
}

// randomTexts strings together the analyzer's own words, the words of its
// dictionary, pieces of them, punctuation, letters and digits: dense with
// overlapping candidates, which is where the fast mode has work to do.
func randomTexts(a *Analyzer, n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 7))
	var pieces []string
	for _, w := range a.words() {
		pieces = append(pieces, w)
		if r := []rune(w); len(r) > 1 {
			pieces = append(pieces, string(r[:len(r)-1]), string(r[1:]))
		}
	}
	for i := range a.seg.gse.Dict.Tokens {
		pieces = append(pieces, a.seg.gse.Dict.Tokens[i].Text())
	}
	pieces = append(pieces, "，", "。", "！", "\n", "…", " ", "a", "b2", "12", "ａ", "的", "了", "是")
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		out[i] = b.String()
	}
	return out
}

// One scanner serves every worker; its buffers come from a pool. Run with
// -race.
func TestFastScanConcurrent(t *testing.T) {
	a := newTestAnalyzer(t)
	full, err := a.WithMode(ModeFull)
	if err != nil {
		t.Fatal(err)
	}
	texts := randomTexts(a, 400, 3)
	want := make([][]token, len(texts))
	for i, text := range texts {
		want[i] = full.scan.scan(text, text).tokens
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range texts {
				i := (i + g*50) % len(texts)
				if got := a.scan.scan(texts[i], texts[i]).tokens; !reflect.DeepEqual(got, want[i]) {
					errs <- texts[i]
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for text := range errs {
		t.Errorf("%q: tokens differ under concurrency", text)
	}
}
