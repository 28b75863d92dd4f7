package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yuqing/yuqing/config"
)

// benchSentences mix local news in the hot-topic areas with everyday news
// that matches nothing, so routing and delivery do real work on a share of
// the items.
var benchSentences = []string{
	"通城县隽水镇一小区业主反映开发商延期交房，物业至今没有回应。",
	"咸安区今年秋季义务教育招生报名启动，家长关心学区如何划分。",
	"嘉鱼警方破获一起非法集资案，涉案金额超过一千万元。",
	"群众举报崇阳县一化工厂夜间偷排废水，附近河水发黑发臭。",
	"市民拨打12345热线反映办理营业执照要来回跑，窗口推诿扯皮。",
	"今天上午天气晴朗，市民纷纷走出家门到公园散步。",
	"这场比赛双方打得非常激烈，最终主队以两分的优势取胜。",
	"新款手机搭载自研芯片，续航和拍照能力都有明显提升。",
	"据介绍，该项目总投资约二十亿元，预计明年年底建成投产。",
	"记者从有关部门获悉，今年前三季度全市经济运行总体平稳、稳中有进。",
}

// benchFeed is an RSS feed of n items of about 1 KB each; round makes the
// GUIDs new so every round is new work for the pipeline.
func benchFeed(round, n int) []byte {
	rng := rand.New(rand.NewPCG(uint64(round), 7))
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>bench</title><link>https://bench.example.cn/</link>`)
	for i := range n {
		var body strings.Builder
		for body.Len() < 1000 {
			body.WriteString(benchSentences[rng.IntN(len(benchSentences))])
		}
		fmt.Fprintf(&b, "<item><title>%s</title><link>https://bench.example.cn/%d/%d.html</link><guid>r%d-i%d</guid><description>%s</description><pubDate>Wed, 25 Nov 2026 09:30:00 +0800</pubDate></item>",
			benchSentences[rng.IntN(len(benchSentences))], round, i, round, i, body.String())
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

// BenchmarkPipeline1000 measures items per second through the whole daemon
// — fetch, parse, publish to JetStream, analyze, store in SQLite, route,
// open cases and deliver webhooks — for a feed of 1,000 items.
func BenchmarkPipeline1000(b *testing.B) {
	const perFeed = 1000
	ctx := context.Background()
	var round atomic.Int64
	feeds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write(benchFeed(int(round.Load()), perFeed))
	}))
	defer feeds.Close()
	sink := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer sink.Close()

	cfg := benchConfig(b, feeds.URL, sink.URL)
	a, err := New(ctx, cfg, Options{Analyzer: sharedAnalyzer(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = a.Stop(context.Background()) }()
	if err := a.Start(ctx); err != nil {
		b.Fatal(err)
	}
	src := cfg.Sources[0].Model()
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		round.Store(int64(i + 1))
		if _, err := a.scheduler.PollOnce(ctx, src); err != nil {
			b.Fatal(err)
		}
		want := int64((i + 1) * perFeed)
		for {
			n, err := a.store.CountItems(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if ok, _ := settled(ctx, a); ok && n >= want {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	b.ReportMetric(float64(b.N*perFeed)/time.Since(start).Seconds(), "items/s")
}

func benchConfig(b *testing.B, feedsURL, sinkURL string) *config.Config {
	cfg, err := config.Default()
	if err != nil {
		b.Fatal(err)
	}
	cfg.DataDir = b.TempDir()
	cfg.Sources = []config.Source{{ID: "bench", Name: "bench", Kind: "feed", URL: feedsURL + "/feed.rss",
		Interval: config.Duration(time.Hour), Weight: 1}}
	cfg.Receivers = append(cfg.Receivers, config.Receiver{Name: "sink", Webhook: &config.WebhookSpec{URL: config.Secret(sinkURL)}})
	for i := range cfg.Departments {
		cfg.Departments[i].Receivers = []string{"sink"}
	}
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	return cfg
}
