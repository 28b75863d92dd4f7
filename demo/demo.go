// Package demo holds what `yuqing demo` needs to show the whole pipeline on
// a machine without internet: sample feeds about 咸宁市 written for this
// project (served by Handler) and a local webhook sink that verifies and
// prints the alerts the daemon sends (Sink).
//
// All people, companies and incidents in the samples are fictional; each
// feed says so in its channel description. The feeds cover the formats and
// quirks ingest must handle: RSS 2.0 with HTML in descriptions, Atom, JSON
// Feed with zone-less dates, a GB2312 feed served without a charset, items
// without GUID (URL identity) or without link and GUID (content hash), and a
// truncated feed that must show up as an error in its source's health.
package demo

//go:generate go run gen_gbk.go

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"
)

//go:embed feeds
var feedFiles embed.FS

// Feed is one sample feed of the catalogue.
type Feed struct {
	// ID is ASCII [a-z0-9_], usable as a source id.
	ID string
	// Name is the Chinese name shown to officers.
	Name string
	// Path is the feed's file name: Handler serves it at "/feeds/" + Path
	// (see URL).
	Path string
	// ContentType is the Content-Type header Handler sends.
	ContentType string
	// Region is the place the source covers by default.
	Region string
	// Items is the number of valid items; 0 for the broken feed.
	Items int
}

const (
	typeRSS  = "application/rss+xml; charset=utf-8"
	typeAtom = "application/atom+xml; charset=utf-8"
	typeJSON = "application/feed+json; charset=utf-8"
	// Legacy county sites send no charset: the reader must find gb2312 in
	// the XML prolog.
	typeRSSNoCharset = "application/rss+xml"

	feedsPrefix = "/feeds/"
)

// Feeds returns the catalogue of sample feeds, in a stable order.
func Feeds() []Feed {
	return []Feed{
		{ID: "xianning_gov", Name: "咸宁市人民政府 · 政务公开", Path: "xianning-gov.rss",
			ContentType: typeRSS, Region: "咸宁市", Items: 10},
		{ID: "city_news", Name: "咸宁本地新闻", Path: "city-news.atom",
			ContentType: typeAtom, Region: "咸宁市", Items: 12},
		{ID: "forum", Name: "香城论坛 · 网民留言", Path: "forum.json",
			ContentType: typeJSON, Region: "咸宁市", Items: 8},
		{ID: "county_gbk", Name: "崇阳县人民政府 · 政务动态", Path: "county-gbk.rss",
			ContentType: typeRSSNoCharset, Region: "崇阳县", Items: 6},
		{ID: "broken", Name: "咸宁市交通运输局 · 出行提示（故障示例）", Path: "broken.rss",
			ContentType: typeRSS, Region: "咸宁市", Items: 0},
	}
}

// URL is where the feed is served when Handler is mounted at base, an
// address such as "http://127.0.0.1:8080" (without a trailing slash).
func (f Feed) URL(base string) string { return base + feedsPrefix + f.Path }

// TotalItems is the number of valid items across all feeds: the demo is
// done when this many items have been processed.
func TotalItems() int {
	n := 0
	for _, f := range Feeds() {
		n += f.Items
	}
	return n
}

// lastModified is the Last-Modified of every feed: the samples are fixed
// data, so a fixed time is the honest answer and keeps responses stable.
func lastModified() time.Time {
	return time.Date(2026, time.November, 26, 10, 0, 0, 0, time.UTC)
}

type servedFeed struct {
	name        string
	contentType string
	etag        string
	data        []byte
}

type feedHandler struct {
	feeds    map[string]servedFeed // by URL path
	modified time.Time
}

// Handler serves the catalogue's feeds at their paths with their content
// types, a strong ETag and a Last-Modified date, answering conditional
// requests with 304 so that the fetcher's conditional GET is exercised.
// Unknown paths get 404; methods other than GET and HEAD get 405.
func Handler() http.Handler {
	h := &feedHandler{feeds: map[string]servedFeed{}, modified: lastModified()}
	for _, f := range Feeds() {
		data, err := feedFiles.ReadFile("feeds/" + f.Path)
		if err != nil {
			// The catalogue and the embedded files are tested together.
			panic(fmt.Sprintf("demo: catalogue names missing file %s: %v", f.Path, err))
		}
		sum := sha256.Sum256(data)
		h.feeds[feedsPrefix+f.Path] = servedFeed{
			name:        f.Path,
			contentType: f.ContentType,
			etag:        `"` + hex.EncodeToString(sum[:12]) + `"`,
			data:        data,
		}
	}
	return h
}

func (h *feedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	f, ok := h.feeds[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", f.contentType)
	hdr.Set("ETag", f.etag)
	// Revalidate on every poll, as many news sites ask.
	hdr.Set("Cache-Control", "no-cache")
	// ServeContent answers If-None-Match / If-Modified-Since with 304 and
	// handles HEAD and Range.
	http.ServeContent(w, r, f.name, h.modified, bytes.NewReader(f.data))
}
