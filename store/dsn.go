package store

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// sqliteReaders is the size of the read-only pool on a SQLite file.
const sqliteReaders = 4

// sqliteBusyTimeout is how long a SQLite connection waits for a lock held
// by another process.
const sqliteBusyTimeout = 10 * time.Second

// sqliteWriteParams are added to every SQLite DSN unless the DSN already sets
// them (under either of the driver's names for the key). Writes go through a
// pool of one connection (see Store.w). BenchmarkSQLiteWriteStrategy, 8
// goroutines on 2 cores, measured:
//
//   - a pool of 8 with deferred transactions: a transaction that reads
//     before it writes fails with SQLITE_BUSY 99% of the time, whatever the
//     busy timeout (WAL cannot upgrade a stale read snapshot).
//   - a pool of 8 with _txlock=immediate: no errors and ~3,000 items/s, but
//     SQLite's sleeping busy handler starves some writers for 2-3 s; under
//     more load they would reach the busy timeout and fail.
//   - one connection with _txlock=immediate (chosen): the same throughput,
//     no errors, slowest write 26-80 ms; waiters queue in database/sql.
//
// _txlock=immediate stays useful with one connection: another process
// (a CLI beside the daemon) is then waited for at BEGIN, never failed
// mid-transaction. busy_timeout is how long that wait may be.
//
// synchronous=FULL: in WAL mode NORMAL can lose the last commits on power
// loss, and a stage acks its message as soon as the effect is committed.
// NORMAL measured ~1.5-2x faster (4,600-8,200 vs ~3,400 items/s), far above
// what analysis produces, so durability wins.
var sqliteWriteParams = []sqliteParam{
	{keys: []string{"_busy_timeout", "_timeout"}, value: strconv.FormatInt(sqliteBusyTimeout.Milliseconds(), 10)},
	{keys: []string{"_foreign_keys", "_fk"}, value: "1"},
	{keys: []string{"_journal_mode", "_journal"}, value: "WAL"},
	{keys: []string{"_synchronous", "_sync"}, value: "FULL"},
	{keys: []string{"_txlock"}, value: "immediate"},
}

var sqliteReadParams = []sqliteParam{
	{keys: []string{"_busy_timeout", "_timeout"}, value: strconv.FormatInt(sqliteBusyTimeout.Milliseconds(), 10)},
	{keys: []string{"_foreign_keys", "_fk"}, value: "1"},
	{keys: []string{"_query_only"}, value: "1"},
}

type sqliteParam struct {
	keys  []string
	value string
}

// dsnTarget is a resolved Options.DSN: which driver, and the DSNs of the
// write and read pools (read is "" when reads share the write pool).
type dsnTarget struct {
	dialect  string
	write    string
	read     string
	redacted string // safe to log
}

// resolveDSN turns the configured DSN into driver DSNs. It creates the
// directory of a SQLite file so that a fresh data dir works.
func resolveDSN(dsn, dataDir string) (dsnTarget, error) {
	if isPostgresDSN(dsn) {
		return dsnTarget{dialect: DialectPostgres, write: dsn, redacted: redactURL(dsn)}, nil
	}
	if dsn == "" {
		if dataDir == "" {
			return dsnTarget{}, errors.New("neither a DSN nor a data dir is set")
		}
		dsn = filepath.Join(dataDir, "yuqing.db")
	}
	name, query, _ := strings.Cut(dsn, "?")
	if name == "" {
		return dsnTarget{}, fmt.Errorf("sqlite DSN %q has no file name", dsn)
	}
	values, err := url.ParseQuery(query)
	if err != nil {
		return dsnTarget{}, fmt.Errorf("parse sqlite DSN query %q: %w", query, err)
	}
	t := dsnTarget{dialect: DialectSQLite, redacted: dsn}
	t.write = withParams(dsn, values, sqliteWriteParams)
	if isSQLiteMemory(name, values) {
		// Another connection would see another (empty) database.
		return t, nil
	}
	t.read = withParams(dsn, values, sqliteReadParams)
	if !strings.HasPrefix(name, "file:") {
		if err := os.MkdirAll(filepath.Dir(name), 0o750); err != nil {
			return dsnTarget{}, fmt.Errorf("create database dir: %w", err)
		}
	}
	return t, nil
}

func isPostgresDSN(dsn string) bool {
	scheme, _, ok := strings.Cut(dsn, "://")
	if !ok {
		return false
	}
	scheme = strings.ToLower(scheme)
	return scheme == "postgres" || scheme == "postgresql"
}

func isSQLiteMemory(name string, values url.Values) bool {
	return name == ":memory:" || name == "file::memory:" || values.Get("mode") == "memory"
}

// withParams appends the params the DSN does not set already. The caller's
// own query text is kept byte for byte.
func withParams(dsn string, values url.Values, params []sqliteParam) string {
	var b strings.Builder
	b.WriteString(dsn)
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
		if strings.HasSuffix(dsn, "?") || strings.HasSuffix(dsn, "&") {
			sep = ""
		}
	}
	for _, p := range params {
		if hasAnyKey(values, p.keys) {
			continue
		}
		b.WriteString(sep)
		b.WriteString(p.keys[0])
		b.WriteString("=")
		b.WriteString(url.QueryEscape(p.value))
		sep = "&"
	}
	return b.String()
}

func hasAnyKey(values url.Values, keys []string) bool {
	for _, k := range keys {
		if _, ok := values[k]; ok {
			return true
		}
	}
	return false
}

func redactURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://(unparsable DSN)"
	}
	return u.Redacted()
}
