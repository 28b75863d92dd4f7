package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

// postgresEnv names the PostgreSQL server the suite also runs against. CI
// always sets it.
const postgresEnv = "YUQING_TEST_POSTGRES_DSN"

// backend creates fresh, isolated databases of one dialect.
type backend struct {
	dialect string
	// newDSN returns the DSN of a new empty database that is removed when
	// the test ends. Opening it twice reaches the same database.
	newDSN func(t *testing.T) string
}

func sqliteBackend() backend {
	return backend{dialect: store.DialectSQLite, newDSN: func(t *testing.T) string {
		return filepath.Join(t.TempDir(), "yuqing.db")
	}}
}

// postgresBackend gives each test its own schema, reached through the
// search_path runtime parameter, and drops it afterwards.
func postgresBackend(base string) backend {
	return backend{dialect: store.DialectPostgres, newDSN: func(t *testing.T) string {
		t.Helper()
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatalf("open admin connection: %v", err)
		}
		t.Cleanup(func() { admin.Close() })
		schema := "yuqing_test_" + randomHex(t, 8)
		if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
			t.Fatalf("create schema: %v", err)
		}
		t.Cleanup(func() {
			if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
				t.Errorf("drop schema %s: %v", schema, err)
			}
		})
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		return base + sep + "search_path=" + schema
	}}
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// fixedClock is a settable clock for the times the store sets itself.
type fixedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

var t0 = time.Date(2024, 3, 12, 9, 30, 0, 0, time.UTC)

// openStore opens dsn with a fixed clock and closes it when the test ends.
func openStore(t *testing.T, dsn string) *store.Store {
	t.Helper()
	return openStoreAt(t, dsn, t0)
}

// openStoreAt opens a store whose clock stands still at now.
func openStoreAt(t *testing.T, dsn string, now time.Time) *store.Store {
	t.Helper()
	clock := &fixedClock{now: now}
	s, err := store.Open(context.Background(), store.Options{DSN: dsn, Now: clock.Now, MaxOpenConns: 8})
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// loadTagged reads the fixture items.
func loadTagged(t testing.TB) []model.TaggedItem {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "tagged_items.json"))
	if err != nil {
		t.Fatal(err)
	}
	var items []model.TaggedItem
	if err := json.Unmarshal(b, &items); err != nil {
		t.Fatalf("decode fixture: %v", err)
	}
	return items
}

func TestSQLite(t *testing.T) {
	runSuite(t, sqliteBackend())
}

func TestPostgres(t *testing.T) {
	base := os.Getenv(postgresEnv)
	if base == "" {
		t.Skipf("%s not set", postgresEnv)
	}
	runSuite(t, postgresBackend(base))
}
