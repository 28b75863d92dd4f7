package demo

import (
	"bytes"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var beijing = time.FixedZone("CST", 8*3600)

// fetchAndParse gets a feed from a real server and parses it the way ingest
// must: GBK decoded first, with the prolog's encoding removed.
func fetchAndParse(t *testing.T, baseURL string, f Feed) (*gofeed.Feed, error) {
	t.Helper()
	_, body := get(t, f.URL(baseURL), nil)
	if f.ID == "county_gbk" {
		body = decodeGBK(t, body)
	}
	return gofeed.NewParser().Parse(bytes.NewReader(body))
}

var prologEncoding = regexp.MustCompile(`^(<\?xml[^>]*?)\s+encoding=["'][^"']*["']`)

func decodeGBK(t *testing.T, body []byte) []byte {
	t.Helper()
	utf, err := simplifiedchinese.GBK.NewDecoder().Bytes(body)
	if err != nil {
		t.Fatalf("decode GBK: %v", err)
	}
	return prologEncoding.ReplaceAll(utf, []byte("$1"))
}

func TestEveryFeedParses(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	total := 0
	for _, f := range Feeds() {
		t.Run(f.ID, func(t *testing.T) {
			feed, err := fetchAndParse(t, srv.URL, f)
			if f.Items == 0 {
				if err == nil {
					t.Fatalf("%s parsed (%d items); it must fail", f.Path, len(feed.Items))
				}
				return
			}
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if len(feed.Items) != f.Items {
				t.Errorf("%d items, catalogue says %d", len(feed.Items), f.Items)
			}
			total += len(feed.Items)
			for i, it := range feed.Items {
				checkItem(t, i, it)
			}
		})
	}
	if total != TotalItems() {
		t.Errorf("parsed %d items in all, TotalItems says %d", total, TotalItems())
	}
}

func checkItem(t *testing.T, i int, it *gofeed.Item) {
	t.Helper()
	text := it.Description + it.Content
	if strings.TrimSpace(it.Title) == "" || strings.TrimSpace(text) == "" {
		t.Errorf("item %d: title %q, no description or content", i, it.Title)
	}
	if strings.ContainsRune(it.Title+text, utf8.RuneError) {
		t.Errorf("item %d %q: mojibake", i, it.Title)
	}
	at, ok := publishedInBeijing(it)
	if !ok {
		t.Errorf("item %d %q: no date", i, it.Title)
		return
	}
	first := time.Date(2026, 11, 20, 0, 0, 0, 0, beijing)
	if at.Before(first) || !at.Before(first.AddDate(0, 0, 7)) {
		t.Errorf("item %d %q: date %v outside 2026-11-20 … 26", i, it.Title, at)
	}
}

// publishedInBeijing reads a zone-less date as Beijing time, as ingest does
// (gofeed itself reads it as UTC).
func publishedInBeijing(it *gofeed.Item) (time.Time, bool) {
	if at, err := time.ParseInLocation("2006-01-02T15:04:05", it.Published, beijing); err == nil {
		return at, true
	}
	if it.PublishedParsed == nil {
		return time.Time{}, false
	}
	return *it.PublishedParsed, true
}

// TestFeedQuirks checks that the samples exercise what they are meant to.
func TestFeedQuirks(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	parsed := map[string]*gofeed.Feed{}
	for _, f := range Feeds() {
		if f.Items > 0 {
			feed, err := fetchAndParse(t, srv.URL, f)
			if err != nil {
				t.Fatalf("%s: %v", f.ID, err)
			}
			parsed[f.ID] = feed
		}
	}
	var urlOnly, hashOnly int
	for _, feed := range parsed {
		for _, it := range feed.Items {
			switch {
			case it.GUID == "" && it.Link != "":
				urlOnly++
			case it.GUID == "" && it.Link == "":
				hashOnly++
			}
		}
	}
	if urlOnly != 2 || hashOnly != 1 {
		t.Errorf("items identified by URL: %d (want 2), by content hash: %d (want 1)", urlOnly, hashOnly)
	}

	zoneless := 0
	for _, it := range parsed["forum"].Items {
		if _, err := time.Parse("2006-01-02T15:04:05", it.Published); err == nil {
			zoneless++
		}
	}
	if zoneless == 0 || zoneless == len(parsed["forum"].Items) {
		t.Errorf("forum: %d of %d dates without zone; want some, not all", zoneless, len(parsed["forum"].Items))
	}
	for _, id := range []string{"xianning_gov", "city_news", "county_gbk"} {
		for _, it := range parsed[id].Items {
			// gofeed hands back UTC: look at the text.
			if !strings.HasSuffix(it.Published, "+0800") && !strings.HasSuffix(it.Published, "+08:00") {
				t.Errorf("%s %q: date %s is not +0800", id, it.Title, it.Published)
			}
		}
	}

	var html strings.Builder
	for _, it := range parsed["xianning_gov"].Items {
		html.WriteString(it.Description)
	}
	for _, want := range []string{"<p>", "<strong>", "&nbsp;", `href="/`} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("xianning_gov descriptions lack %s", want)
		}
	}
}

func TestGBKFeedBytes(t *testing.T) {
	raw, err := feedFiles.ReadFile("feeds/county-gbk.rss")
	if err != nil {
		t.Fatal(err)
	}
	if utf8.Valid(raw) {
		t.Fatal("county-gbk.rss is valid UTF-8: it must be GBK bytes")
	}
	if !bytes.HasPrefix(raw, []byte(`<?xml version="1.0" encoding="gb2312"?>`)) {
		t.Errorf("prolog: %q", raw[:min(len(raw), 60)])
	}
	if i, ok := outsideGB2312(raw); !ok {
		t.Errorf("byte %d (% x) is outside GB2312, which the prolog promises", i, raw[i:min(i+2, len(raw))])
	}
	// The committed bytes are the generator's output of the UTF-8 source.
	src, err := os.ReadFile("testdata/county-utf8.rss")
	if err != nil {
		t.Fatal(err)
	}
	utf, err := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(utf, src) {
		t.Error("feeds/county-gbk.rss is stale: run `go generate ./demo` after editing testdata/county-utf8.rss")
	}
}

// outsideGB2312 finds the first byte that is neither ASCII nor part of an
// EUC-CN pair (lead 0xA1–0xF7, trail 0xA1–0xFE).
func outsideGB2312(b []byte) (int, bool) {
	for i := 0; i < len(b); i++ {
		if b[i] < 0x80 {
			continue
		}
		if i+1 >= len(b) || b[i] < 0xA1 || b[i] > 0xF7 || b[i+1] < 0xA1 || b[i+1] > 0xFE {
			return i, false
		}
		i++
	}
	return 0, true
}
