package app

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/report"
	"github.com/yuqing/yuqing/store"
)

var reportBenchItems = flag.Int("report-items", 1_000_000, "items in the week BenchmarkWeeklyReport generates")

// BenchmarkWeeklyReport builds and renders (HTML with charts, Markdown) the
// report of a week of generated items in SQLite, with the real segmenter,
// and reports the peak heap during the build and how much of it the build
// added to what was live before (mostly the segmenter's dictionary). Run
// it with
//
//	go test ./app -run XXX -bench WeeklyReport -benchtime 1x
func BenchmarkWeeklyReport(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	st, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	cfg, err := config.Default()
	if err != nil {
		b.Fatal(err)
	}
	week, _ := report.ParseWeek("2026-W48", shanghai)
	start := time.Now()
	if err := generateReportWeeks(ctx, st, filepath.Join(dir, "yuqing.db"), cfg, week, *reportBenchItems); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d items a week for five weeks in %s", *reportBenchItems, time.Since(start).Round(time.Second))
	seg := sharedAnalyzer(b).Segmenter()
	builder, err := newReportBuilder(cfg, cfg.Report.WithDefaults(), shanghai, st, seg, time.Now, nil)
	if err != nil {
		b.Fatal(err)
	}
	charts := report.NewCharts(nil)
	runtime.GC()
	// The analyzer's dictionary is most of the heap before the build.
	baseline := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(baseline)
	var peak, peakLive uint64
	for b.Loop() {
		stop := samplePeakHeap(&peak, &peakLive)
		d, err := builder.Build(ctx, report.Request{Week: week})
		if err != nil {
			b.Fatal(err)
		}
		var html, md bytes.Buffer
		if err := report.RenderHTML(&html, d, report.HTMLOptions{Charts: charts}); err != nil {
			b.Fatal(err)
		}
		if err := report.RenderMarkdown(&md, d); err != nil {
			b.Fatal(err)
		}
		stop()
		if d.Headline.Items != int64(*reportBenchItems) {
			b.Fatalf("report counted %d items, want %d", d.Headline.Items, *reportBenchItems)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(peakLive)/(1<<20), "peak-live-MiB")
	b.ReportMetric(float64(peakLive-min(peakLive, baseline[0].Value.Uint64()))/(1<<20), "build-live-MiB")
}

// samplePeakHeap records, until stop is called, the largest heap (live
// and not yet collected objects) and the largest live heap as marked by a
// garbage collection: what the build keeps, whatever the GC's pacing.
func samplePeakHeap(peak, peakLive *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	wg.Go(func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			*peak = max(*peak, sample[0].Value.Uint64())
			*peakLive = max(*peakLive, sample[1].Value.Uint64())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// generateReportWeeks fills the store with n items in week and n/4 in
// each of the four weeks before (the emerging words' baseline), generated
// by SQL: stories of ten articles, topics of the built-in taxonomy, places
// of the gazetteer, a quarter negative.
func generateReportWeeks(ctx context.Context, st *store.Store, path string, cfg *config.Config, week report.Week, n int) error {
	sources := make([]model.Source, 40)
	for i := range sources {
		sources[i] = model.Source{ID: fmt.Sprintf("src%d", i), Name: fmt.Sprintf("信息源%d", i)}
	}
	if err := st.SyncSources(ctx, sources); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	w := week
	for i := range 5 {
		count := n
		if i > 0 {
			count, w = n/4, w.Prev()
		}
		for _, q := range generatorSQL(cfg, i, count, w.Start(), w.End()) {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("generate week %s: %w", w, err)
			}
		}
	}
	return tx.Commit()
}

func generatorSQL(cfg *config.Config, weekIndex, n int, from, to time.Time) []string {
	var topics, places []string
	for _, t := range cfg.Taxonomy.Topics {
		topics = append(topics, t.ID)
	}
	for _, p := range cfg.Places.Places {
		places = append(places, p.Name)
	}
	pick := func(expr string, values []string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "CASE (%s) %% %d", expr, len(values))
		for i, v := range values {
			fmt.Fprintf(&b, " WHEN %d THEN '%s'", i, v)
		}
		return b.String() + " END"
	}
	// Titles made of words of the plan, so that segmentation has real work;
	// the report's week has words the baseline lacks.
	words := []string{"烂尾", "楼盘", "业主", "维权", "淦河", "污水", "偷排", "食堂", "学校", "招生", "房价", "补贴",
		"养老", "社保", "诈骗", "集资", "火灾", "事故", "桂花", "油茶", "枇杷", "青砖茶", "政务服务", "热线"}
	if weekIndex > 0 {
		words = words[4:]
	}
	prefix := fmt.Sprintf("w%d:", weekIndex)
	num := fmt.Sprintf("CAST(substr(id, %d) AS INTEGER)", len(prefix)+1)
	step := float64(to.Sub(from).Milliseconds()) / float64(n)
	return []string{
		fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
INSERT INTO items (id, source_id, url, title, stored_at, item_at, negativity, sentiment, severity, story_id, analysis)
SELECT '%s' || i, 'src' || (i %% 40), 'https://example.org/%s' || i,
    %s || %s || '引发关注' || %s, %d, %d + CAST(i * %f AS INTEGER), 0.5,
    CASE WHEN i %% 4 = 0 THEN 'negative' ELSE 'neutral' END, i %% 5,
    CASE WHEN i %% 10 = 0 THEN '%s' || (i / 100) ELSE '' END, '{}'
FROM n`, n-1, prefix, prefix, pick("i", places), pick("i / 7", words), pick("i / 53", words),
			from.UnixMilli(), from.UnixMilli(), step, prefix+"story"),
		// The articles of a story (ten in a row) share their topics: four
		// stories in five have one, one in five a second, one in five none.
		fmt.Sprintf(`INSERT INTO item_topics (item_id, topic_id, item_at)
SELECT id, %s, item_at FROM items WHERE id LIKE '%s%%' AND (%s / 10) %% 5 <> 4`, pick(num+" / 10", topics), prefix, num),
		fmt.Sprintf(`INSERT INTO item_topics (item_id, topic_id, item_at)
SELECT id, %s, item_at FROM items WHERE id LIKE '%s%%' AND (%s / 10) %% 5 = 0 ON CONFLICT DO NOTHING`, pick(num+" / 30", topics), prefix, num),
		// Stories of ten articles from ten sources, as the analyzer makes them.
		fmt.Sprintf(`INSERT INTO stories (id, item_id, title, url, first_seen, last_seen, articles, sources)
SELECT '%[1]sst' || (%[2]s / 10), id, title, url, item_at, item_at + 600000, 10, 10
FROM items WHERE id LIKE '%[1]s%%' AND %[2]s %% 10 = 0`, prefix, num),
		fmt.Sprintf(`INSERT INTO story_members (item_id, story_id, source_id, title, url, item_at, signature)
SELECT id, '%[1]sst' || (%[2]s / 10), source_id, title, url, item_at, x'' FROM items WHERE id LIKE '%[1]s%%'`, prefix, num),
		fmt.Sprintf(`INSERT INTO item_regions (item_id, region, item_at)
SELECT id, %s, item_at FROM items WHERE id LIKE '%s%%' AND %s %% 2 = 0`, pick(num, places), prefix, num),
	}
}
