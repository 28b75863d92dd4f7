package analyze

import (
	"reflect"
	"testing"

	"github.com/yuqing/yuqing/model"
)

// agreement compares the fast mode with the full segmentation on items:
// the share of items with the same topics, regions, sentiment and severity,
// and the share with exactly the same tokens.
func agreement(a *Analyzer, items []model.Item) (tags, tokens float64, firstDiff string) {
	full, err := a.WithMode(ModeFull)
	if err != nil {
		panic(err) // impossible: the mode is valid
	}
	tagDiffer, tokenDiffer := 0, 0
	for _, it := range items {
		if f, g := a.scan.scan(it.Title, it.Content), full.scan.scan(it.Title, it.Content); !reflect.DeepEqual(f.tokens, g.tokens) {
			tokenDiffer++
		}
		f, g := a.Analyze(it), full.Analyze(it)
		if !reflect.DeepEqual(f.TopicIDs(), g.TopicIDs()) || !reflect.DeepEqual(f.Regions, g.Regions) ||
			f.Sentiment != g.Sentiment || f.Severity != g.Severity {
			tagDiffer++
			if firstDiff == "" {
				firstDiff = it.Title
			}
		}
	}
	n := float64(len(items))
	return 1 - float64(tagDiffer)/n, 1 - float64(tokenDiffer)/n, firstDiff
}

// The fast mode agrees with the full segmentation on the benchmark's news
// (dense with configured words) and on text about nothing in particular.
// It is exact by construction, so anything short of all items is a bug
// worth a look even above the 99.5%.
func TestFastAgreesOnBothCorpora(t *testing.T) {
	a := defaultAnalyzer(t)
	topical, _ := benchItems(t, 256<<10)
	general, _ := generalItems(t, a.seg, 256<<10)
	for _, c := range []struct {
		name  string
		items []model.Item
	}{{"topical", topical}, {"general", general}} {
		tags, tokens, diff := agreement(a, c.items)
		t.Logf("%s: %d items, tags agree on %.4f, tokens on %.4f", c.name, len(c.items), tags, tokens)
		if tags < 0.995 {
			t.Errorf("%s: tags agree on %.4f of items, want ≥ 0.995; first difference: %q", c.name, tags, diff)
		}
		if tokens < 0.995 {
			t.Errorf("%s: tokens agree on %.4f of items, want ≥ 0.995", c.name, tokens)
		}
	}
}
