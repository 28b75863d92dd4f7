package store

import (
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestResolveDSN(t *testing.T) {
	dir := t.TempDir()
	const writeTail = "_busy_timeout=10000&_foreign_keys=1&_journal_mode=WAL&_synchronous=FULL&_txlock=immediate"
	const readTail = "_busy_timeout=10000&_foreign_keys=1&_query_only=1"
	tests := []struct {
		name, dsn, dataDir string
		want               dsnTarget
		wantErr            bool
	}{
		{name: "default file in data dir", dataDir: filepath.Join(dir, "data"), want: dsnTarget{
			dialect:  DialectSQLite,
			write:    filepath.Join(dir, "data", "yuqing.db") + "?" + writeTail,
			read:     filepath.Join(dir, "data", "yuqing.db") + "?" + readTail,
			redacted: filepath.Join(dir, "data", "yuqing.db")}},
		{name: "nothing set", wantErr: true},
		{name: "postgres URL", dsn: "postgres://yuqing:s3cret@db:5432/yuqing?sslmode=disable", dataDir: dir,
			want: dsnTarget{dialect: DialectPostgres,
				write:    "postgres://yuqing:s3cret@db:5432/yuqing?sslmode=disable",
				redacted: "postgres://yuqing:xxxxx@db:5432/yuqing?sslmode=disable"}},
		{name: "postgresql scheme, any case", dsn: "PostgreSQL://db/yuqing",
			want: dsnTarget{dialect: DialectPostgres, write: "PostgreSQL://db/yuqing", redacted: "postgresql://db/yuqing"}},
		{name: "path with own params kept", dsn: filepath.Join(dir, "x.db") + "?_sync=NORMAL&_timeout=50", want: dsnTarget{
			dialect:  DialectSQLite,
			write:    filepath.Join(dir, "x.db") + "?_sync=NORMAL&_timeout=50&_foreign_keys=1&_journal_mode=WAL&_txlock=immediate",
			read:     filepath.Join(dir, "x.db") + "?_sync=NORMAL&_timeout=50&_foreign_keys=1&_query_only=1",
			redacted: filepath.Join(dir, "x.db") + "?_sync=NORMAL&_timeout=50"}},
		{name: "file URI", dsn: "file:" + filepath.Join(dir, "y.db") + "?cache=private", want: dsnTarget{
			dialect:  DialectSQLite,
			write:    "file:" + filepath.Join(dir, "y.db") + "?cache=private&" + writeTail,
			read:     "file:" + filepath.Join(dir, "y.db") + "?cache=private&" + readTail,
			redacted: "file:" + filepath.Join(dir, "y.db") + "?cache=private"}},
		{name: "memory has one pool", dsn: ":memory:",
			want: dsnTarget{dialect: DialectSQLite, write: ":memory:?" + writeTail, redacted: ":memory:"}},
		{name: "shared memory URI", dsn: "file:mem1?mode=memory&cache=shared",
			want: dsnTarget{dialect: DialectSQLite, write: "file:mem1?mode=memory&cache=shared&" + writeTail,
				redacted: "file:mem1?mode=memory&cache=shared"}},
		{name: "no file name", dsn: "?_txlock=deferred", wantErr: true},
		{name: "bad query", dsn: "x.db?a=%zz", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := resolveDSN(tc.dsn, tc.dataDir)
			if (err != nil) != tc.wantErr {
				t.Fatalf("resolveDSN(%q, %q) error = %v, wantErr %v", tc.dsn, tc.dataDir, err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("resolveDSN(%q, %q) =\n%+v\nwant\n%+v", tc.dsn, tc.dataDir, got, tc.want)
			}
		})
	}
}

// FuzzResolveDSN feeds configuration text to the SQLite DSN resolver (inside
// a temporary directory, since it creates the database's directory): it must
// not panic, and a DSN it accepts must keep the caller's text as its prefix
// and take the caller's lock mode or else immediate.
func FuzzResolveDSN(f *testing.F) {
	for _, seed := range []string{"", "a.db", "a.db?", "a.db?x=1&", "a.db?mode=memory", "b/c.db?_fk=0",
		"a.db?_txlock=exclusive&_txlock=deferred", "a.db?%", "?", "a.db?&&_sync=OFF"} {
		f.Add(seed)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, dsn string) {
		if strings.ContainsRune(dsn, 0) || strings.Contains(dsn, "..") || filepath.IsAbs(dsn) {
			t.Skip() // the resolver creates directories: stay inside dir
		}
		got, err := resolveDSN(filepath.Join(dir, "f", dsn), "")
		if err != nil || got.dialect != DialectSQLite {
			return
		}
		full := filepath.Join(dir, "f", dsn)
		if !strings.HasPrefix(got.write, full) {
			t.Fatalf("write DSN %q lost the caller's text %q", got.write, full)
		}
		_, userQuery, _ := strings.Cut(full, "?")
		user, err := url.ParseQuery(userQuery)
		if err != nil {
			t.Fatalf("accepted an unparsable query %q: %v", userQuery, err)
		}
		_, query, _ := strings.Cut(got.write, "?")
		values, err := url.ParseQuery(query)
		if err != nil {
			t.Fatalf("write DSN %q has an unparsable query: %v", got.write, err)
		}
		want := user["_txlock"]
		if want == nil {
			want = []string{"immediate"}
		}
		if !slices.Equal(values["_txlock"], want) {
			t.Fatalf("write DSN %q: _txlock = %q, want %q", got.write, values["_txlock"], want)
		}
	})
}
