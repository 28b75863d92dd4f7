package demo

import (
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/yuqing/yuqing/config"
)

// unrelatedNews are the city_news items (a football match, a film festival,
// a science discovery) that show the demo does not alert on everything.
var unrelatedNews = []string{
	"tag:news.xianning.example,2026:local-1122-015",
	"tag:news.xianning.example,2026:local-1121-011",
	"tag:news.xianning.example,2026:local-1120-005",
}

// TestUnrelatedItemsCannotAlert scores the unrelated items against the
// shipped taxonomy by substring. The analyzer matches whole segmented words,
// which find a subset of the substring hits, so an item below every
// threshold here cannot be tagged by the analyzer either, whatever the
// segmenter does.
func TestUnrelatedItemsCannotAlert(t *testing.T) {
	const file = "../configs/taxonomy.yaml"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tax, err := config.ParseTaxonomy(data, file)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	var news Feed
	for _, f := range Feeds() {
		if f.ID == "city_news" {
			news = f
		}
	}
	feed, err := fetchAndParse(t, srv.URL, news)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, it := range feed.Items {
		if !slices.Contains(unrelatedNews, it.GUID) {
			continue
		}
		found++
		for _, topic := range tax.Topics {
			score, hits := substringScore(topic, it.Title, it.Description)
			if score >= topic.Threshold {
				t.Errorf("%q would be tagged %s (score %.2f from %v)", it.Title, topic.ID, score, hits)
			}
		}
	}
	if found != len(unrelatedNews) {
		t.Errorf("found %d of the %d unrelated items", found, len(unrelatedNews))
	}
}

// substringScore over-approximates the analyzer's score: weight per distinct
// term, ×1.5 in the title.
func substringScore(topic config.Topic, title, body string) (float64, []string) {
	score, hits := 0.0, []string(nil)
	for term, weight := range topic.Terms {
		switch {
		case strings.Contains(title, term):
			score += 1.5 * weight
		case strings.Contains(body, term):
			score += weight
		default:
			continue
		}
		hits = append(hits, term)
	}
	return score, hits
}
