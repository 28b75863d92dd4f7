package report

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// Options configure a Builder.
type Options struct {
	Source Source
	// Segmenter finds the emerging words; nil leaves them out (noted).
	Segmenter Segmenter
	// Topics are the hot-topic areas, in the taxonomy's order.
	Topics []config.Topic
	// Places is the gazetteer: the places counted, with their levels.
	Places []config.Place
	// Departments name the departments of timeliness rows and scopes.
	Departments []config.Department
	// DepartmentTopics overrides, per department code, the areas of a
	// department's report (default: the topics naming the department in
	// the taxonomy; a department naming none sees every area).
	DepartmentTopics map[string][]string
	// Area is the city in the title, e.g. 咸宁市; Issuer the office that
	// issues the report.
	Area, Issuer string
	// Location is the time zone of weeks and days (nil: Shanghai()).
	Location *time.Location
	Now      func() time.Time
	Logger   *slog.Logger
	// TopStories per area (default 5), EmergingWords listed (default 20),
	// TitleSample titles per week segmented for them (default 20,000).
	TopStories, EmergingWords, TitleSample int
}

// Builder builds reports. It is safe for concurrent use.
type Builder struct {
	o      Options
	topics map[string]config.Topic
	depts  map[string]config.Department
}

// NewBuilder checks the options and fills in the defaults.
func NewBuilder(o Options) (*Builder, error) {
	if o.Source == nil {
		return nil, errors.New("report: new builder: no source")
	}
	if o.Location == nil {
		o.Location = Shanghai()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.Logger = o.Logger.With("component", "report")
	o.TopStories = cmp.Or(o.TopStories, 5)
	o.EmergingWords = cmp.Or(o.EmergingWords, 20)
	o.TitleSample = cmp.Or(o.TitleSample, 20000)
	b := &Builder{o: o, topics: map[string]config.Topic{}, depts: map[string]config.Department{}}
	for _, t := range o.Topics {
		b.topics[t.ID] = t
	}
	for _, d := range o.Departments {
		b.depts[d.Code] = d
	}
	return b, nil
}

// Request says which report to build.
type Request struct {
	Week Week
	// Department is the code of the department whose report it is; empty
	// builds the city-wide report.
	Department string
}

// Build reads what the report needs and returns it. Parts the source
// cannot provide (ErrUnavailable) are noted in Data.Notes; any other
// error fails the build.
func (b *Builder) Build(ctx context.Context, req Request) (*Data, error) {
	start := b.o.Now()
	week := req.Week
	if week.Loc == nil {
		week.Loc = b.o.Location
	}
	d := &Data{
		Title:       b.title(),
		Area:        b.o.Area,
		Issuer:      b.o.Issuer,
		Period:      Period{Week: week.String(), Year: week.Year, Num: week.Num, From: week.Start(), To: week.End()},
		GeneratedAt: start,
	}
	scope, err := b.scope(req.Department)
	if err != nil {
		return nil, err
	}
	d.Scope = scope
	q := model.StatsQuery{From: week.Start(), To: week.End(), Topics: scope.Topics, Department: scope.Department}
	// The parts are independent: run the SQL and the segmentation side by
	// side (SQLite reads have a pool of their own).
	var notes noteList
	parts := []func(context.Context) error{
		func(ctx context.Context) error { return b.buildVolumes(ctx, d, week, q) },
		func(ctx context.Context) error { return b.buildPlaces(ctx, d, q) },
		func(ctx context.Context) error { return b.buildSeverity(ctx, d, q) },
		func(ctx context.Context) error { return b.buildTimeliness(ctx, d, q, &notes) },
		func(ctx context.Context) error { return b.buildEmerging(ctx, d, week, q, &notes) },
		func(ctx context.Context) error { return b.buildSilent(ctx, d, q) },
	}
	if err := runAll(ctx, parts); err != nil {
		return nil, err
	}
	if err := b.buildStories(ctx, d, q, &notes); err != nil {
		return nil, err
	}
	b.finishHeadline(d)
	d.Notes = notes.sorted()
	b.o.Logger.Info("report built", "week", d.Period.Week, "scope", scope.Department,
		"items", d.Headline.Items, "took", b.o.Now().Sub(start).String())
	return d, nil
}

func (b *Builder) title() string {
	return b.o.Area + "舆情周报"
}

// scope resolves a department code into the areas of its report.
func (b *Builder) scope(code string) (Scope, error) {
	if code == "" {
		return Scope{}, nil
	}
	dept, ok := b.depts[code]
	if !ok {
		return Scope{}, fmt.Errorf("report: department %q is not defined", code)
	}
	s := Scope{Department: code, Name: dept.Name}
	if topics, ok := b.o.DepartmentTopics[code]; ok {
		s.Topics = slices.Clone(topics)
		return s, nil
	}
	for _, t := range b.o.Topics {
		if slices.Contains(t.Departments, code) {
			s.Topics = append(s.Topics, t.ID)
		}
	}
	return s, nil
}

// areaTopics are the topics whose areas the report lists.
func (b *Builder) areaTopics(q model.StatsQuery) []string {
	if len(q.Topics) > 0 {
		return q.Topics
	}
	ids := make([]string, len(b.o.Topics))
	for i, t := range b.o.Topics {
		ids[i] = t.ID
	}
	return ids
}

// runAll runs the parts concurrently and returns the first error; the
// others are cancelled.
func runAll(ctx context.Context, parts []func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, part := range parts {
		wg.Go(func() {
			if errs[i] = part(ctx); errs[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	return errors.Join(errs...)
}

// noteList collects the Chinese notes of parts running concurrently.
type noteList struct {
	mu    sync.Mutex
	notes []string
}

func (n *noteList) add(note string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.notes = append(n.notes, note)
}

func (n *noteList) sorted() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	slices.Sort(n.notes)
	return n.notes
}
