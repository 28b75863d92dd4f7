package alert_test

import (
	"testing"

	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

// TestOnlyItemsThatWarrantAResponseOpenCases: a notice or a word of praise
// in a hot-topic area is monitored but owes no response; a negative item or
// a severe one opens a case; a neutral reprint still grows its story's case.
func TestOnlyItemsThatWarrantAResponseOpenCases(t *testing.T) {
	withTone := func(it model.TaggedItem, sentiment string) model.TaggedItem {
		it.Analysis.Sentiment = sentiment
		return it
	}
	tests := []struct {
		name      string
		sentiment string
		severity  model.Severity
		wantCase  bool
	}{
		{"negative", model.SentimentNegative, model.SeverityIV, true},
		{"neutral notice", model.SentimentNeutral, model.SeverityIV, false},
		{"praise", model.SentimentPositive, model.SeverityNone, false},
		{"neutral but 较大", model.SentimentNeutral, model.SeverityIII, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newCaseFixture(t, fixtureOptions{})
			f.handle(withTone(f.item("a", "forum", "s1", tt.severity), tt.sentiment))
			if got := len(f.cases(store.CaseFilter{})) > 0; got != tt.wantCase {
				t.Fatalf("case opened = %v, want %v", got, tt.wantCase)
			}
		})
	}

	t.Run("a neutral reprint grows the case of its story", func(t *testing.T) {
		f := newCaseFixture(t, fixtureOptions{})
		f.handle(f.item("a", "forum", "s1", model.SeverityIV))
		f.handle(withTone(f.item("b", "news", "s1", model.SeverityIV), model.SentimentNeutral))
		if c := f.onlyCase("housing"); c.Articles != 2 {
			t.Fatalf("case has %d articles, want 2", c.Articles)
		}
	})
}
