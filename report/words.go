package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/yuqing/yuqing/model"
)

// baselineWeeks is how many weeks before the report's week the frequency
// of a word is compared with.
const baselineWeeks = 4

// Emerging words: a word must be in at least minWordCount of the week's
// titles and at least minWordRatio times as frequent as before.
const (
	minWordCount = 3
	minWordRatio = 2.0
)

// stopWords are frequent in news titles whatever happens.
var stopWords = map[string]bool{
	"我们": true, "他们": true, "一个": true, "没有": true, "什么": true, "这个": true, "这些": true,
	"进行": true, "开展": true, "工作": true, "有关": true, "关于": true, "相关": true, "表示": true,
	"记者": true, "近日": true, "日前": true, "今天": true, "昨天": true, "目前": true, "已经": true,
	"通知": true, "情况": true, "问题": true, "以及": true, "还是": true, "可以": true, "如何": true,
	"为什么": true, "本周": true, "今年": true, "全市": true, "我市": true, "市民": true, "网友": true,
}

// wordCounts counts in how many titles each word appears.
type wordCounts struct {
	titles int
	words  map[string]int
}

func newWordCounts() *wordCounts { return &wordCounts{words: map[string]int{}} }

// add counts the words of one title, each once.
func (c *wordCounts) add(seg Segmenter, title string) {
	c.titles++
	seen := map[string]bool{}
	for _, w := range seg.Words(title) {
		if seen[w] || !keepWord(w) {
			continue
		}
		seen[w] = true
		c.words[w]++
	}
}

// keepWord keeps Chinese words of two characters or more that are not
// stop words: single characters, numbers and Latin fragments say little.
func keepWord(w string) bool {
	if utf8.RuneCountInString(w) < 2 || stopWords[w] {
		return false
	}
	han := false
	for _, r := range w {
		switch {
		case unicode.Is(unicode.Han, r):
			han = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		default:
			return false
		}
	}
	return han
}

// buildEmerging segments a sample of the week's titles and of the four
// weeks before, and lists the words that rose most.
func (b *Builder) buildEmerging(ctx context.Context, d *Data, week Week, q model.StatsQuery, notes *noteList) error {
	d.Emerging = Emerging{Words: []Word{}}
	if b.o.Segmenter == nil {
		notes.add("未分析新出现热词：未加载分词词典")
		return nil
	}
	cur := newWordCounts()
	if err := b.countTitles(ctx, q, cur); err != nil {
		return err
	}
	base := newWordCounts()
	w := week
	for range baselineWeeks {
		w = w.Prev()
		pq := q
		pq.From, pq.To = w.Start(), w.End()
		if err := b.countTitles(ctx, pq, base); err != nil {
			return err
		}
	}
	d.Emerging = emerging(cur, base, b.o.EmergingWords)
	d.Emerging.Sampled = cur.titles >= b.o.TitleSample
	if cur.titles > 0 && base.titles == 0 {
		notes.add("前四周无信息，新出现热词按本周出现次数列出")
	}
	return nil
}

func (b *Builder) countTitles(ctx context.Context, q model.StatsQuery, into *wordCounts) error {
	err := b.o.Source.ReportTitles(ctx, q, b.o.TitleSample, func(title string) error {
		into.add(b.o.Segmenter, title)
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("report: read titles: %w", err)
	}
	return nil
}

// emerging ranks the words of cur against base: Ratio is the smoothed
// rise of the word's frequency, (Count+1)/(Expected+1), where Expected is
// its count at the base frequency over as many titles as cur has.
func emerging(cur, base *wordCounts, limit int) Emerging {
	e := Emerging{Titles: cur.titles, BaselineTitles: base.titles, Words: []Word{}}
	for word, n := range cur.words {
		if n < minWordCount {
			continue
		}
		var expected float64
		if base.titles > 0 {
			expected = float64(base.words[word]) * float64(cur.titles) / float64(base.titles)
		}
		ratio := (float64(n) + 1) / (expected + 1)
		if ratio < minWordRatio {
			continue
		}
		e.Words = append(e.Words, Word{Word: word, Count: n, Expected: round2(expected),
			Ratio: round2(ratio), New: base.words[word] == 0})
	}
	slices.SortFunc(e.Words, func(x, y Word) int {
		if c := compareDesc(x.Ratio, y.Ratio); c != 0 {
			return c
		}
		if c := compareDesc(x.Count, y.Count); c != 0 {
			return c
		}
		return cmp.Compare(x.Word, y.Word)
	})
	if len(e.Words) > limit {
		e.Words = e.Words[:limit]
	}
	return e
}

func round2(x float64) float64 {
	return float64(int64(x*100+0.5)) / 100
}
