// Package store keeps sources, items, cases and the alert outbox in SQLite
// (the embedded default) or PostgreSQL, behind one API. The SQL is written
// once where the dialects agree ($N placeholders, ON CONFLICT, RETURNING);
// schemas are versioned migrations per dialect, embedded in the binary.
//
// Times are stored as Unix milliseconds UTC and come back as UTC time.Time
// values truncated to the millisecond; a zero time is stored as NULL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers driver "pgx"
	"modernc.org/sqlite"               // registers driver "sqlite"
)

// Dialect names returned by Store.Dialect.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

const defaultPostgresConns = 10

// sqliteBusyCode is SQLITE_BUSY, the primary result code of a lock that
// could not be taken.
const sqliteBusyCode = 5

// Options selects and tunes the database.
type Options struct {
	// DSN "" means SQLite at DataDir/yuqing.db; a postgres:// or
	// postgresql:// URL selects PostgreSQL; anything else is a SQLite file
	// path or file: URI.
	DSN     string
	DataDir string
	// MaxOpenConns bounds the PostgreSQL pool (default 10). SQLite always
	// writes through one connection.
	MaxOpenConns int
	Logger       *slog.Logger
	// Now is the clock for the times the store sets itself (stored_at,
	// health_saved_at, migration applied_at). Nil means time.Now.
	Now func() time.Time
}

// Store is the database. It is safe for concurrent use.
type Store struct {
	dialect string
	// w takes every write. On SQLite it is a single connection so that
	// writers queue in Go instead of failing with SQLITE_BUSY; on
	// PostgreSQL it is the whole pool.
	w *sql.DB
	// r serves plain reads. On a SQLite file it is a separate pool of
	// read-only connections, which WAL lets run beside the writer; otherwise
	// it is w.
	r   *sql.DB
	log *slog.Logger
	now func() time.Time
}

// Open opens the database, checks that it answers and brings its schema up
// to date.
func Open(ctx context.Context, o Options) (*Store, error) {
	s := &Store{log: o.Logger, now: o.Now}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.log = s.log.With("component", "store")
	if s.now == nil {
		s.now = time.Now
	}
	target, err := resolveDSN(o.DSN, o.DataDir)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	s.dialect = target.dialect
	if err := s.openPools(ctx, target, o.MaxOpenConns); err != nil {
		s.Close()
		return nil, err
	}
	s.log.Info("store opened", "dialect", s.dialect, "dsn", target.redacted)
	return s, nil
}

func (s *Store) openPools(ctx context.Context, t dsnTarget, maxConns int) error {
	if t.dialect == DialectPostgres {
		db, err := sql.Open("pgx", t.write)
		if err != nil {
			return fmt.Errorf("store: open postgres: %w", err)
		}
		if maxConns <= 0 {
			maxConns = defaultPostgresConns
		}
		db.SetMaxOpenConns(maxConns)
		db.SetMaxIdleConns(maxConns)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.w, s.r = db, db
		return s.pingAndMigrate(ctx)
	}
	w, err := sql.Open("sqlite", t.write)
	if err != nil {
		return fmt.Errorf("store: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s.w, s.r = w, w
	if err := s.pingAndMigrate(ctx); err != nil {
		return err
	}
	if t.read == "" {
		return nil
	}
	// The reader pool is opened after migration so that the database is
	// already in WAL mode when read-only connections attach to it.
	r, err := sql.Open("sqlite", t.read)
	if err != nil {
		return fmt.Errorf("store: open sqlite readers: %w", err)
	}
	r.SetMaxOpenConns(sqliteReaders)
	r.SetMaxIdleConns(sqliteReaders)
	s.r = r
	if err := r.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping sqlite readers: %w", err)
	}
	return nil
}

func (s *Store) pingAndMigrate(ctx context.Context) error {
	if err := s.firstPing(ctx); err != nil {
		return fmt.Errorf("store: ping %s: %w", s.dialect, err)
	}
	return s.migrate(ctx)
}

// firstPing opens the first connection. When processes create a SQLite
// database at the same moment, switching it to WAL can fail with
// SQLITE_BUSY without waiting (SQLite refuses to wait where waiting could
// deadlock), so that one case is retried until the busy timeout.
func (s *Store) firstPing(ctx context.Context) error {
	deadline := time.Now().Add(sqliteBusyTimeout)
	wait := 5 * time.Millisecond
	for {
		err := s.w.PingContext(ctx)
		if err == nil || s.dialect != DialectSQLite || !isSQLiteBusy(err) || time.Now().After(deadline) {
			return err
		}
		s.log.Debug("database busy while opening, retrying", "err", err)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

func isSQLiteBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqliteBusyCode
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Close closes every connection.
func (s *Store) Close() error {
	var errs []error
	if s.r != nil && s.r != s.w {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// inTx runs fn in a transaction on the write pool and commits when fn
// returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
