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

// The parts of generated sentences: enough of each that two articles
// share few word triples by chance, as real ones do, so story grouping
// sees realistic text (reprints are made on purpose, see benchFeed).
var (
	benchPlaces = []string{"咸安区", "嘉鱼县", "通城县", "崇阳县", "通山县", "赤壁市", "咸宁高新区", "温泉街道", "横沟桥镇",
		"汀泗桥镇", "隽水镇", "天城镇", "通羊镇", "蒲圻街道", "鱼岳镇", "马桥镇", "向阳湖镇", "官埠桥镇", "桂花镇", "大幕乡"}
	benchActors = []string{"市民", "网友", "记者", "村民", "业主", "家长", "商户", "司机", "游客", "职工", "老人", "学生",
		"志愿者", "企业负责人", "社区干部", "外卖骑手", "出租车司机", "退休教师", "返乡青年", "种植大户"}
	benchEvents  = []string{"反映", "投诉", "询问", "建议", "咨询", "举报", "留言称", "致电热线称", "在论坛发帖称", "向记者表示"}
	benchMatters = []string{"小区电梯长期停运无人维修", "学校门口早晚高峰拥堵严重", "农贸市场卫生条件较差", "公交线路调整后出行不便",
		"老旧管网漏水影响用水", "夜间施工噪音扰民", "路灯损坏多日未修", "停车位不足乱停乱放", "养老金领取手续繁琐",
		"医保报销流程耗时较长", "农产品销路不畅价格下跌", "河道垃圾堆积散发异味", "新建道路排水不畅积水", "幼儿园收费标准不透明",
		"社区食堂饭菜价格上涨", "快递网点取件排长队", "景区周边停车收费偏高", "网约车深夜难打", "供暖设施老化效果差", "菜市场缺斤少两"}
	benchTails = []string{"希望有关部门尽快处理。", "相关部门表示将调查核实。", "目前已有多人反映同类问题。", "记者将持续关注。",
		"当地已安排专人跟进。", "街道办称正在协调解决。", "部分居民已自发组织讨论。", "有关单位回应称月底前整改完毕。"}
)

// benchFeed is an RSS feed of n items of about 1 KB each; round makes the
// GUIDs new so every round is new work for the pipeline. One item in ten
// is a lightly edited reprint of an earlier one, as on real feeds.
func benchFeed(round, n int) []byte {
	rng := rand.New(rand.NewPCG(uint64(round), 7))
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>bench</title><link>https://bench.example.cn/</link>`)
	var bodies, titles []string
	for i := range n {
		var title, body string
		if i > 0 && rng.IntN(10) == 0 {
			j := rng.IntN(len(bodies))
			title, body = titles[j], "（转载）"+bodies[j]
		} else {
			title, body = benchSentence(rng), benchBody(rng)
		}
		titles, bodies = append(titles, title), append(bodies, body)
		fmt.Fprintf(&b, "<item><title>%s</title><link>https://bench.example.cn/%d/%d.html</link><guid>r%d-i%d</guid><description>%s</description><pubDate>Wed, 25 Nov 2026 09:30:00 +0800</pubDate></item>",
			title, round, i, round, i, body)
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

func benchBody(rng *rand.Rand) string {
	var body strings.Builder
	for body.Len() < 1000 {
		body.WriteString(benchSentence(rng))
	}
	return body.String()
}

// benchSentence is a sentence with a place, a person, a matter and a
// number of its own; one in five is a sentence of the hot-topic pool.
func benchSentence(rng *rand.Rand) string {
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	if rng.IntN(5) == 0 {
		return pick(benchSentences)
	}
	return fmt.Sprintf("%s%s%d月%d日%s%s，%s", pick(benchPlaces), pick(benchActors), rng.IntN(12)+1, rng.IntN(28)+1,
		pick(benchEvents), pick(benchMatters), pick(benchTails))
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
