package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/yuqing/yuqing/store"
)

// BenchmarkSaveTagged measures saving analyzed items to SQLite one by one,
// each in its own transaction, as the analyze stage does.
func BenchmarkSaveTagged(b *testing.B) {
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{DSN: filepath.Join(b.TempDir(), "bench.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	base := loadTagged(b)[0]
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		it := base
		it.Item.ID = fmt.Sprintf("bench:%d", i)
		i++
		if _, err := s.SaveTagged(ctx, it); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "items/s")
}
