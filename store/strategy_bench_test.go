package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
)

// BenchmarkSQLiteWriteStrategy compares ways of letting concurrent
// goroutines write to one SQLite file. It is the measurement behind the
// single-writer pool with _txlock=immediate and synchronous=FULL that Open
// uses; busy/op counts the writes that failed with SQLITE_BUSY. Two
// workloads: SaveTagged, whose transaction writes first, and a transaction
// that reads before it writes, as a read-modify-write of the case ledger
// does.
func BenchmarkSQLiteWriteStrategy(b *testing.B) {
	workloads := []struct {
		name string
		op   func(s *Store, it model.TaggedItem) error
	}{
		{"write-first", func(s *Store, it model.TaggedItem) error {
			_, err := s.SaveTagged(context.Background(), it)
			return err
		}},
		{"read-first", readThenSave},
	}
	for _, w := range workloads {
		b.Run(w.name, func(b *testing.B) { benchStrategies(b, w.op) })
	}
}

// readThenSave reads in a transaction before writing in it.
func readThenSave(s *Store, it model.TaggedItem) error {
	ctx := context.Background()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM items WHERE source_id = $1`, it.Item.SourceID).Scan(&n); err != nil {
			return err
		}
		_, err := s.insertTagged(ctx, tx, it)
		return err
	})
}

func benchStrategies(b *testing.B, op func(s *Store, it model.TaggedItem) error) {
	const common = "_busy_timeout=10000&_journal_mode=WAL&_foreign_keys=1"
	variants := []struct {
		name     string
		params   string
		maxConns int
	}{
		{"pool8-deferred-full", common + "&_synchronous=FULL", 8},
		{"pool8-immediate-full", common + "&_synchronous=FULL&_txlock=immediate", 8},
		{"single-immediate-full", common + "&_synchronous=FULL&_txlock=immediate", 1},
		{"single-immediate-normal", common + "&_synchronous=NORMAL&_txlock=immediate", 1},
	}
	item := benchItem(b)
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			s := benchStore(b, v.params, v.maxConns)
			var seq, busy atomic.Int64
			var mu sync.Mutex
			var latencies []time.Duration
			b.SetParallelism(4) // 8 goroutines on 2 cores
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				for pb.Next() {
					it := item
					it.Item.ID = fmt.Sprintf("bench:%d", seq.Add(1))
					start := time.Now()
					err := op(s, it)
					mine = append(mine, time.Since(start))
					if err != nil {
						if !isSQLiteBusy(err) {
							b.Error(err)
							return
						}
						busy.Add(1)
					}
				}
				mu.Lock()
				latencies = append(latencies, mine...)
				mu.Unlock()
			})
			slices.Sort(latencies)
			if len(latencies) > 0 {
				at := func(q float64) float64 {
					return float64(latencies[int(q*float64(len(latencies)-1))].Microseconds()) / 1000
				}
				b.ReportMetric(at(0.5), "p50_ms")
				b.ReportMetric(at(0.99), "p99_ms")
				b.ReportMetric(at(1), "max_ms")
			}
			b.ReportMetric(float64(busy.Load())/float64(b.N), "busy/op")
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
		})
	}
}

// benchStore migrates a fresh database with Open, then writes through a
// pool configured by the variant.
func benchStore(b *testing.B, params string, maxConns int) *Store {
	b.Helper()
	path := filepath.Join(b.TempDir(), "strategy.db")
	s, err := Open(context.Background(), Options{DSN: path})
	if err != nil {
		b.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", path+"?"+params)
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	b.Cleanup(func() { db.Close() })
	return &Store{dialect: DialectSQLite, w: db, r: db,
		log: slog.New(slog.NewTextHandler(io.Discard, nil)), now: time.Now}
}

func benchItem(b *testing.B) model.TaggedItem {
	b.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "tagged_items.json"))
	if err != nil {
		b.Fatal(err)
	}
	var items []model.TaggedItem
	if err := json.Unmarshal(raw, &items); err != nil {
		b.Fatal(err)
	}
	return items[0]
}
