package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

// runSuite is the conformance suite every dialect must pass.
func runSuite(t *testing.T, b backend) {
	tests := []struct {
		name string
		run  func(t *testing.T, b backend)
	}{
		{"Migrations", testMigrations},
		{"ConcurrentOpen", testConcurrentOpen},
		{"Sources", testSources},
		{"SourceHealth", testSourceHealth},
		{"KnownItems", testKnownItems},
		{"SaveTagged", testSaveTagged},
		{"AssignStory", testAssignStory},
		{"ConcurrentAssignStory", testConcurrentAssignStory},
		{"TopStories", testTopStories},
		{"SurgeCounts", testSurgeCounts},
		{"OpenCases", testOpenCases},
		{"CaseFilter", testCaseFilter},
		{"Outbox", testOutbox},
		{"OutboxStaleReports", testOutboxStaleReports},
		{"OutboxDigest", testOutboxDigest},
		{"OutboxDefer", testOutboxDefer},
		{"OutboxSentSince", testOutboxSentSince},
		{"RecordStory", testRecordStory},
		{"GroupDue", testGroupDue},
		{"CaseClock", testCaseClock},
		{"LedgerTransitions", testLedgerTransitions},
		{"LedgerAudit", testLedgerAudit},
		{"Silences", testSilences},
		{"Timeliness", testTimeliness},
		{"CaseMigration", testCaseMigration},
		{"ConcurrentClaimers", testConcurrentClaimers},
		{"ConcurrentSaveTagged", testConcurrentSaveTagged},
		{"ConcurrentOpenCases", testConcurrentOpenCases},
		{"ReportAggregates", testReportAggregates},
		{"ReportArchive", testReportArchive},
		{"ReportRuns", testReportRuns},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, b) })
	}
}

func testMigrations(t *testing.T, b backend) {
	ctx := context.Background()
	dsn := b.newDSN(t)
	s := openStore(t, dsn)
	if got := s.Dialect(); got != b.dialect {
		t.Fatalf("Dialect() = %q, want %q", got, b.dialect)
	}
	v1, err := s.SchemaVersion(ctx)
	if err != nil || v1 < 1 {
		t.Fatalf("SchemaVersion() = %d, %v; want >= 1", v1, err)
	}
	item := loadTagged(t)[0]
	if _, err := s.SaveTagged(ctx, item); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Opening again must find every migration applied and the data intact.
	s2 := openStore(t, dsn)
	v2, err := s2.SchemaVersion(ctx)
	if err != nil || v2 != v1 {
		t.Fatalf("after reopen SchemaVersion() = %d, %v; want %d", v2, err, v1)
	}
	if n, err := s2.CountItems(ctx); err != nil || n != 1 {
		t.Fatalf("after reopen CountItems() = %d, %v; want 1", n, err)
	}
	if err := s2.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

// testConcurrentOpen starts several stores on one empty database at once,
// as processes starting together do: each must migrate or see it done.
func testConcurrentOpen(t *testing.T, b backend) {
	dsn := b.newDSN(t)
	const n = 4
	stores := make([]*store.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			stores[i], errs[i] = store.Open(context.Background(), store.Options{DSN: dsn})
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("store %d: %v", i, errs[i])
			continue
		}
		if v, err := stores[i].SchemaVersion(context.Background()); err != nil || v < 1 {
			t.Errorf("store %d: SchemaVersion() = %d, %v", i, v, err)
		}
		stores[i].Close()
	}
}

func testSources(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	a := model.Source{ID: "xnnews", Name: "咸宁新闻网", Kind: model.SourceFeed, URL: "https://www.xnnews.com.cn/rss.xml",
		Interval: 5 * time.Minute, Weight: 1.5, Region: "咸宁市"}
	bb := model.Source{ID: "hbgov", Name: "湖北省人民政府", Kind: model.SourceFeed, URL: "https://www.hubei.gov.cn/rss", Weight: 1}
	if err := s.SyncSources(ctx, []model.Source{a, bb}); err != nil {
		t.Fatal(err)
	}
	bb.Name, bb.Interval = "湖北政府网", 10*time.Minute
	c := model.Source{ID: "weibo", Name: "微博", Kind: model.SourceFeed, URL: "https://example.org/weibo", Weight: 0.5}
	if err := s.SyncSources(ctx, []model.Source{bb, c}); err != nil {
		t.Fatal(err)
	}
	got, err := s.ListSources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		src    model.Source
		active bool
	}{"xnnews": {a, false}, "hbgov": {bb, true}, "weibo": {c, true}}
	if len(got) != len(want) {
		t.Fatalf("ListSources() returned %d sources, want %d: %+v", len(got), len(want), got)
	}
	for _, rec := range got {
		w, ok := want[rec.ID]
		if !ok {
			t.Errorf("unexpected source %q", rec.ID)
			continue
		}
		if !reflect.DeepEqual(rec.Source, w.src) || rec.Active != w.active {
			t.Errorf("source %q = %+v active=%v, want %+v active=%v", rec.ID, rec.Source, rec.Active, w.src, w.active)
		}
	}
	if err := s.SyncSources(ctx, []model.Source{{Name: "no id"}}); err == nil {
		t.Error("SyncSources with an empty id succeeded")
	}
}

func testSourceHealth(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	if err := s.SyncSources(ctx, []model.Source{{ID: "xnnews", Name: "咸宁新闻网"}, {ID: "gone"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SyncSources(ctx, []model.Source{{ID: "xnnews", Name: "咸宁新闻网"}}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"xnnews", "never-stored"} {
		if _, err := s.SourceHealth(ctx, id); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("SourceHealth(%q) before any save: err = %v, want ErrNotFound", id, err)
		}
	}
	shanghai := time.FixedZone("CST", 8*3600)
	cases := []model.SourceHealth{
		{SourceID: "xnnews", LastAttemptAt: time.Date(2024, 3, 12, 17, 30, 1, 123456789, shanghai),
			LastSuccessAt: time.Date(2024, 3, 12, 9, 30, 1, 123000000, time.UTC), ItemsSeen: 42,
			NextPollAt: time.Date(2024, 3, 12, 9, 35, 0, 999999999, time.UTC),
			ETag:       `W/"5e1f-abc"`, LastModified: "Tue, 12 Mar 2024 09:00:00 GMT"},
		{SourceID: "xnnews", LastAttemptAt: t0, LastErrorAt: t0, LastError: "HTTP 503：服务不可用",
			ConsecutiveFailures: 3, ItemsSeen: 42},
		// A source that is not (or no longer) configured still keeps its health.
		{SourceID: "new-source", LastAttemptAt: t0, ItemsSeen: 1},
		{SourceID: "gone", LastSuccessAt: t0},
	}
	for i, h := range cases {
		if err := s.SaveSourceHealth(ctx, h); err != nil {
			t.Fatalf("case %d: SaveSourceHealth: %v", i, err)
		}
		got, err := s.SourceHealth(ctx, h.SourceID)
		if err != nil {
			t.Fatalf("case %d: SourceHealth: %v", i, err)
		}
		want := h
		want.LastAttemptAt, want.LastSuccessAt = truncMS(h.LastAttemptAt), truncMS(h.LastSuccessAt)
		want.LastErrorAt, want.NextPollAt = truncMS(h.LastErrorAt), truncMS(h.NextPollAt)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("case %d: SourceHealth() =\n%+v\nwant\n%+v", i, got, want)
		}
		if !got.LastAttemptAt.IsZero() && got.LastAttemptAt.Location() != time.UTC {
			t.Errorf("case %d: time in %v, want UTC", i, got.LastAttemptAt.Location())
		}
	}
	active := map[string]bool{}
	recs, err := s.ListSources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		active[r.ID] = r.Active
	}
	want := map[string]bool{"xnnews": true, "gone": false, "new-source": true}
	if !reflect.DeepEqual(active, want) {
		t.Errorf("active after health saves = %v, want %v (health must not change activity)", active, want)
	}
	if err := s.SaveSourceHealth(ctx, model.SourceHealth{}); err == nil {
		t.Error("SaveSourceHealth with an empty source id succeeded")
	}
}

// truncMS is what the store promises to give back for a time.
func truncMS(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return time.UnixMilli(t.UnixMilli()).UTC()
}

func testKnownItems(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	items := loadTagged(t)
	for _, it := range items[:3] {
		if _, err := s.SaveTagged(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	// More ids than one IN list takes, with repeats.
	ids := []string{items[0].Item.ID, items[0].Item.ID}
	for i := range 1200 {
		ids = append(ids, fmt.Sprintf("unknown:%d", i))
	}
	ids = append(ids, items[1].Item.ID, items[2].Item.ID, items[3].Item.ID)
	tests := []struct {
		name string
		ids  []string
		want map[string]bool
	}{
		{"none", nil, map[string]bool{}},
		{"unknown only", []string{"a", "b"}, map[string]bool{}},
		{"many", ids, map[string]bool{items[0].Item.ID: true, items[1].Item.ID: true, items[2].Item.ID: true}},
	}
	for _, tc := range tests {
		got, err := s.KnownItems(ctx, tc.ids)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: KnownItems() = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func testSaveTagged(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	items := loadTagged(t)
	for _, it := range items {
		ins, err := s.SaveTagged(ctx, it)
		if err != nil || !ins {
			t.Fatalf("first SaveTagged(%q) = %v, %v; want true, nil", it.Item.ID, ins, err)
		}
	}
	changed := items[0]
	changed.Item.Title = "被改过的标题"
	changed.Analysis.Severity = model.SeverityI
	for _, it := range []model.TaggedItem{items[0], changed} {
		ins, err := s.SaveTagged(ctx, it)
		if err != nil || ins {
			t.Fatalf("repeated SaveTagged(%q) = %v, %v; want false, nil", it.Item.ID, ins, err)
		}
	}
	for _, it := range items {
		got, err := s.TaggedItem(ctx, it.Item.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := it
		want.Item.PublishedAt, want.Item.FetchedAt = truncMS(it.Item.PublishedAt), truncMS(it.Item.FetchedAt)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("TaggedItem(%q) =\n%+v\nwant\n%+v", it.Item.ID, got, want)
		}
	}
	if n, err := s.CountItems(ctx); err != nil || n != int64(len(items)) {
		t.Errorf("CountItems() = %d, %v; want %d", n, err, len(items))
	}
	if _, err := s.TaggedItem(ctx, "no-such-item"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("TaggedItem(unknown): err = %v, want ErrNotFound", err)
	}
	if _, err := s.SaveTagged(ctx, model.TaggedItem{}); err == nil {
		t.Error("SaveTagged with an empty id succeeded")
	}
}
