package store_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

func testTimeliness(t *testing.T, b backend) {
	ctx := context.Background()
	dsn := b.newDSN(t)
	s := openStore(t, dsn)
	respond := func(c model.Case, at time.Duration) {
		t.Helper()
		if _, _, err := s.TransitionCase(ctx, c.ID, model.Transition{Action: model.ActionRespond, Actor: "x",
			ResponseText: "已回应"}, t0.Add(at)); err != nil {
			t.Fatal(err)
		}
	}
	openLedgerCase(t, s, "before", t0.Add(-time.Hour)) // before the period
	onTime := openLedgerCase(t, s, "on-time", t0)
	late := openLedgerCase(t, s, "late", t0)
	never := openLedgerCase(t, s, "never", t0)
	dismissed := openLedgerCase(t, s, "dismissed", t0)
	afterPeriod := openLedgerCase(t, s, "after-period", t0)
	respond(onTime, 10*time.Hour)
	respond(late, 50*time.Hour)
	respond(afterPeriod, 80*time.Hour)
	if _, _, err := s.TransitionCase(ctx, dismissed.ID, model.Transition{Action: model.ActionFalseAlarm, Actor: "x",
		Reason: "广告"}, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// A case of another department whose deadline is still running at the end.
	it := loadTagged(t)[2]
	p := &recordingPolicy{}
	if _, err := s.RecordStory(ctx, it, []model.CaseOpening{openDistrict}, t0.Add(60*time.Hour), p.plan); err != nil {
		t.Fatal(err)
	}

	// Judged once the period is over.
	got, err := openStoreAt(t, dsn, t0.Add(100*time.Hour)).Timeliness(ctx, t0, t0.Add(72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	due := t0.Add(48 * time.Hour)
	want := []model.Timeliness{
		{Department: "sthjj", DepartmentName: "市生态环境局", Cases: 5, Signed: 2, Responded: 2, FalseAlarms: 1,
			OnTime: 1, Overdue: 3, MeanTimeToSign: 30 * time.Hour, MeanTimeToRespond: 30 * time.Hour,
			OverdueCases: []model.OverdueCase{
				{CaseID: late.ID, Title: late.Title, Deadline: "予以回应", Due: due, MetAt: t0.Add(50 * time.Hour)},
				{CaseID: never.ID, Title: never.Title, Deadline: "予以回应", Due: due},
				// Responded after the period: judged at its end, not met.
				{CaseID: afterPeriod.ID, Title: afterPeriod.Title, Deadline: "予以回应", Due: due},
			}},
		{Department: "xaq", DepartmentName: "咸安区人民政府", Cases: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Timeliness =\n%+v\nwant\n%+v", got, want)
	}
	if got, err := s.Timeliness(ctx, t0.Add(100*time.Hour), t0.Add(200*time.Hour)); err != nil || len(got) != 0 {
		t.Errorf("empty period: %+v, %v", got, err)
	}
	// A report of the running week judges at now: a deadline still ahead
	// is not overdue yet, whatever the period's end.
	mid, err := openStoreAt(t, dsn, t0.Add(24*time.Hour)).Timeliness(ctx, t0, t0.Add(72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(mid) == 0 || mid[0].Overdue != 0 || len(mid[0].OverdueCases) != 0 || mid[0].OnTime != 1 {
		t.Errorf("judged mid-period: %+v; want nothing overdue yet and the case answered in time on time", mid)
	}
}

// testCaseMigration migrates a database of the first schema, with one case
// per item (two for one story and department), and checks that nothing is
// lost and that the story's first case is the one that grows.
func testCaseMigration(t *testing.T, b backend) {
	ctx := context.Background()
	dsn := b.newDSN(t)
	driver := map[string]string{store.DialectSQLite: "sqlite", store.DialectPostgres: "pgx"}[b.dialect]
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	initSQL, err := os.ReadFile(filepath.Join("migrations", b.dialect, "0001_init.sql"))
	if err != nil {
		t.Fatal(err)
	}
	old := []string{string(initSQL),
		`CREATE TABLE schema_migrations (version BIGINT NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
		`INSERT INTO schema_migrations VALUES (1, '0001_init.sql', 0)`,
		`INSERT INTO items (id, source_id, title, stored_at, item_at, story_id, analysis) VALUES
		    ('a:1', 'a', '第一篇', 1000, 1000, 's', '{}'), ('b:1', 'b', '第二篇', 2000, 2000, 's', '{}'),
		    ('c:1', 'c', '无事件', 3000, 3000, '', '{}')`,
		`INSERT INTO cases (item_id, story_id, department, state, opened_at, updated_at) VALUES
		    ('a:1', 's', 'd', 'open', 1000, 1000), ('b:1', 's', 'd', 'signed', 2000, 2000), ('c:1', '', 'd', 'open', 3000, 3000)`,
		`INSERT INTO deliveries (case_id, receiver, payload, created_at, next_attempt_at) VALUES (1, 'r', '{}', 1000, 1000)`,
	}
	for _, q := range old {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("old schema: %v\n%s", err, q)
		}
	}
	db.Close()

	s := openStore(t, dsn)
	cs, err := s.Cases(ctx, store.CaseFilter{Department: "d"})
	if err != nil || len(cs) != 3 {
		t.Fatalf("cases after migration: %d, %v", len(cs), err)
	}
	first := cs[2]
	if first.Title != "第一篇" || first.Articles != 1 || len(first.Sources) != 1 || first.Sources[0] != "a" || !first.DetectedAt.Equal(time.UnixMilli(1000).UTC()) {
		t.Errorf("backfilled case %+v", first)
	}
	if ds, err := s.Deliveries(ctx, store.DeliveryFilter{CaseID: first.ID}); err != nil || len(ds) != 1 {
		t.Errorf("deliveries of the old case: %d, %v; want it kept", len(ds), err)
	}
	if links, err := s.CaseLinks(ctx, first.ID, 5); err != nil || len(links) != 1 || links[0].Title != "第一篇" {
		t.Errorf("case items not backfilled: %+v, %v", links, err)
	}
	// A new article of the story grows the story's first case.
	it := loadTagged(t)[1]
	it.Item.ID, it.Analysis.StoryID = "e:1", "s"
	p := &recordingPolicy{}
	ch, err := s.RecordStory(ctx, it, []model.CaseOpening{{Department: "d"}}, t0, p.plan)
	if err != nil || len(ch) != 1 || !ch[0].Grew || ch[0].Case.ID != first.ID || ch[0].Case.Articles != 3 {
		t.Fatalf("new article of the old story: %+v, %v", ch, err)
	}
}
