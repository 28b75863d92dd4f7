package analyze

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/yuqing/yuqing/model"
)

// scratchItems string together the words the analyzer looks for, so that
// successive items leave different topics, terms, words and places in the
// reused buffers.
func scratchItems(a *Analyzer, n int) []model.Item {
	words := append(a.words(), "武汉大学", "，", "。", "3名", "工人", "不", "很", "但是", "天气")
	rng := rand.New(rand.NewPCG(5, 6))
	var items []model.Item
	for i := range n {
		var title, body strings.Builder
		for range rng.IntN(5) {
			title.WriteString(words[rng.IntN(len(words))])
		}
		for range rng.IntN(40) {
			body.WriteString(words[rng.IntN(len(words))])
		}
		items = append(items, model.Item{ID: strconv.Itoa(i), SourceID: "s", Title: title.String(), Content: body.String()})
	}
	return items
}

func analysisJSON(t *testing.T, an model.Analysis) string {
	t.Helper()
	b, err := json.Marshal(an)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The buffers of one item's analysis are reused for the next: what an
// analysis returned must not change when later items are analyzed, and
// must not depend on what was analyzed before.
func TestAnalysisSharesNoScratch(t *testing.T) {
	a := newTestAnalyzer(t)
	items := scratchItems(a, 400)
	fresh := make([]string, len(items)) // each item analyzed by an analyzer of its own
	for i, it := range items {
		b := *a
		b.pool = &scratchPool{}
		fresh[i] = analysisJSON(t, b.Analyze(it))
	}
	kept := make([]model.Analysis, len(items))
	for i, it := range items {
		kept[i] = a.Analyze(it)
		if got := analysisJSON(t, kept[i]); got != fresh[i] {
			t.Fatalf("item %d after others:\n%s\nwant\n%s", i, got, fresh[i])
		}
	}
	for i := range kept {
		if got := analysisJSON(t, kept[i]); got != fresh[i] {
			t.Fatalf("item %d changed while later items were analyzed:\n%s\nwant\n%s", i, got, fresh[i])
		}
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(items); i += 4 {
				if got := analysisJSON(t, a.Analyze(items[i])); got != fresh[i] {
					t.Errorf("item %d analyzed concurrently:\n%s\nwant\n%s", i, got, fresh[i])
					return
				}
			}
		})
	}
	wg.Wait()
}

// An explanation is written from the scratch buffers before they are
// released; it too must not depend on the items before.
func TestExplanationSharesNoScratch(t *testing.T) {
	a := newTestAnalyzer(t)
	items := scratchItems(a, 200)
	explainOne := func(a *Analyzer, it model.Item) string {
		var b strings.Builder
		ex := a.examine(it)
		an := a.finish(ex, model.StorySpread{StoryID: "s1", Articles: 3, Sources: 2})
		if err := explain(&b, a, ex, an); err != nil {
			t.Fatal(err)
		}
		a.release(ex)
		return b.String()
	}
	for i, it := range items {
		b := *a
		b.pool = &scratchPool{}
		if got, want := explainOne(a, it), explainOne(&b, it); got != want {
			t.Fatalf("item %d explained after others:\n%s\nwant\n%s", i, got, want)
		}
	}
}
