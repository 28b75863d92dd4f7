package ingest

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"time"

	"github.com/yuqing/yuqing/model"
)

// ProbeSourceID is the source id of items read by ProbeFeed.
const ProbeSourceID = "test"

// ProbeFeed fetches and parses one feed the way a poll would, without
// state: target is an http(s) or file URL, or a local file path. It backs
// "yuqing feeds test", which shows an operator what a new source yields.
// (It is not named TestFeed so that it is not taken for a Go test.)
func ProbeFeed(ctx context.Context, f *Fetcher, target string, now time.Time) ([]model.Item, error) {
	feedURL, err := probeURL(target)
	if err != nil {
		return nil, err
	}
	resp, err := f.Fetch(ctx, feedURL, Validators{})
	if err != nil {
		return nil, err
	}
	if resp.NotModified {
		return nil, fmt.Errorf("ingest: probe %s: server answered 304 Not Modified to an unconditional request", feedURL)
	}
	src := model.Source{ID: ProbeSourceID, Name: target, Kind: model.SourceFeed, URL: feedURL}
	return Parse(resp.Body, resp.ContentType, src, now)
}

// probeURL turns a target into a URL: URLs with a scheme are kept, anything
// else is a file path.
func probeURL(target string) (string, error) {
	if u, err := url.Parse(target); err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "file") {
		return target, nil
	}
	abs, err := filepath.Abs(target)
	if err != nil {
		return "", fmt.Errorf("ingest: probe %s: %w", target, err)
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String(), nil
}
