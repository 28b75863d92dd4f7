package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/yuqing/yuqing/analyze"
	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

var (
	_ analyze.StoryStore = (*store.Store)(nil)
	_ analyze.SurgeStore = (*store.Store)(nil)
)

// member makes a story member whose signature is sig repeated and whose
// bands are the given hashes: the store treats both as opaque, so tests
// choose them to steer the candidate search.
func member(id, source string, at time.Time, sig byte, bands ...int64) model.StoryMember {
	return model.StoryMember{ItemID: id, SourceID: source, Title: "标题" + id, URL: "https://example.org/" + id,
		At: at, Signature: bytes.Repeat([]byte{sig}, 8), Bands: bands}
}

// sameSignature accepts candidates whose signature equals want.
func sameSignature(want byte) func([]byte) bool {
	return func(b []byte) bool { return len(b) > 0 && b[0] == want }
}

func testAssignStory(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	week := t0.Add(-7 * 24 * time.Hour)
	type step struct {
		m         model.StoryMember
		match     byte
		wantStory string // item id of the story's first article
		articles  int
		sources   int
		isNew     bool
	}
	steps := []step{
		{member("a", "xnnews", t0, 1, 11, 12), 1, "a", 1, 1, true},
		// A reprint on another source: shares band 12, signature accepted.
		{member("b", "hbgov", t0.Add(time.Hour), 1, 99, 12), 1, "a", 2, 2, false},
		// Another article of the same source: articles grow, sources not.
		{member("c", "xnnews", t0.Add(2*time.Hour), 1, 11, 98), 1, "a", 3, 2, false},
		// Shares a band but the signature is rejected: a new story.
		{member("d", "weibo", t0.Add(3*time.Hour), 2, 11, 12), 2, "d", 1, 1, true},
		// No shared band: never compared, a new story.
		{member("e", "weibo", t0.Add(4*time.Hour), 1, 55, 56), 1, "e", 1, 1, true},
		// Too short to compare (no signature): a story of its own.
		{model.StoryMember{ItemID: "f", SourceID: "weibo", At: t0}, 1, "f", 1, 1, true},
		// Redelivered: the same story, nothing counted twice.
		{member("b", "hbgov", t0.Add(time.Hour), 1, 99, 12), 1, "a", 3, 2, false},
	}
	for i, st := range steps {
		got, err := s.AssignStory(ctx, st.m, week, sameSignature(st.match))
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		want := model.StorySpread{StoryID: model.NewStoryID(st.wantStory), Articles: st.articles, Sources: st.sources,
			FirstSeen: t0, New: st.isNew}
		if st.wantStory == "d" {
			want.FirstSeen = t0.Add(3 * time.Hour)
		}
		if st.wantStory == "e" {
			want.FirstSeen = t0.Add(4 * time.Hour)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("step %d (%s): AssignStory() = %+v, want %+v", i, st.m.ItemID, got, want)
		}
	}
	// An article earlier than the story's first makes it start earlier.
	early := member("g", "cctv", t0.Add(-time.Hour), 1, 11, 12)
	got, err := s.AssignStory(ctx, early, week, sameSignature(1))
	if err != nil || got.StoryID != model.NewStoryID("a") || !got.FirstSeen.Equal(t0.Add(-time.Hour)) || got.Sources != 3 {
		t.Errorf("early article: %+v, %v", got, err)
	}
	// A story whose last article is before since cannot be joined.
	late := member("h", "cctv", t0.Add(30*24*time.Hour), 1, 11, 12)
	got, err = s.AssignStory(ctx, late, t0.Add(20*24*time.Hour), sameSignature(1))
	if err != nil || got.StoryID != model.NewStoryID("h") || !got.New {
		t.Errorf("article after the window: %+v, %v", got, err)
	}
	links, err := s.StoryLinks(ctx, model.NewStoryID("a"), 10)
	if err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, l := range links {
		sources = append(sources, l.Source)
	}
	if want := []string{"cctv", "xnnews", "hbgov", "xnnews"}; !reflect.DeepEqual(sources, want) {
		t.Errorf("StoryLinks() sources = %v, want %v (first of each source by time, then the rest)", sources, want)
	}
	if title, err := s.StoryTitle(ctx, model.NewStoryID("a")); err != nil || title != "标题a" {
		t.Errorf("StoryTitle() = %q, %v", title, err)
	}
	if _, err := s.StorySpread(ctx, "nope"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("StorySpread(unknown) = %v, want ErrNotFound", err)
	}
	if _, err := s.AssignStory(ctx, model.StoryMember{}, week, sameSignature(1)); err == nil {
		t.Error("AssignStory without an item id succeeded")
	}
}

// Near-copies assigned at the same moment by several workers end in one
// story with every article counted once.
func testConcurrentAssignStory(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	if _, err := s.AssignStory(ctx, member("first", "s0", t0, 1, 7), t0.Add(-time.Hour), sameSignature(1)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		for range 2 { // each article twice: a redelivery racing the first delivery
			wg.Go(func() {
				m := member(fmt.Sprintf("copy%d", i), fmt.Sprintf("s%d", i%5), t0.Add(time.Minute), 1, 7)
				if _, err := s.AssignStory(ctx, m, t0.Add(-time.Hour), sameSignature(1)); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	sp, err := s.StorySpread(ctx, model.NewStoryID("first"))
	if err != nil || sp.Articles != 21 || sp.Sources != 5 {
		t.Errorf("StorySpread() = %+v, %v; want 21 articles from 5 sources", sp, err)
	}
}

func tagged(id, source string, at time.Time, sev model.Severity, topics []string, regions ...string) model.TaggedItem {
	an := model.Analysis{Severity: sev, Regions: regions}
	for _, tp := range topics {
		an.Topics = append(an.Topics, model.TopicMatch{ID: tp, Name: tp, Score: 1, Terms: []string{"词"}})
	}
	return model.TaggedItem{Item: model.Item{ID: id, SourceID: source, Title: "标题" + id, URL: "https://example.org/" + id,
		PublishedAt: at}, Analysis: an}
}

func testTopStories(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	day := 24 * time.Hour
	type art struct {
		id, source string
		at         time.Time
		sig        byte
		sev        model.Severity
		topics     []string
		regions    []string
	}
	arts := []art{
		// Story A: 3 articles, 3 sources, housing in 通城县, one of them Ⅲ.
		{"a1", "x", t0, 1, model.SeverityIV, []string{"real_estate"}, []string{"通城县"}},
		{"a2", "y", t0.Add(time.Hour), 1, model.SeverityIII, []string{"real_estate", "work_safety"}, []string{"通城县"}},
		{"a3", "z", t0.Add(2 * time.Hour), 1, model.SeverityIV, []string{"real_estate"}, nil},
		// Story B: 3 articles from 2 sources, education.
		{"b1", "x", t0, 2, model.SeverityIV, []string{"education"}, nil},
		{"b2", "x", t0.Add(time.Hour), 2, model.SeverityIV, []string{"education"}, nil},
		{"b3", "y", t0.Add(time.Hour), 2, model.SeverityIV, []string{"education"}, nil},
		// Story C: 2 articles, 2 sources, housing; one falls outside the period.
		{"c1", "x", t0.Add(-2 * day), 3, model.SeverityIV, []string{"real_estate"}, nil},
		{"c2", "y", t0.Add(3 * time.Hour), 3, model.SeverityIV, []string{"real_estate"}, nil},
		// Story D: before the period.
		{"d1", "x", t0.Add(-3 * day), 4, model.SeverityI, []string{"real_estate"}, nil},
	}
	for _, a := range arts {
		m := member(a.id, a.source, a.at, a.sig, int64(a.sig))
		if _, err := s.AssignStory(ctx, m, t0.Add(-30*day), sameSignature(a.sig)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveTagged(ctx, tagged(a.id, a.source, a.at, a.sev, a.topics, a.regions...)); err != nil {
			t.Fatal(err)
		}
	}
	from, to := t0.Add(-time.Hour), t0.Add(day)
	got, err := s.TopStories(ctx, store.StoryQuery{From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, st := range got {
		order = append(order, st.Title)
	}
	if want := []string{"标题a1", "标题b1", "标题c1"}; !reflect.DeepEqual(order, want) {
		t.Fatalf("TopStories() order = %v, want %v (sources, then articles; D is outside)", order, want)
	}
	a := got[0]
	want := model.StorySummary{StoryID: model.NewStoryID("a1"), Title: "标题a1", URL: "https://example.org/a1",
		Topics: []string{"real_estate", "work_safety"}, Regions: []string{"通城县"}, Severity: model.SeverityIII,
		Articles: 3, Sources: 3, FirstSeen: t0,
		Links: []model.Link{{Source: "x", Title: "标题a1", URL: "https://example.org/a1"},
			{Source: "y", Title: "标题a2", URL: "https://example.org/a2"}, {Source: "z", Title: "标题a3", URL: "https://example.org/a3"}}}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("TopStories()[0] =\n%+v\nwant\n%+v", a, want)
	}
	if c := got[2]; c.Articles != 1 || c.Sources != 1 || !c.FirstSeen.Equal(t0.Add(-2*day)) {
		t.Errorf("story C counts only its article in the period but keeps its first sight: %+v", c)
	}
	housing, err := s.TopStories(ctx, store.StoryQuery{Topic: "real_estate", From: from, To: to, Limit: 1})
	if err != nil || len(housing) != 1 || housing[0].Title != "标题a1" {
		t.Errorf("TopStories(real_estate, limit 1) = %+v, %v", housing, err)
	}
	none, err := s.TopStories(ctx, store.StoryQuery{Topic: "ecology", From: from, To: to})
	if err != nil || len(none) != 0 {
		t.Errorf("TopStories(ecology) = %+v, %v; want none", none, err)
	}
	whole, err := s.Story(ctx, model.NewStoryID("c1"))
	if err != nil || whole.Articles != 2 || whole.Sources != 2 || len(whole.Links) != 2 {
		t.Errorf("Story(C) = %+v, %v; want its whole life", whole, err)
	}
}

func testSurgeCounts(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	from := t0
	for i, at := range []time.Duration{0, 10 * time.Minute, 70 * time.Minute, 150 * time.Minute, 179 * time.Minute, 200 * time.Minute} {
		id := fmt.Sprintf("i%d", i)
		if _, err := s.SaveTagged(ctx, tagged(id, "x", from.Add(at), model.SeverityIV, []string{"real_estate"})); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AssignStory(ctx, member(id, "x", from.Add(at), 1, 1), from.Add(-time.Hour), sameSignature(1)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.TopicCounts(ctx, from, from.Add(3*time.Hour), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string][]int{"real_estate": {2, 1, 2}}; !reflect.DeepEqual(got, want) {
		t.Errorf("TopicCounts() = %v, want %v", got, want)
	}
	stories, err := s.StoryCounts(ctx, from, from.Add(3*time.Hour), time.Hour, from.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string][]int{model.NewStoryID("i0"): {2, 1, 2}}; !reflect.DeepEqual(stories, want) {
		t.Errorf("StoryCounts() = %v, want %v", stories, want)
	}
	quiet, err := s.StoryCounts(ctx, from, from.Add(3*time.Hour), time.Hour, from.Add(5*time.Hour))
	if err != nil || len(quiet) != 0 {
		t.Errorf("StoryCounts(no recent activity) = %v, %v; want none", quiet, err)
	}
	sg := model.Surge{ID: "topic:real_estate:hour:1", Scope: model.SurgeTopic, Key: "real_estate", Window: model.SurgeHour,
		Start: from, Count: 9, Threshold: 5, DetectedAt: from}
	if seen, err := s.SurgeSeen(ctx, sg.ID); err != nil || seen {
		t.Fatalf("SurgeSeen() before marking = %v, %v", seen, err)
	}
	for range 2 {
		if err := s.MarkSurge(ctx, sg); err != nil {
			t.Fatal(err)
		}
	}
	if seen, err := s.SurgeSeen(ctx, sg.ID); err != nil || !seen {
		t.Errorf("SurgeSeen() after marking = %v, %v", seen, err)
	}
	if _, err := s.TopicCounts(ctx, from, from, time.Hour); err == nil {
		t.Error("TopicCounts over an empty period succeeded")
	}
}
