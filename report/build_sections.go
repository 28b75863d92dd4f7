package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// buildPlaces counts the items that mention each place of the gazetteer.
// The city and its counties are always listed; towns when mentioned.
func (b *Builder) buildPlaces(ctx context.Context, d *Data, q model.StatsQuery) error {
	names := make([]string, len(b.o.Places))
	for i, p := range b.o.Places {
		names[i] = p.Name
	}
	counts, err := b.o.Source.ReportRegionCounts(ctx, q, names)
	if err != nil {
		return fmt.Errorf("report: count places: %w", err)
	}
	byName := make(map[string]int64, len(counts))
	for _, c := range counts {
		byName[c.Region] = c.Items
	}
	places := []Place{}
	for _, p := range b.o.Places {
		n := byName[p.Name]
		if p.Level == config.PlaceTown && n == 0 {
			continue
		}
		places = append(places, Place{Name: p.Name, Level: p.Level, Items: n})
	}
	slices.SortStableFunc(places, func(x, y Place) int {
		if c := cmp.Compare(levelRank(x.Level), levelRank(y.Level)); c != 0 {
			return c
		}
		return compareDesc(x.Items, y.Items)
	})
	d.Places = places
	return nil
}

func levelRank(level string) int {
	switch level {
	case config.PlaceCity:
		return 0
	case config.PlaceCounty:
		return 1
	}
	return 2
}

// buildSeverity lists the four tiers, and the cases not assessed if any.
func (b *Builder) buildSeverity(ctx context.Context, d *Data, q model.StatsQuery) error {
	counts, err := b.o.Source.ReportSeverityCounts(ctx, q)
	if err != nil {
		return fmt.Errorf("report: count cases by severity: %w", err)
	}
	tiers := make([]Tier, 0, 5)
	for _, s := range []model.Severity{model.SeverityI, model.SeverityII, model.SeverityIII, model.SeverityIV, model.SeverityNone} {
		t := Tier{Severity: s, Name: s.Name(), Color: s.Color()}
		for _, c := range counts {
			if c.Severity == s {
				t.Cases, t.Events = c.Cases, c.Events
			}
		}
		if s == model.SeverityNone && t.Cases == 0 {
			continue
		}
		tiers = append(tiers, t)
	}
	d.Severity = tiers
	return nil
}

// buildTimeliness reads the case ledger's figures and works out the rates.
func (b *Builder) buildTimeliness(ctx context.Context, d *Data, q model.StatsQuery, notes *noteList) error {
	d.Timeliness = Timeliness{Departments: []DepartmentTimeliness{}}
	rows, err := b.o.Source.Timeliness(ctx, q.From, q.To)
	if isUnavailable(err) {
		notes.add("未统计回应时效：" + unavailableReason(err))
		return nil
	}
	if err != nil {
		return fmt.Errorf("report: read timeliness: %w", err)
	}
	var total model.Timeliness
	var signWeighted, respondWeighted time.Duration
	for _, t := range rows {
		if q.Department != "" && t.Department != q.Department {
			continue
		}
		if t.DepartmentName == "" {
			t.DepartmentName = b.depts[t.Department].Name
		}
		d.Timeliness.Departments = append(d.Timeliness.Departments, rated(t))
		total.Cases += t.Cases
		total.Signed += t.Signed
		total.Responded += t.Responded
		total.FalseAlarms += t.FalseAlarms
		total.OnTime += t.OnTime
		total.Overdue += t.Overdue
		signWeighted += t.MeanTimeToSign * time.Duration(t.Signed)
		respondWeighted += t.MeanTimeToRespond * time.Duration(t.Responded)
	}
	if total.Signed > 0 {
		total.MeanTimeToSign = signWeighted / time.Duration(total.Signed)
	}
	if total.Responded > 0 {
		total.MeanTimeToRespond = respondWeighted / time.Duration(total.Responded)
	}
	total.DepartmentName = "合计"
	d.Timeliness.Total = rated(total)
	slices.SortStableFunc(d.Timeliness.Departments, func(x, y DepartmentTimeliness) int {
		if x.Cases != y.Cases {
			return compareDesc(x.Cases, y.Cases)
		}
		return cmp.Compare(x.Department, y.Department)
	})
	return nil
}

// rated adds the plan's rates. Cases judged false alarms are owed no
// response and do not count.
func rated(t model.Timeliness) DepartmentTimeliness {
	r := DepartmentTimeliness{Timeliness: t}
	owed := t.Cases - t.FalseAlarms
	if owed > 0 {
		onTime := min(1, float64(t.OnTime)/float64(owed))
		responded := min(1, float64(t.Responded)/float64(owed))
		r.OnTimeRate, r.ResponseRate = &onTime, &responded
	}
	return r
}

// buildSilent lists the active sources that delivered nothing in the week
// or were failing at its end. Health is the source's current state, so for
// an old week the failures shown are today's.
func (b *Builder) buildSilent(ctx context.Context, d *Data, q model.StatsQuery) error {
	d.Silent = []SilentSource{}
	if q.Department != "" {
		return nil
	}
	acts, err := b.o.Source.ReportSourceActivity(ctx, q.From, q.To)
	if err != nil {
		return fmt.Errorf("report: read source activity: %w", err)
	}
	for _, a := range acts {
		failing := a.Health.ConsecutiveFailures > 0 && !a.Health.LastErrorAt.Before(q.From)
		if !a.Active || (a.Items > 0 && !failing) {
			continue
		}
		s := SilentSource{Source: a.SourceID, Name: a.Name, Items: a.Items, LastItemAt: a.LastItemAt}
		if s.Name == "" {
			s.Name = a.SourceID
		}
		if failing {
			s.Failures, s.LastError = a.Health.ConsecutiveFailures, a.Health.LastError
		}
		s.Reason = silentReason(s, b.o.Location)
		d.Silent = append(d.Silent, s)
	}
	return nil
}

func silentReason(s SilentSource, loc *time.Location) string {
	var why string
	switch {
	case s.Items > 0:
		why = fmt.Sprintf("本周收到%d条", s.Items)
	case s.LastItemAt.IsZero():
		why = "从未收到信息"
	default:
		why = "本周无新信息，最近一条为" + s.LastItemAt.In(loc).Format("2006年1月2日")
	}
	if s.Failures > 0 {
		why += fmt.Sprintf("；抓取连续失败%d次", s.Failures)
	}
	return why
}

// finishHeadline fills the figures that come from the other sections.
func (b *Builder) finishHeadline(d *Data) {
	h := &d.Headline
	for _, t := range d.Severity {
		h.Cases += t.Cases
		h.Events += t.Events
		if t.Severity.AtLeast(model.SeverityII) {
			h.Major += t.Events
		}
	}
	h.OnTimeRate = d.Timeliness.Total.OnTimeRate
	h.ResponseRate = d.Timeliness.Total.ResponseRate
	h.Overdue = d.Timeliness.Total.Overdue
	h.SilentSources = len(d.Silent)
	for i := range d.Places {
		d.Places[i].Share = share(d.Places[i].Items, h.Items)
	}
}
