package alert_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
)

// BenchmarkStageHandle records items in cases on a SQLite file: each item
// opens a story's cases for 通城县 (lead) and the housing bureau, with their
// deadlines, audit rows and first alerts; every fourth item grows a story
// instead.
func BenchmarkStageHandle(b *testing.B) {
	f := newCaseFixture(b, fixtureOptions{})
	b.ResetTimer()
	for i := range b.N {
		story := fmt.Sprintf("s%d", i-i%4)
		if err := f.stage.Handle(f.ctx, f.item(fmt.Sprint(i), fmt.Sprintf("src%d", i%4), story, model.SeverityIV, "通城县")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTick has the clock remind every case of a ledger at once.
func BenchmarkTick(b *testing.B) {
	const cases = 500
	for range b.N {
		b.StopTimer()
		f := newCaseFixture(b, fixtureOptions{})
		t0 := f.clock.Now()
		for i := range cases {
			if err := f.stage.Handle(f.ctx, f.item(fmt.Sprint(i), "forum", fmt.Sprintf("s%d", i), model.SeverityIV)); err != nil {
				b.Fatal(err)
			}
		}
		f.clock.Set(t0.Add(24 * time.Hour))
		b.StartTimer()
		n, err := f.ticker.Tick(f.ctx)
		if err != nil || n != cases {
			b.Fatalf("Tick = %d, %v; want %d reminders", n, err, cases)
		}
		b.StopTimer()
		f.store.Close()
	}
	b.ReportMetric(float64(cases), "cases/op")
}
