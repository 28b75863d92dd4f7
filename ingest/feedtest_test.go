package ingest

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuqing/yuqing/config"
)

func TestProbeFeed(t *testing.T) {
	gbk := readFixture(t, "rss-gbk-http-only.xml")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=gbk")
		_, _ = w.Write(gbk)
	}))
	defer srv.Close()
	abs, err := filepath.Abs(filepath.Join("testdata", "rss-gb2312-prolog.xml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, target, firstTitle string
		n                        int
	}{
		{"relative path", filepath.Join("testdata", "rss-gb2312-prolog.xml"), "咸宁市召开非法集资风险防范工作会议", 3},
		{"absolute path", abs, "咸宁市召开非法集资风险防范工作会议", 3},
		{"file URL", "file://" + filepath.ToSlash(abs), "咸宁市召开非法集资风险防范工作会议", 3},
		{"path with a space", copyToDir(t, "rss-big5.xml", "源 文件"), "咸寧市舉辦鄉村振興論壇", 2},
		{"http URL with charset only in the header", srv.URL + "/rss.xml", "咸宁市召开非法集资风险防范工作会议", 2},
	}
	f := NewFetcher(config.Ingest{}, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := ProbeFeed(t.Context(), f, tt.target, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != tt.n || items[0].Title != tt.firstTitle {
				t.Fatalf("got %d items, first %+v", len(items), items[0])
			}
			if items[0].SourceID != ProbeSourceID || !strings.HasPrefix(items[0].ID, "test:") {
				t.Errorf("probe item source %q id %q", items[0].SourceID, items[0].ID)
			}
		})
	}
}

func TestProbeFeedErrors(t *testing.T) {
	f := NewFetcher(config.Ingest{}, nil)
	tests := []struct{ target, want string }{
		{filepath.Join("testdata", "missing.xml"), "no such file"},
		{filepath.Join("testdata", "malformed.xml"), "ingest: parse feed test: XML syntax error"},
		{filepath.Join("testdata", "not-a-feed.html"), "ingest: parse feed test: not an RSS, Atom or JSON feed"},
	}
	for _, tt := range tests {
		_, err := ProbeFeed(t.Context(), f, tt.target, testNow)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ProbeFeed(%q) error %v, want one line with %q", tt.target, err, tt.want)
		}
	}
}

func copyToDir(t *testing.T, fixture, dirName string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), dirName)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, fixture)
	if err := os.WriteFile(path, readFixture(t, fixture), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
