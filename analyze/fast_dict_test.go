package analyze

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// cut over a whole text is gse's Segment: the same segments, so the same
// costs and the same choices between equal paths.
func TestFastCutIsGseSegment(t *testing.T) {
	a := newTestAnalyzer(t)
	texts := append(append([]string{}, fastCases...), randomTexts(a, 2000, 2)...)
	var sc spanScratch
	for _, text := range texts {
		checkCut(t, a.seg, &sc, text)
	}
}

// The same with gse's own dictionary, on text about anything, in upper case
// too.
func TestFastCutIsGseSegmentEmbedded(t *testing.T) {
	a := defaultAnalyzer(t)
	items, _ := generalItems(t, a.seg, 32<<10)
	texts := []string{"T恤衫和P2P平台、ABC公司的CEO", "女孩开网店出售剩余人生　一天最多赚2000元", "王建宙谈经济严冬：乱世有钱不乱花"}
	for _, it := range items {
		texts = append(texts, it.Title, it.Content, strings.ToUpper(it.Title))
	}
	var sc spanScratch
	for _, text := range texts {
		checkCut(t, a.seg, &sc, text)
	}
}

func FuzzFastCutIsGseSegment(f *testing.F) {
	for _, text := range fastCases {
		f.Add(text)
	}
	seg := tinySegmenter(f, "减税降费", "12345热线", "通城县", "P2P")
	var sc spanScratch
	f.Fuzz(func(t *testing.T, text string) { checkCut(t, seg, &sc, text) })
}

func checkCut(t *testing.T, seg *Segmenter, sc *spanScratch, text string) {
	t.Helper()
	got := seg.fast.cut(text, 0, len(text), sc, nil)
	var want []segment
	for _, sg := range seg.gse.Segment([]byte(text)) {
		want = append(want, segment{sg.Start(), sg.End()})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%q: cut %v, gse %v", text, got, want)
	}
}

// The table holds every word gse's trie holds, at gse's cost, and every
// proper prefix of one as a prefix.
func TestFastDictHoldsGseWords(t *testing.T) {
	seg := defaultAnalyzer(t).seg
	d := seg.fast
	logTotal := float32(math.Log2(seg.gse.Dict.TotalFreq()))
	checked := 0
	for i := range seg.gse.Dict.Tokens {
		if i%7 != 0 && i < len(seg.gse.Dict.Tokens)-1000 {
			continue // a sample, and all the words added last (the project's)
		}
		word := seg.gse.Dict.Tokens[i].Text()
		freq, _, ok := seg.gse.Find(word)
		if !ok || freq == 0 {
			t.Fatalf("gse does not find its own token %q", word)
		}
		key := uint64(keySeed)
		units := appendUnitValues(nil, word)
		for j, v := range units {
			key = extendKey(key, v)
			flags, cost := d.lookup(key)
			if j < len(units)-1 && flags&entryPrefix == 0 {
				t.Fatalf("%q: prefix of %d units missing", word, j+1)
			}
			if j == len(units)-1 {
				if want := logTotal - float32(math.Log2(freq)); flags&entryWord == 0 || cost != want {
					t.Fatalf("%q: flags %b cost %v, want a word of cost %v", word, flags, cost, want)
				}
			}
		}
		checked++
	}
	if flags, _ := d.lookup(extendKey(keySeed, unitValue("\xff"))); flags != 0 {
		t.Errorf("a broken byte is in the table: flags %b", flags)
	}
	t.Logf("%d words checked; table %d slots, %d entries; pair filter %d bits", checked, len(d.keys), d.used, len(d.pairs)*64)
}

// A word is accepted without segmenting only where gse would keep it whole:
// keptWhole must agree with cheapestSplit, which asks gse itself.
func TestKeptWhole(t *testing.T) {
	dict := "减税 1000000\n降费 1000000\n政策 1000000\n降税 2\n住房价格 800\n住房 3000\n价格 3000\n"
	seg, err := NewSegmenter(SegmenterOptions{Dictionary: []byte(dict + "减税降费 1\n"), Words: []string{"通城县"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		word string
		want bool
	}{
		{"减税降费", false}, // its frequency 1 is the dictionary's choice: gse splits it
		{"通城县", true},   // raised by keepWhole
		{"减税", true},
		{"税", true},     // one unit: nothing to split
		{"不", true},     // one unit, not even a word: the pseudo word is whole
		{"减税政策", false}, // not a word
		{"", false},
	}
	for _, tt := range tests {
		if got := seg.fast.keptWhole(tt.word); got != tt.want {
			t.Errorf("keptWhole(%q) = %v, want %v", tt.word, got, tt.want)
		}
		if units := appendUnitValues(nil, tt.word); len(units) > 1 && seg.freq(tt.word) > 0 {
			own := math.Log2(seg.gse.Dict.TotalFreq()) - math.Log2(seg.freq(tt.word))
			if want := own+wholeMargin < seg.cheapestSplit(tt.word); seg.fast.keptWhole(tt.word) != want {
				t.Errorf("keptWhole(%q) disagrees with cheapestSplit", tt.word)
			}
		}
	}
	// And a scanner built on it finds what the full mode finds.
	words := []string{"减税降费", "减税", "降费", "通城县", "政策"}
	fast, full := newScanner(seg, ModeFast, words, nil), newScanner(seg, ModeFull, words, nil)
	for _, text := range []string{"减税降费政策", "通城县减税降费", "减税降税降费"} {
		if f, g := fast.scan(text, ""), full.scan(text, ""); !reflect.DeepEqual(f.tokens, g.tokens) {
			t.Errorf("%s: fast %+v, full %+v", text, f.tokens, g.tokens)
		}
	}
}
