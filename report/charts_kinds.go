package report

import (
	"fmt"
	"image/color"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// maxChartPlaces bounds the bars of the places chart; the table lists all.
const maxChartPlaces = 12

// ForReport returns the report's charts in the order the HTML shows them:
// volumes per area, one daily trend per active area, places, tiers.
func (c *Charts) ForReport(d *Data) ([]*Chart, error) {
	var out []*Chart
	add := func(ch *Chart, err error) error {
		if err == nil && ch != nil {
			out = append(out, ch)
		}
		return err
	}
	if err := add(c.areaVolumes(d.Areas)); err != nil {
		return nil, err
	}
	for _, a := range d.Areas {
		if a.Items == 0 {
			continue
		}
		if err := add(c.areaTrend(a, d.Period.From.Location())); err != nil {
			return nil, err
		}
	}
	if err := add(c.places(d.Places)); err != nil {
		return nil, err
	}
	if err := add(c.severity(d.Severity)); err != nil {
		return nil, err
	}
	return out, nil
}

// areaVolumes compares this week and last week per area, as horizontal
// bars so that the Chinese names read level; the busiest area on top.
func (c *Charts) areaVolumes(areas []Area) (*Chart, error) {
	if len(areas) == 0 {
		return nil, nil
	}
	n := len(areas)
	cur, prev := make(plotter.Values, n), make(plotter.Values, n)
	names := make([]string, n)
	largest := 0.0
	for i, a := range areas {
		j := n - 1 - i // gonum draws index 0 at the bottom
		cur[j], prev[j], names[j] = float64(a.Items), float64(a.PrevItems), a.Name
		largest = max(largest, cur[j], prev[j])
	}
	p := c.newPlot("各领域信息量（本周与上周）", true)
	width := vg.Points(6)
	bc, err := plotter.NewBarChart(cur, width)
	if err != nil {
		return nil, fmt.Errorf("report: chart areas: %w", err)
	}
	bp, err := plotter.NewBarChart(prev, width)
	if err != nil {
		return nil, fmt.Errorf("report: chart areas: %w", err)
	}
	bc.Horizontal, bp.Horizontal = true, true
	bc.Offset, bp.Offset = width/2, -width/2
	noBorder(bc, colorCurrent)
	noBorder(bp, colorPrevious)
	p.Add(bp, bc)
	p.NominalY(names...)
	roomForNames(&p.Y)
	p.Y.Min, p.Y.Max = -0.8, float64(n)-0.2
	valueRange(&p.X, largest)
	return newChart("areas", p, 6.5*vg.Inch, vg.Inch+vg.Length(n)*0.3*vg.Inch,
		legendEntry{"本周", []plot.Thumbnailer{bc}}, legendEntry{"上周", []plot.Thumbnailer{bp}}), nil
}

// areaTrend draws one area's items and negative items per day.
func (c *Charts) areaTrend(a Area, loc *time.Location) (*Chart, error) {
	p := c.newPlot(a.Name+" · 每日信息量", false)
	total, neg := make(plotter.XYs, len(a.Daily)), make(plotter.XYs, len(a.Daily))
	labels := make([]string, len(a.Daily))
	largest := 0.0
	for i, d := range a.Daily {
		total[i] = plotter.XY{X: float64(i), Y: float64(d.Items)}
		neg[i] = plotter.XY{X: float64(i), Y: float64(d.Negative)}
		labels[i] = dayLabel(d.Date, loc)
		largest = max(largest, float64(d.Items))
	}
	lt, pt, err := plotter.NewLinePoints(total)
	if err != nil {
		return nil, fmt.Errorf("report: chart trend of %s: %w", a.Topic, err)
	}
	ln, pn, err := plotter.NewLinePoints(neg)
	if err != nil {
		return nil, fmt.Errorf("report: chart trend of %s: %w", a.Topic, err)
	}
	styleLine(lt, pt, colorTotal, nil)
	styleLine(ln, pn, colorCurrent, []vg.Length{vg.Points(3), vg.Points(2)})
	p.Add(lt, pt, ln, pn)
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.5, float64(len(a.Daily))-0.5
	valueRange(&p.Y, largest)
	return newChart("trend-"+a.Topic, p, 3.2*vg.Inch, 1.9*vg.Inch,
		legendEntry{"信息量", []plot.Thumbnailer{lt, pt}}, legendEntry{"负面", []plot.Thumbnailer{ln, pn}}), nil
}

func styleLine(l *plotter.Line, s *plotter.Scatter, col color.Color, dashes []vg.Length) {
	l.Color = col
	l.Width = vg.Points(1.2)
	l.Dashes = dashes
	s.Color = col
	s.Shape = draw.CircleGlyph{}
	s.Radius = vg.Points(1.6)
}

// dayLabel turns 2026-11-23 into 11/23.
func dayLabel(date string, loc *time.Location) string {
	t, err := time.ParseInLocation("2006-01-02", date, loc)
	if err != nil {
		return date
	}
	return t.Format("1/2")
}

// places draws the items per place for the city and its counties.
func (c *Charts) places(places []Place) (*Chart, error) {
	var shown []Place
	for _, p := range places {
		if p.Level != "town" && len(shown) < maxChartPlaces {
			shown = append(shown, p)
		}
	}
	if len(shown) == 0 {
		return nil, nil
	}
	n := len(shown)
	vals, names := make(plotter.Values, n), make([]string, n)
	largest := 0.0
	for i, pl := range shown {
		vals[n-1-i], names[n-1-i] = float64(pl.Items), pl.Name
		largest = max(largest, float64(pl.Items))
	}
	p := c.newPlot("信息涉及地区", true)
	bc, err := plotter.NewBarChart(vals, vg.Points(9))
	if err != nil {
		return nil, fmt.Errorf("report: chart places: %w", err)
	}
	bc.Horizontal = true
	noBorder(bc, colorTotal)
	p.Add(bc)
	p.NominalY(names...)
	roomForNames(&p.Y)
	p.Y.Min, p.Y.Max = -0.8, float64(n)-0.2
	valueRange(&p.X, largest)
	return newChart("places", p, 6.5*vg.Inch, 0.9*vg.Inch+vg.Length(n)*0.24*vg.Inch), nil
}

// severity draws the cases per tier in the tiers' warning colours.
func (c *Charts) severity(tiers []Tier) (*Chart, error) {
	if len(tiers) == 0 {
		return nil, nil
	}
	p := c.newPlot("预警案件等级分布", false)
	names := make([]string, len(tiers))
	largest := 0.0
	for i, t := range tiers {
		names[i] = tierLabel(t)
		bc, err := plotter.NewBarChart(plotter.Values{float64(t.Cases)}, vg.Points(28))
		if err != nil {
			return nil, fmt.Errorf("report: chart tiers: %w", err)
		}
		bc.XMin = float64(i)
		col, ok := tierColors[t.Color]
		if !ok {
			col = colorPrevious
		}
		noBorder(bc, col)
		p.Add(bc)
		largest = max(largest, float64(t.Cases))
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.6, float64(len(tiers))-0.4
	valueRange(&p.Y, largest)
	return newChart("severity", p, 4.2*vg.Inch, 2.2*vg.Inch), nil
}

// tierLabel is e.g. "Ⅱ级 重大"; unassessed cases are "未评估".
func tierLabel(t Tier) string {
	if t.Severity.Roman() == "" {
		return t.Name
	}
	return t.Severity.Roman() + "级 " + t.Name
}
