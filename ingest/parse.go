package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/mmcdole/gofeed"

	"github.com/yuqing/yuqing/model"
)

// Parse reads an RSS, Atom or JSON feed body (in any encoding ToUTF8
// understands) into items of src. Titles and content become plain text,
// links absolute, dates UTC (a date without a zone is Beijing time; a date
// more than a day ahead of now is taken as now). Entries with neither title
// nor content are skipped, and an entry repeated in the feed is kept once.
func Parse(body []byte, contentType string, src model.Source, now time.Time) ([]model.Item, error) {
	text, _, err := ToUTF8(body, contentType)
	if err != nil {
		return nil, fmt.Errorf("ingest: parse feed %s: %w", src.ID, err)
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("ingest: parse feed %s: %s", src.ID, parserReason(err))
	}
	base, _ := url.Parse(src.URL)
	fc := feedContext{
		src:     src,
		base:    base,
		now:     now.UTC(),
		chinese: isChineseFeed(feed),
		guids:   guidCounts(feed.Items),
	}
	items := make([]model.Item, 0, len(feed.Items))
	seen := make(map[string]bool, len(feed.Items))
	for _, entry := range feed.Items {
		if entry == nil {
			continue
		}
		it, ok := fc.item(entry)
		if !ok || seen[it.ID] {
			continue
		}
		seen[it.ID] = true
		items = append(items, it)
	}
	return items, nil
}

// parserReason turns gofeed's error into one readable line.
func parserReason(err error) string {
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		return "not an RSS, Atom or JSON feed"
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

// feedContext is what converting one entry needs to know about its feed.
type feedContext struct {
	src     model.Source
	base    *url.URL
	now     time.Time
	chinese bool
	// guids counts each GUID in the feed: a GUID shared by several entries
	// (some CMSs put the channel URL or "0" in every <guid>) identifies
	// nothing, and the link is used instead.
	guids map[string]int
}

func (fc feedContext) item(entry *gofeed.Item) (model.Item, bool) {
	title := singleLine(entry.Title)
	content := HTMLToText(entry.Content)
	if content == "" {
		content = HTMLToText(entry.Description)
	}
	if title == "" && content == "" {
		return model.Item{}, false
	}
	guid := strings.TrimSpace(entry.GUID)
	link := fc.resolve(firstNonEmpty(entry.Link, firstOf(entry.Links), permalinkGUID(guid)))
	idGUID := guid
	if fc.guids[guid] > 1 {
		idGUID = ""
	}
	return model.Item{
		ID:          ItemID(fc.src.ID, idGUID, link, title, content),
		SourceID:    fc.src.ID,
		GUID:        guid,
		URL:         link,
		Title:       title,
		Content:     content,
		Author:      author(entry),
		PublishedAt: fc.published(entry),
		FetchedAt:   fc.now,
	}, true
}

func (fc feedContext) published(entry *gofeed.Item) time.Time {
	t, ok := itemTime(entry.Published, entry.PublishedParsed, fc.chinese)
	if !ok {
		t, ok = itemTime(entry.Updated, entry.UpdatedParsed, fc.chinese)
	}
	if !ok {
		return time.Time{}
	}
	return clampFuture(t, fc.now)
}

// resolve makes a link absolute against the feed URL. A link that does not
// parse, or leads anywhere but the web (javascript:, data:), is dropped:
// officers open these links from the console.
func (fc feedContext) resolve(link string) string {
	link = strings.TrimSpace(link)
	if link == "" {
		return ""
	}
	ref, err := url.Parse(link)
	if err != nil {
		return ""
	}
	if fc.base != nil {
		ref = fc.base.ResolveReference(ref)
	}
	switch {
	case ref.Scheme == "http" || ref.Scheme == "https":
	case fc.base != nil && ref.Scheme == fc.base.Scheme && ref.Scheme != "":
		// Links of a local test file stay file: links.
	default:
		return ""
	}
	return ref.String()
}

func author(entry *gofeed.Item) string {
	for _, p := range entry.Authors {
		if p == nil {
			continue
		}
		if name := singleLine(firstNonEmpty(p.Name, p.Email)); name != "" {
			return name
		}
	}
	return ""
}

// permalinkGUID uses an RSS <guid> that is a web address as the link of an
// entry that has none.
func permalinkGUID(guid string) string {
	if strings.HasPrefix(guid, "http://") || strings.HasPrefix(guid, "https://") {
		return guid
	}
	return ""
}

func guidCounts(entries []*gofeed.Item) map[string]int {
	counts := make(map[string]int, len(entries))
	for _, e := range entries {
		if e != nil && strings.TrimSpace(e.GUID) != "" {
			counts[strings.TrimSpace(e.GUID)]++
		}
	}
	return counts
}

// isChineseFeed says whether "CST" in the feed's dates means China
// Standard Time: the feed declares a Chinese language, or its title or
// first entry titles are written in Chinese.
func isChineseFeed(feed *gofeed.Feed) bool {
	if strings.HasPrefix(strings.ToLower(feed.Language), "zh") {
		return true
	}
	if hasHan(feed.Title) {
		return true
	}
	for i, e := range feed.Items {
		if i == 3 {
			break
		}
		if e != nil && hasHan(e.Title) {
			return true
		}
	}
	return false
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

func firstOf(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}
