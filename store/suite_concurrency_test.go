package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

// testConcurrentClaimers runs several claimers on two *Store values over one
// database (two processes, as far as the database can tell) and checks that
// no delivery is handed out twice while its lease holds.
func testConcurrentClaimers(t *testing.T, b backend) {
	ctx := context.Background()
	dsn := b.newDSN(t)
	stores := []*store.Store{openStore(t, dsn), openStore(t, dsn)}
	base := loadTagged(t)[0]
	const cases, receivers = 40, 5
	for i := range cases {
		it := base
		it.Item.ID = fmt.Sprintf("%s#%d", base.Item.ID, i)
		it.Analysis.StoryID = "" // one case per item: a story would share one case
		op := model.CaseOpening{Department: "sthjj"}
		for r := range receivers {
			op.Receivers = append(op.Receivers, fmt.Sprintf("r%d", r))
		}
		if _, err := stores[0].OpenCases(ctx, it, []model.CaseOpening{op}, t0); err != nil {
			t.Fatal(err)
		}
	}

	const claimersPerStore = 4
	var (
		mu      sync.Mutex
		claimed = map[int64]int{} // delivery id → times claimed
		start   = make(chan struct{})
		wg      sync.WaitGroup
		failed  atomic.Bool
	)
	for _, s := range stores {
		for range claimersPerStore {
			wg.Go(func() {
				<-start
				for !failed.Load() {
					// A long lease: nothing may come back during the test.
					ds, err := s.ClaimDeliveries(ctx, t0, time.Hour, 3)
					if err != nil {
						t.Errorf("claim: %v", err)
						failed.Store(true)
						return
					}
					if len(ds) == 0 {
						return
					}
					mu.Lock()
					for _, d := range ds {
						claimed[d.ID]++
					}
					mu.Unlock()
				}
			})
		}
	}
	close(start)
	wg.Wait()
	if len(claimed) != cases*receivers {
		t.Errorf("%d distinct deliveries claimed, want %d", len(claimed), cases*receivers)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("delivery %d claimed %d times", id, n)
		}
	}
}

// testConcurrentSaveTagged saves overlapping items from many goroutines: no
// error (on SQLite: no SQLITE_BUSY), and each item inserted exactly once.
func testConcurrentSaveTagged(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	base := loadTagged(t)[0]
	const workers, perWorker, distinct = 8, 40, 100
	var (
		inserted atomic.Int64
		start    = make(chan struct{})
		wg       sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			<-start
			for i := range perWorker {
				it := base
				it.Item.ID = fmt.Sprintf("item-%d", (w*perWorker+i)%distinct)
				ins, err := s.SaveTagged(ctx, it)
				if err != nil {
					t.Errorf("worker %d: SaveTagged: %v", w, err)
					return
				}
				if ins {
					inserted.Add(1)
				}
				// Interleave reads, as the ingest and web stages do.
				if _, err := s.KnownItems(ctx, []string{it.Item.ID}); err != nil {
					t.Errorf("worker %d: KnownItems: %v", w, err)
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if got := inserted.Load(); got != distinct {
		t.Errorf("%d saves reported inserted, want %d", got, distinct)
	}
	if n, err := s.CountItems(ctx); err != nil || n != distinct {
		t.Errorf("CountItems() = %d, %v; want %d", n, err, distinct)
	}
}

// testConcurrentOpenCases has workers (on two *Store values) open cases for
// the same items at once, with the openings in different orders, as
// redelivered messages on several alert workers do: every case is created
// once, with its deliveries once, and no worker fails (no deadlock).
func testConcurrentOpenCases(t *testing.T, b backend) {
	ctx := context.Background()
	dsn := b.newDSN(t)
	stores := []*store.Store{openStore(t, dsn), openStore(t, dsn)}
	items := loadTagged(t)
	for _, it := range items { // as the analyzer does before alerting
		if _, err := stores[0].SaveTagged(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	forward := []model.CaseOpening{openEnv, openDistrict, openPolice}
	backward := []model.CaseOpening{openPolice, openDistrict, openEnv}
	const workers = 6
	var (
		created atomic.Int64
		start   = make(chan struct{})
		wg      sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			s, openings := stores[w%2], forward
			if w%3 == 0 {
				openings = backward
			}
			<-start
			for _, it := range items {
				cs, err := s.OpenCases(ctx, it, openings, t0)
				if err != nil {
					t.Errorf("worker %d: OpenCases: %v", w, err)
					return
				}
				created.Add(int64(len(cs)))
			}
		})
	}
	close(start)
	wg.Wait()
	if got, want := created.Load(), int64(len(items)*len(forward)); got != want {
		t.Errorf("%d cases created, want %d", got, want)
	}
	st, err := stores[0].OutboxStats(ctx)
	// Receivers per item: sthjj 2 distinct, xaq 1, gaj 2.
	if want := int64(len(items) * 5); err != nil || st.Pending != want {
		t.Errorf("OutboxStats() = %+v, %v; want %d pending", st, err, want)
	}
}
