package report

import (
	"reflect"
	"testing"
)

func TestKeepWord(t *testing.T) {
	tests := map[string]bool{
		"烂尾": true, "12345热线": true, "房地产市场": true,
		"楼": false, "我们": false, "2026": false, "AI": false, "，": false, "烂尾！": false,
	}
	for w, want := range tests {
		if got := keepWord(w); got != want {
			t.Errorf("keepWord(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestEmergingRanksRisingWords(t *testing.T) {
	seg := newWordSegmenter("烂尾", "桂花", "交房", "淦河")
	cur, base := newWordCounts(), newWordCounts()
	for _, title := range []string{
		"烂尾 交房 桂花", "烂尾 交房", "烂尾 淦河", "烂尾 桂花", "桂花 淦河", "淦河",
		"烂尾烂尾", // a word counts once per title
	} {
		cur.add(seg, title)
	}
	for range 10 {
		base.add(seg, "桂花")
	}
	for range 10 {
		base.add(seg, "淦河 桂花")
	}
	got := emerging(cur, base, 10)
	want := Emerging{Titles: 7, BaselineTitles: 20, Words: []Word{
		// 烂尾: 5 titles now, never before.
		{Word: "烂尾", Count: 5, Expected: 0, Ratio: 6, New: true},
	}}
	// 交房 is new but in 2 titles only; 桂花 (3 now, 7 expected) and 淦河
	// (3 now, 3.5 expected) did not rise.
	if !reflect.DeepEqual(got, want) {
		t.Errorf("emerging() =\n%+v\nwant\n%+v", got, want)
	}
	if got := emerging(cur, base, 0); len(got.Words) != 0 {
		t.Errorf("limit 0 kept %d words", len(got.Words))
	}
}
