package store

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
)

var storedAt = time.Date(2024, 3, 14, 0, 0, 0, 0, time.UTC)

func openSQLite(t *testing.T, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Options{DSN: dsn, Now: func() time.Time { return storedAt }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func fixtureItems(t *testing.T) []model.TaggedItem {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "tagged_items.json"))
	if err != nil {
		t.Fatal(err)
	}
	var items []model.TaggedItem
	if err := json.Unmarshal(raw, &items); err != nil {
		t.Fatal(err)
	}
	return items
}

// TestSQLiteConnectionSettings checks that the DSN parameters took effect
// on the connections that really serve the queries.
func TestSQLiteConnectionSettings(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t, filepath.Join(t.TempDir(), "settings.db"))
	if got := s.w.Stats().MaxOpenConnections; got != 1 {
		t.Errorf("writer pool allows %d connections, want 1", got)
	}
	pragmas := []struct {
		name string
		want string
	}{{"journal_mode", "wal"}, {"foreign_keys", "1"}, {"synchronous", "2"}, {"busy_timeout", "10000"}}
	for _, p := range pragmas {
		var got string
		if err := s.w.QueryRowContext(ctx, "PRAGMA "+p.name).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != p.want {
			t.Errorf("writer PRAGMA %s = %s, want %s", p.name, got, p.want)
		}
	}
	if s.r == s.w {
		t.Fatal("a SQLite file should have a separate reader pool")
	}
	if _, err := s.r.ExecContext(ctx, `DELETE FROM items`); err == nil {
		t.Error("the reader pool accepted a write")
	}
	// Foreign keys are enforced: a case must point at an item.
	_, err := s.w.ExecContext(ctx, `INSERT INTO cases (item_id, department, state, opened_at, updated_at)
VALUES ('missing', 'd', 'open', 0, 0)`)
	if err == nil {
		t.Error("a case for a missing item was accepted")
	}
}

func TestOpenTargets(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openSQLite(t, ":memory:")
	if _, err := s.SaveTagged(ctx, fixtureItems(t)[0]); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountItems(ctx); err != nil || n != 1 {
		t.Errorf("in-memory CountItems() = %d, %v; want 1 (reads must see writes)", n, err)
	}
	s2, err := Open(ctx, Options{DataDir: filepath.Join(dir, "new", "data")})
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if _, err := os.Stat(filepath.Join(dir, "new", "data", "yuqing.db")); err != nil {
		t.Errorf("default database not created in the data dir: %v", err)
	}
	if _, err := Open(ctx, Options{}); err == nil || !strings.HasPrefix(err.Error(), "store: ") {
		t.Errorf("Open without DSN and data dir: err = %v, want a store: error", err)
	}
	var ctxErr error
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, ctxErr = Open(cctx, Options{DSN: filepath.Join(dir, "c.db")}); !errors.Is(ctxErr, context.Canceled) {
		t.Errorf("Open with a cancelled context: err = %v, want context.Canceled", ctxErr)
	}
}

// TestDerivedRows checks the rows reports aggregate: one per distinct topic
// and region, stamped with the item's earliest time.
func TestDerivedRows(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t, filepath.Join(t.TempDir(), "derived.db"))
	items := fixtureItems(t)
	for _, it := range items {
		if _, err := s.SaveTagged(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		item    model.TaggedItem
		itemAt  time.Time
		topics  []string
		regions []string
	}{
		{items[0], items[0].Item.PublishedAt, []string{`ecology 3.5 ["排放污水","河水发黑","淦河"]`, `hotline 1.0 ["12345热线"]`}, []string{"咸安区"}},
		{items[1], items[1].Item.PublishedAt, []string{`education 2.0 ["义务教育招生","划片招生"]`}, nil},
		{items[2], items[2].Item.FetchedAt, []string{`safety 1.5 ["电梯","被困"]`}, []string{"通山县"}},
		{items[3], storedAt, nil, nil},
	}
	for _, tc := range tests {
		var itemAt int64
		if err := s.r.QueryRowContext(ctx, `SELECT item_at FROM items WHERE id = $1`, tc.item.Item.ID).Scan(&itemAt); err != nil {
			t.Fatal(err)
		}
		if itemAt != tc.itemAt.UnixMilli() {
			t.Errorf("%s: item_at = %d, want %d", tc.item.Item.ID, itemAt, tc.itemAt.UnixMilli())
		}
		topics := queryStrings(t, s, `SELECT topic_id || ' ' || score || ' ' || terms FROM item_topics
WHERE item_id = $1 AND item_at = $2 ORDER BY topic_id`, tc.item.Item.ID, itemAt)
		if !reflect.DeepEqual(topics, tc.topics) {
			t.Errorf("%s: topics = %q, want %q", tc.item.Item.ID, topics, tc.topics)
		}
		regions := queryStrings(t, s, `SELECT region FROM item_regions WHERE item_id = $1 AND item_at = $2`, tc.item.Item.ID, itemAt)
		if !reflect.DeepEqual(regions, tc.regions) {
			t.Errorf("%s: regions = %q, want %q", tc.item.Item.ID, regions, tc.regions)
		}
	}
}

func queryStrings(t *testing.T, s *Store, q string, args ...any) []string {
	t.Helper()
	rows, err := s.r.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReportQueriesUseIndexes pins the plans of the queries the schema was
// designed for, so that an index change that breaks them is noticed.
func TestReportQueriesUseIndexes(t *testing.T) {
	s := openSQLite(t, filepath.Join(t.TempDir(), "plans.db"))
	const shanghaiMS, dayMS = 8 * 3600 * 1000, 86400 * 1000
	tests := []struct {
		name, query, wantIndex string
	}{
		{"weekly counts per topic per day",
			`SELECT topic_id, (item_at + 28800000) / 86400000 AS day, COUNT(*) FROM item_topics
WHERE item_at >= $1 AND item_at < $2 GROUP BY topic_id, day`, "COVERING INDEX item_topics_item_at_topic"},
		{"one topic over time",
			`SELECT (item_at + 28800000) / 86400000 AS day, COUNT(*) FROM item_topics
WHERE topic_id = $3 AND item_at >= $1 AND item_at < $2 GROUP BY day`, "COVERING INDEX item_topics_topic_item_at"},
		{"one region over time",
			`SELECT COUNT(*) FROM item_regions WHERE region = $3 AND item_at >= $1 AND item_at < $2`,
			"COVERING INDEX item_regions_region_item_at"},
		{"due deliveries",
			`SELECT id FROM deliveries WHERE state = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2`,
			"INDEX deliveries_state_next_attempt"},
		{"department ledger",
			`SELECT id FROM cases WHERE department = $3 AND state = 'open' ORDER BY opened_at DESC LIMIT $1`,
			"INDEX cases_department_state"},
	}
	from := storedAt.UnixMilli() - shanghaiMS - 7*dayMS
	for _, tc := range tests {
		plan := strings.Join(queryPlan(t, s, tc.query, from, from+7*dayMS, "ecology"), "\n")
		if !strings.Contains(plan, tc.wantIndex) {
			t.Errorf("%s: plan\n%s\ndoes not use %s", tc.name, plan, tc.wantIndex)
		}
	}
}

func queryPlan(t *testing.T, s *Store, q string, args ...any) []string {
	t.Helper()
	// EXPLAIN QUERY PLAN rows are (id, parent, notused, detail).
	rows, err := s.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	var details []string
	for rows.Next() {
		var id, parent, unused int64
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		details = append(details, detail)
	}
	return details
}
