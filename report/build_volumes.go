package report

import (
	"context"
	"fmt"
	"slices"

	"github.com/yuqing/yuqing/model"
)

// buildVolumes counts the week's and the previous week's items, overall
// and per area, and each area's days.
func (b *Builder) buildVolumes(ctx context.Context, d *Data, week Week, q model.StatsQuery) error {
	prev := q
	prev.From, prev.To = week.Prev().Start(), week.Prev().End()
	cur, err := b.o.Source.ReportTotals(ctx, q)
	if err != nil {
		return fmt.Errorf("report: count items: %w", err)
	}
	before, err := b.o.Source.ReportTotals(ctx, prev)
	if err != nil {
		return fmt.Errorf("report: count items of the previous week: %w", err)
	}
	d.Headline.Items, d.Headline.PrevItems = cur.Items, before.Items
	d.Headline.Change = change(cur.Items, before.Items)
	d.Headline.Negative = cur.Negative
	d.Headline.NegativeShare = share(cur.Negative, cur.Items)

	topics := b.areaTopics(q)
	prev.Topics = topics
	prevCounts, err := b.o.Source.ReportTopicCounts(ctx, prev)
	if err != nil {
		return fmt.Errorf("report: count areas of the previous week: %w", err)
	}
	areas := make([]Area, len(topics))
	for i, id := range topics {
		areas[i] = Area{Topic: id, Name: b.topicName(id), PrevItems: countOf(prevCounts, id).Items}
	}
	days := week.Days()
	for day := range 7 {
		dq := model.StatsQuery{From: days[day], To: days[day+1], Topics: topics}
		counts, err := b.o.Source.ReportTopicCounts(ctx, dq)
		if err != nil {
			return fmt.Errorf("report: count areas of %s: %w", days[day].Format("2006-01-02"), err)
		}
		for i := range areas {
			c := countOf(counts, areas[i].Topic)
			areas[i].Daily = append(areas[i].Daily, Day{Date: days[day].Format("2006-01-02"), Items: c.Items, Negative: c.Negative})
			areas[i].Items += c.Items
			areas[i].Negative += c.Negative
		}
	}
	for i := range areas {
		a := &areas[i]
		a.Change = change(a.Items, a.PrevItems)
		a.NegativeShare = share(a.Negative, a.Items)
		if a.Items > 0 {
			d.Headline.ActiveAreas++
		}
	}
	// Busiest first; the taxonomy's order among equals.
	slices.SortStableFunc(areas, func(x, y Area) int {
		switch {
		case x.Items != y.Items:
			return compareDesc(x.Items, y.Items)
		case x.PrevItems != y.PrevItems:
			return compareDesc(x.PrevItems, y.PrevItems)
		}
		return 0
	})
	d.Areas = areas
	return nil
}

// storyWorkers bounds the areas whose stories are read at once: each is a
// query of its own, and the store has a small pool of readers.
const storyWorkers = 3

// buildStories lists the top stories of each area that had items.
func (b *Builder) buildStories(ctx context.Context, d *Data, q model.StatsQuery, notes *noteList) error {
	var parts []func(context.Context) error
	slots := make(chan struct{}, storyWorkers)
	for i := range d.Areas {
		a := &d.Areas[i]
		a.Stories = []model.StorySummary{}
		if a.Items == 0 {
			continue
		}
		parts = append(parts, func(ctx context.Context) error {
			slots <- struct{}{}
			defer func() { <-slots }()
			stories, err := b.o.Source.TopicStories(ctx, a.Topic, q.From, q.To, b.o.TopStories)
			if err != nil {
				return fmt.Errorf("report: top stories of %s: %w", a.Topic, err)
			}
			if len(stories) > 0 {
				a.Stories = stories[:min(len(stories), b.o.TopStories)]
			}
			for i := range a.Stories {
				a.Stories[i].Links = otherArticles(a.Stories[i])
			}
			return nil
		})
	}
	err := runAll(ctx, parts)
	if isUnavailable(err) {
		notes.add("未列出重点事件：" + unavailableReason(err))
		for i := range d.Areas {
			d.Areas[i].Stories = []model.StorySummary{}
		}
		return nil
	}
	return err
}

func (b *Builder) topicName(id string) string {
	if t, ok := b.topics[id]; ok && t.Name != "" {
		return t.Name
	}
	return id
}

func countOf(counts []model.TopicCount, topic string) model.TopicCount {
	for _, c := range counts {
		if c.Topic == topic {
			return c
		}
	}
	return model.TopicCount{Topic: topic}
}

// change is the relative change from before to now; nil when before is 0.
func change(now, before int64) *float64 {
	if before == 0 {
		return nil
	}
	c := float64(now-before) / float64(before)
	return &c
}

// share is part/whole, 0 when whole is 0.
func share(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

func compareDesc[T int | int64 | float64](a, b T) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// otherArticles are the links of a story but its own headline article,
// which the report already shows as the story's title.
func otherArticles(s model.StorySummary) []model.Link {
	var out []model.Link
	for _, l := range s.Links {
		if l.URL != s.URL {
			out = append(out, l)
		}
	}
	return out
}
