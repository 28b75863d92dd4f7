package report

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// Without a CJK font the SVG is laid out with a Latin font and drawn by
// the browser with a Chinese one: a Chinese character must be measured
// one em wide, as the browser draws it, and Latin text as before.
func TestWideTextMeasuresAsBrowsersDraw(t *testing.T) {
	const size = 10
	c := NewCharts(nil)
	fnt := font.From(c.font, size)
	latin := func(s string) vg.Length {
		face := c.handler.Cache().Lookup(fnt, size)
		return face.Width(s)
	}
	tests := []struct {
		text string
		want vg.Length
	}{
		{"办事创业堵点痛点", 8 * size},
		{"11/23", latin("11/23")},
		{"Ⅱ级 重大", 4*size + latin(" ")},
		{"本周7条（新增）", 7*size + latin("7")},
		{"", 0},
	}
	for _, tt := range tests {
		w, _, _ := c.handler.Box(tt.text, fnt)
		if math.Abs(float64(w-tt.want)) > 1e-9 {
			t.Errorf("width of %q = %v, want %v", tt.text, w, tt.want)
		}
	}
	// A font with the glyphs measures them itself, kerning included.
	cjk := cjkCharts(t)
	cfnt := font.From(cjk.font, size)
	for _, s := range []string{"办事创业堵点痛点", "Ⅱ级 重大", "11/23"} {
		w, _, _ := cjk.handler.Box(s, cfnt)
		face := cjk.handler.Cache().Lookup(cfnt, size)
		if want := face.Width(s); w != want {
			t.Errorf("CJK font: width of %q = %v, want the font's %v", s, w, want)
		}
	}
}

// TestChartTextStaysOffTheData: legends sit between the title and the
// plot, not on the bars and lines, and the area names end left of the
// axis, with either font.
func TestChartTextStaysOffTheData(t *testing.T) {
	d := buildFixture(t, loadFixture(t), "")
	fonts := map[string]*Charts{"latin": NewCharts(nil)}
	if face, err := LoadCJKFont(""); err == nil {
		fonts["cjk"] = NewCharts(face)
	}
	for name, c := range fonts {
		areas, err := c.areaVolumes(d.Areas)
		if err != nil {
			t.Fatal(err)
		}
		trend, err := c.areaTrend(d.Areas[0], d.Period.From.Location())
		if err != nil {
			t.Fatal(err)
		}
		var areaNames []string
		for _, a := range d.Areas {
			areaNames = append(areaNames, a.Name)
		}
		checkLayout(t, name+"/areas", c, areas, []string{"本周", "上周"}, areaNames)
		checkLayout(t, name+"/trend", c, trend, []string{"信息量", "负面"}, nil)
	}
}

func checkLayout(t *testing.T, name string, c *Charts, ch *Chart, legend, categories []string) {
	t.Helper()
	var rec recorder.Canvas
	ch.draw(draw.NewCanvas(&rec, ch.w, ch.h))
	axisX, axisTop, axisLen := 0.0, 0.0, 0.0
	var texts []*recorder.FillString
	for _, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.Stroke:
			// The value axis of a vertical plot and the (invisible)
			// category axis of a horizontal one are the leftmost of the
			// longest vertical lines; grid lines are as long.
			if p := a.Path; len(p) == 2 && p[0].Pos.X == p[1].Pos.X {
				l := math.Abs(float64(p[1].Pos.Y - p[0].Pos.Y))
				if x := float64(p[0].Pos.X); l > axisLen+1e-9 || (math.Abs(l-axisLen) < 1e-9 && x < axisX) {
					axisX, axisTop, axisLen = x, float64(max(p[0].Pos.Y, p[1].Pos.Y)), l
				}
			}
		case *recorder.FillString:
			texts = append(texts, a)
		}
	}
	if axisLen == 0 {
		t.Fatalf("%s: no vertical axis drawn", name)
	}
	width := func(fs *recorder.FillString) float64 {
		return float64(text.Style{Font: fs.Font, Handler: c.handler}.Width(fs.String))
	}
	var legendX []float64
	for _, fs := range texts {
		switch {
		case slices.Contains(legend, fs.String):
			// Chinese glyphs reach 0.12 em below the baseline.
			if bottom := float64(fs.Point.Y - 0.12*fs.Size); bottom <= axisTop {
				t.Errorf("%s: legend %q reaches down to %.1f, into the plot (top %.1f)", name, fs.String, bottom, axisTop)
			}
			legendX = append(legendX, float64(fs.Point.X), float64(fs.Point.X)+width(fs))
		case slices.Contains(categories, fs.String):
			if right := float64(fs.Point.X) + width(fs); right > axisX-categoryGap {
				t.Errorf("%s: %q ends at %.1f, on the axis at %.1f", name, fs.String, right, axisX)
			}
		}
	}
	if len(legendX) != 2*len(legend) {
		t.Fatalf("%s: drew %d of the legend's %d labels", name, len(legendX)/2, len(legend))
	}
	// Side by side, each label clear of the next entry's swatch.
	for i := 2; i < len(legendX); i += 2 {
		if gap := legendX[i] - legendX[i-1]; gap < float64(ch.plot.Legend.ThumbnailWidth) {
			t.Errorf("%s: legend entries %d and %d are %.1f apart, less than a swatch", name, i/2, i/2+1, gap)
		}
	}
}
