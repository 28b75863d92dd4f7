package demo

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestCatalogue(t *testing.T) {
	idPattern := regexp.MustCompile(`^[a-z0-9_]+$`)
	ids, paths := map[string]bool{}, map[string]bool{}
	for _, f := range Feeds() {
		if !idPattern.MatchString(f.ID) {
			t.Errorf("feed id %q is not [a-z0-9_]", f.ID)
		}
		if ids[f.ID] || paths[f.Path] {
			t.Errorf("feed %s: id or path %s used twice", f.ID, f.Path)
		}
		ids[f.ID], paths[f.Path] = true, true
		if f.Path == "" || strings.ContainsAny(f.Path, "/\\") {
			t.Errorf("feed %s: path %q is not a plain file name", f.ID, f.Path)
		}
		if got, want := f.URL("http://127.0.0.1:8080"), "http://127.0.0.1:8080/feeds/"+f.Path; got != want {
			t.Errorf("feed %s: URL %q, want %q", f.ID, got, want)
		}
		if f.Name == "" || f.Region == "" || f.ContentType == "" {
			t.Errorf("feed %s: incomplete entry %+v", f.ID, f)
		}
	}
	// Every embedded file is in the catalogue, so nothing is shipped unused.
	entries, err := fs.ReadDir(feedFiles, "feeds")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(paths) {
		t.Errorf("%d embedded files, %d catalogue entries", len(entries), len(paths))
	}
	for _, e := range entries {
		if !paths[e.Name()] {
			t.Errorf("embedded file %s is not in the catalogue", e.Name())
		}
	}
}

func TestHandlerServesEveryFeed(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	wantModified := lastModified().Format(http.TimeFormat)
	for _, f := range Feeds() {
		t.Run(f.ID, func(t *testing.T) {
			resp, body := get(t, f.URL(srv.URL), nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Type"); got != f.ContentType {
				t.Errorf("Content-Type %q, want %q", got, f.ContentType)
			}
			if got := resp.Header.Get("Last-Modified"); got != wantModified {
				t.Errorf("Last-Modified %q, want %q", got, wantModified)
			}
			if etag := resp.Header.Get("ETag"); !regexp.MustCompile(`^"[0-9a-f]{24}"$`).MatchString(etag) {
				t.Errorf("ETag %q is not a strong hex tag", etag)
			}
			want, err := feedFiles.ReadFile("feeds/" + f.Path)
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != string(want) {
				t.Errorf("body differs from the embedded file (%d vs %d bytes)", len(body), len(want))
			}
		})
	}
}

func TestGBKFeedHasNoCharset(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	resp, _ := get(t, srv.URL+"/feeds/county-gbk.rss", nil)
	if ct := resp.Header.Get("Content-Type"); ct != "application/rss+xml" {
		t.Errorf("Content-Type %q: the GBK feed must carry no charset", ct)
	}
}

func TestHandlerConditionalGET(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	for _, f := range Feeds() {
		first, _ := get(t, f.URL(srv.URL), nil)
		etag, modified := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
		older := lastModified().Add(-time.Hour).Format(http.TimeFormat)
		tests := []struct {
			name   string
			header map[string]string
			want   int
		}{
			{"matching etag", map[string]string{"If-None-Match": etag}, http.StatusNotModified},
			{"etag in a list", map[string]string{"If-None-Match": `"0000", ` + etag}, http.StatusNotModified},
			{"wildcard", map[string]string{"If-None-Match": "*"}, http.StatusNotModified},
			{"other etag", map[string]string{"If-None-Match": `"0000"`}, http.StatusOK},
			{"other etag wins over date", map[string]string{"If-None-Match": `"0000"`, "If-Modified-Since": modified}, http.StatusOK},
			{"same date", map[string]string{"If-Modified-Since": modified}, http.StatusNotModified},
			{"older date", map[string]string{"If-Modified-Since": older}, http.StatusOK},
		}
		for _, tc := range tests {
			t.Run(f.ID+"/"+tc.name, func(t *testing.T) {
				resp, body := get(t, f.URL(srv.URL), tc.header)
				if resp.StatusCode != tc.want {
					t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
				}
				if tc.want == http.StatusNotModified && len(body) != 0 {
					t.Errorf("304 with a %d-byte body", len(body))
				}
				if tc.want == http.StatusOK && len(body) == 0 {
					t.Error("200 without a body")
				}
			})
		}
	}
}

func TestHandlerRefuses(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/", http.StatusNotFound},
		{http.MethodGet, "/feeds/", http.StatusNotFound},
		{http.MethodGet, "/feeds/unknown.rss", http.StatusNotFound},
		{http.MethodGet, "/feeds/FORUM.JSON", http.StatusNotFound},
		{http.MethodGet, "/feeds/forum.json/", http.StatusNotFound},
		{http.MethodGet, "/forum.json", http.StatusNotFound},
		{http.MethodGet, "/feeds//feeds/forum.json", http.StatusNotFound},
		{http.MethodGet, "/feeds/%2e%2e/demo.go", http.StatusNotFound},
		{http.MethodPost, "/feeds/forum.json", http.StatusMethodNotAllowed},
		{http.MethodDelete, "/feeds/forum.json", http.StatusMethodNotAllowed},
		{http.MethodHead, "/feeds/forum.json", http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
}

func get(t *testing.T, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}
