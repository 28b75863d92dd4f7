package ingest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/yuqing/yuqing/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var (
	testNow = time.Date(2026, 11, 27, 4, 0, 0, 0, time.UTC)
	testSrc = model.Source{ID: "xn", Kind: model.SourceFeed, URL: "https://www.xianning.gov.cn/zwdt/rss.xml"}
)

// TestParseGolden renders the items of each fixture as JSON and compares
// them with testdata/golden; run with -update after checking a change.
func TestParseGolden(t *testing.T) {
	tests := []struct {
		file, contentType string
	}{
		{"rss-utf8.xml", "application/rss+xml; charset=utf-8"},
		{"atom.xml", "application/atom+xml"},
		{"feed.json", "application/feed+json"},
		{"rss-dates.xml", ""},
		{"rss-gb2312-prolog.xml", "text/xml"},
		{"rss-gbk-undeclared.xml", ""},
		{"rss-gbk-http-only.xml", "text/xml; charset=gbk"},
		{"rss-big5.xml", ""},
		{"rss-utf16le-bom.xml", "application/xml"},
		{"rss-declared-utf8-actually-gbk.xml", "text/xml; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			items, err := Parse(readFixture(t, tt.file), tt.contentType, testSrc, testNow)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(items); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			golden := filepath.Join("testdata", "golden", strings.TrimSuffix(tt.file, filepath.Ext(tt.file))+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
				t.Errorf("items differ from %s:\n%s", golden, got)
			}
		})
	}
}

func TestParseRSS(t *testing.T) {
	items, err := Parse(readFixture(t, "rss-utf8.xml"), "", testSrc, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 4 {
		t.Fatalf("got %d items, want 4 (the empty entry skipped)", len(items))
	}
	first, second, third, fourth := items[0], items[1], items[2], items[3]
	checks := []struct {
		name, got, want string
	}{
		{"title without tags", first.Title, "通城县召开油茶产业发展推进会"},
		{"content without script and style", first.Content, "11月26日，通城县召开油茶产业发展推进会。\n会议要求 各乡镇&部门…"},
		{"relative link resolved", first.URL, "https://www.xianning.gov.cn/zwdt/tcx/202611/t20261126_3001.shtml"},
		{"dotdot link resolved", second.URL, "https://www.xianning.gov.cn/xwzx/202611/t20261125_2999.shtml?utm_source=wechat&id=7#top"},
		{"escaped title markup removed", second.Title, "咸安区桂花产业助力乡村振兴"},
		{"content:encoded preferred", second.Content, "咸安桂花\n种植面积扩大\n深加工产品增多\n产值 12亿元"},
		{"dc:creator", first.Author, "通城县融媒体中心"},
		{"author name from email form", third.Author, "嘉鱼县应急管理局"},
		{"zone kept", third.PublishedAt.Format(time.RFC3339), "2026-11-24T00:00:00Z"},
		{"javascript link dropped", fourth.URL, ""},
		{"untitled item kept", fourth.Title, ""},
		{"guid", first.GUID, "xn-2026-3001"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	for _, it := range items {
		if it.SourceID != "xn" || !strings.HasPrefix(it.ID, "xn:") || !it.FetchedAt.Equal(testNow) {
			t.Errorf("item %+v: wrong source, id or fetch time", it)
		}
	}
	if items[0].ID != ItemID("xn", "xn-2026-3001", "", "", "") {
		t.Errorf("an item with a GUID is identified by it")
	}
	if items[1].ID != ItemID("xn", "", "https://www.xianning.gov.cn/xwzx/202611/t20261125_2999.shtml?id=7", "", "") {
		t.Errorf("an item without GUID is identified by its canonical link")
	}
}

// The encoded fixtures hold the same text: each must read as UTF-8 does.
func TestParseEncodingsAgree(t *testing.T) {
	want := []string{"咸宁市召开非法集资风险防范工作会议", "通城县城乡居民医疗保险参保缴费启动", "嘉鱼虾稻香米获评优质农产品（镕、堃等GBK扩展字）"}
	tests := []struct {
		file, contentType string
		n                 int
	}{
		{"rss-gb2312-prolog.xml", "", 3},
		{"rss-gbk-undeclared.xml", "", 3},
		{"rss-gbk-http-only.xml", "text/xml; charset=GBK", 2},
		{"rss-declared-utf8-actually-gbk.xml", "", 2},
	}
	for _, tt := range tests {
		items, err := Parse(readFixture(t, tt.file), tt.contentType, testSrc, testNow)
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if len(items) != tt.n {
			t.Fatalf("%s: %d items, want %d", tt.file, len(items), tt.n)
		}
		for i, it := range items {
			if it.Title != want[i] {
				t.Errorf("%s: title %q, want %q", tt.file, it.Title, want[i])
			}
		}
	}
}

func TestParseDates(t *testing.T) {
	items, err := Parse(readFixture(t, "rss-dates.xml"), "", testSrc, testNow)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"无时区日期（横线）":     "2026-11-27T00:30:00Z",
		"斜线日期":          "2026-11-27T00:30:00Z",
		"中文日期":          "2026-11-27T00:30:00Z",
		"中文日期仅日":        "2026-11-01T16:00:00Z",
		"CST 即北京时间":     "2026-11-27T00:30:00Z",
		"明确 UTC":        "2026-11-27T00:30:00Z",
		"RFC822 无时区":    "2026-11-27T00:30:00Z",
		"服务器时钟错误（未来日期）": testNow.Format(time.RFC3339),
		"只有 dc:date":    "2026-11-26T12:00:00Z",
		"无日期":           "",
		"无法识别的日期":       "",
		"全角冒号":          "2026-11-27T00:30:00Z",
	}
	if len(items) != len(want) {
		t.Fatalf("got %d items, want %d", len(items), len(want))
	}
	for _, it := range items {
		got := ""
		if !it.PublishedAt.IsZero() {
			got = it.PublishedAt.Format(time.RFC3339)
		}
		if got != want[it.Title] {
			t.Errorf("%s: published %q, want %q", it.Title, got, want[it.Title])
		}
	}
}

func TestParseIdentityWithinFeed(t *testing.T) {
	// A CMS that writes the same <guid> into every entry, and an entry
	// listed twice.
	feed := `<rss version="2.0"><channel><title>通山县</title>
<item><title>甲</title><link>http://www.tongshan.gov.cn/1.html</link><guid>http://www.tongshan.gov.cn/</guid></item>
<item><title>乙</title><link>http://www.tongshan.gov.cn/2.html</link><guid>http://www.tongshan.gov.cn/</guid></item>
<item><title>丙</title><link>http://www.tongshan.gov.cn/3.html</link><guid>ts-3</guid></item>
<item><title>丙</title><link>http://www.tongshan.gov.cn/3.html</link><guid>ts-3</guid></item>
<item><title>丁</title><guid>http://www.tongshan.gov.cn/4.html</guid></item>
</channel></rss>`
	items, err := Parse([]byte(feed), "", testSrc, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 4 {
		t.Fatalf("got %d items, want 4 (repeated entry kept once)", len(items))
	}
	if items[0].ID == items[1].ID {
		t.Error("entries sharing a GUID got the same id; the link should decide")
	}
	if items[0].ID != ItemID("xn", "", "http://www.tongshan.gov.cn/1.html", "", "") {
		t.Error("a shared GUID should give way to the link")
	}
	if items[3].URL != "http://www.tongshan.gov.cn/4.html" {
		t.Errorf("permalink GUID not used as link: %q", items[3].URL)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{"malformed XML", readFixture(t, "malformed.xml"), "ingest: parse feed xn: XML syntax error"},
		{"HTML page", readFixture(t, "not-a-feed.html"), "ingest: parse feed xn: not an RSS, Atom or JSON feed"},
		{"empty body", nil, "ingest: parse feed xn: not an RSS, Atom or JSON feed"},
		{"broken JSON", []byte(`{"version": "https://jsonfeed.org/version/1.1", "items": [`), "ingest: parse feed xn:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.body, "", testSrc, testNow)
			if err == nil {
				t.Fatal("no error")
			}
			if msg := err.Error(); !strings.HasPrefix(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line starting %q", msg, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range fixtureNames(f) {
		f.Add(readFixture(f, name), "")
	}
	f.Add([]byte(`<rss><channel><item><title>&lt;script&gt;alert(1)&lt;/script&gt;咸宁</title></item></channel></rss>`), "text/xml; charset=gbk")
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","title":"<img src=x onerror=alert(1)>"}]}`), "")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		items, err := Parse(body, contentType, testSrc, testNow)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
			return
		}
		for _, it := range items {
			checkFuzzedItem(t, it)
		}
	})
}

func checkFuzzedItem(t *testing.T, it model.Item) {
	t.Helper()
	for _, s := range []string{it.Title, it.Content, it.Author, it.URL, it.GUID} {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 in %+v", it)
		}
	}
	if containsTagStart(it.Title) || containsTagStart(it.Content) || strings.Contains(it.Title, "\n") {
		t.Fatalf("markup or line break left in %+v", it)
	}
	if it.Title == "" && it.Content == "" {
		t.Fatalf("empty item kept: %+v", it)
	}
	if !strings.HasPrefix(it.ID, "xn:") || it.PublishedAt.After(testNow.Add(futureTolerance)) {
		t.Fatalf("bad id or future date in %+v", it)
	}
}

// BenchmarkParse parses a generated 1,000-item feed of Chinese HTML news.
func BenchmarkParse(b *testing.B) {
	body := generateFeed(1000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		items, err := Parse(body, "application/rss+xml", testSrc, testNow)
		if err != nil || len(items) != 1000 {
			b.Fatalf("%d items, %v", len(items), err)
		}
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "items/s")
}

func generateFeed(n int) []byte {
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>咸宁市人民政府</title>`)
	places := []string{"咸安区", "嘉鱼县", "通城县", "崇阳县", "通山县", "赤壁市", "咸宁高新区"}
	start := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	for i := range n {
		p := places[i%len(places)]
		fmt.Fprintf(&sb, `<item><title>%s召开第%d次安全生产工作会议</title><link>/zwdt/2026/%d.shtml</link>`+
			`<guid>xn-%d</guid><pubDate>%s</pubDate><description><![CDATA[<p>%s应急管理局部署<b>安全生产</b>大检查，`+
			`要求各乡镇、各部门压实责任。</p><p>会议强调，要坚持人民至上、生命至上，坚决防范遏制重特大事故。</p>`+
			`<p>会议还通报了近期非煤矿山、危化品、道路交通等重点行业领域的隐患排查情况。</p>]]></description></item>`,
			p, i, i, i, start.Add(-time.Duration(i)*time.Minute).Format(time.RFC1123Z), p)
	}
	sb.WriteString(`</channel></rss>`)
	return []byte(sb.String())
}
