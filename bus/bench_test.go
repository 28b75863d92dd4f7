package bus_test

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/yuqing/yuqing/bus"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// BenchmarkPublishConsume publishes b.N items (about 1 KB of JSON each) with
// synchronous publishes and waits until a 4-worker consumer has handled and
// confirmed the ack of every one: one op is one item through the bus.
func BenchmarkPublishConsume(b *testing.B) {
	e := open(b, b.TempDir(), config.NATS{})
	// Close now rather than at cleanup: the benchmark function runs several
	// times and idle servers would weigh on the later runs.
	defer e.bus.Close()
	ctx := context.Background()
	var handled atomic.Int64
	all := make(chan struct{})
	target := int64(b.N)
	c, err := e.bus.ConsumeItems(ctx, 4, func(context.Context, model.Item) error {
		if handled.Add(1) == target {
			close(all)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Stop()
	content := strings.Repeat("咸宁市政务服务中心窗口办事效率", 20) // ~900 bytes
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		it := model.Item{ID: "bench:" + strconv.Itoa(i), SourceID: "bench", Title: "测试", Content: content}
		if err := e.bus.PublishItem(ctx, it); err != nil {
			b.Fatal(err)
		}
	}
	<-all
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
	waitSettled(b, e.bus, bus.ConsumerAnalyze)
}
