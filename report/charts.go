package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Charts draws the report's charts with gonum/plot: static SVG for the
// browser and PDF, PNG for email, where no client runs JavaScript and few
// show SVG. It is immutable and safe for concurrent use.
type Charts struct {
	handler text.Handler
	font    font.Font
	// cjk is set when the font has Chinese glyphs. Without one, SVG still
	// shows Chinese (the viewer draws the text with its own fonts; only
	// the layout's widths are estimated) but PNG would draw boxes.
	cjk bool
}

// chartTypeface is the name the charts' font is registered under in their
// own font cache (gonum's default cache is package state: not used).
const chartTypeface = "yuqing"

// NewCharts draws labels with face, a CJK font (see LoadCJKFont). A nil
// face lays text out with a Latin font: SVG charts stay readable in a
// browser, PNG charts are not offered (CanRaster is false).
func NewCharts(face *opentype.Font) *Charts {
	f := font.Font{Typeface: chartTypeface}
	c := &Charts{font: f, cjk: face != nil}
	coll := font.Collection{{Font: f, Face: face}}
	if face == nil {
		for _, lf := range liberation.Collection() {
			if lf.Font.Variant == "Sans" && lf.Font.Style == 0 && lf.Font.Weight == 0 {
				coll[0].Face = lf.Face
			}
		}
	}
	c.handler = wideText{text.Plain{Fonts: font.NewCache(coll)}}
	return c
}

// CanRaster reports whether PNG charts show Chinese text.
func (c *Charts) CanRaster() bool { return c.cjk }

// Chart is one drawn chart.
type Chart struct {
	Name       string // stable id, e.g. "areas", "trend-real_estate"
	Title      string
	titleStyle text.Style
	titlePad   vg.Length
	plot       *plot.Plot
	legend     []legendEntry
	w, h       vg.Length
}

// SVG renders the chart as an <svg> element (no XML prolog), to be
// inlined in HTML.
func (ch *Chart) SVG() ([]byte, error) {
	c := vgsvg.NewWith(vgsvg.UseWH(ch.w, ch.h))
	ch.draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("report: draw chart %s as SVG: %w", ch.Name, err)
	}
	out := buf.Bytes()
	if i := bytes.Index(out, []byte("<svg")); i >= 0 {
		out = out[i:]
	}
	label := ` role="img" aria-label="` + strings.NewReplacer(`"`, "", "<", "", "&", "").Replace(ch.Title) + `"`
	return append([]byte("<svg"+label), out[len("<svg"):]...), nil
}

// PixelWidth is the chart's width in CSS pixels (96 to the inch).
func (ch *Chart) PixelWidth() int { return int(math.Round(float64(ch.w / vg.Inch * 96))) }

// PNG renders the chart as a PNG image at dpi dots per inch.
func (ch *Chart) PNG(dpi int) ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(ch.w, ch.h), vgimg.UseDPI(dpi))
	ch.draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("report: draw chart %s as PNG: %w", ch.Name, err)
	}
	return buf.Bytes(), nil
}

// Colours of the charts: a restrained palette that prints in grey too.
var (
	colorCurrent  = color.RGBA{R: 0xb8, G: 0x1d, B: 0x24, A: 0xff} // this week: 中国红
	colorPrevious = color.RGBA{R: 0x9a, G: 0xa9, B: 0xb8, A: 0xff} // last week
	colorTotal    = color.RGBA{R: 0x2f, G: 0x45, B: 0x54, A: 0xff}
	colorGrid     = color.RGBA{R: 0xdd, G: 0xdd, B: 0xdd, A: 0xff}
	tierColors    = map[string]color.Color{
		"红": color.RGBA{R: 0xd7, G: 0x19, B: 0x1c, A: 0xff},
		"橙": color.RGBA{R: 0xf4, G: 0x7a, B: 0x20, A: 0xff},
		"黄": color.RGBA{R: 0xe8, G: 0xb9, B: 0x1a, A: 0xff},
		"蓝": color.RGBA{R: 0x2c, G: 0x7b, B: 0xb6, A: 0xff},
	}
)

// newPlot makes a plot whose every text uses the charts' own font, with
// grid lines across the value axis: vertical ones for horizontal bars.
func (c *Charts) newPlot(title string, horizontalBars bool) *plot.Plot {
	p := plot.New()
	p.TextHandler = c.handler
	style := func(s *text.Style, size vg.Length) {
		s.Handler = c.handler
		s.Font = font.From(c.font, size)
	}
	p.Title.Text = title
	style(&p.Title.TextStyle, 12)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		style(&a.Label.TextStyle, 9)
		style(&a.Tick.Label, 8)
		a.Tick.Marker = integerTicks{}
		a.LineStyle.Width = vg.Points(0.5)
	}
	style(&p.Legend.TextStyle, 8)
	p.Legend.ThumbnailWidth = vg.Points(12)
	grid := draw.LineStyle{Color: colorGrid, Width: vg.Points(0.4)}
	if horizontalBars {
		p.Add(&plotter.Grid{Vertical: grid})
	} else {
		p.Add(&plotter.Grid{Horizontal: grid})
	}
	return p
}

// integerTicks labels whole numbers only, at a round step (1, 2, 5, 10,
// 20, 50 …) giving at most five labels: counts have no halves.
type integerTicks struct{}

func (integerTicks) Ticks(lo, hi float64) []plot.Tick {
	step := 1.0
	for mult := 0; (hi-lo)/step > 5; mult++ {
		step = []float64{2, 5, 10}[mult%3] * math.Pow(10, float64(mult/3))
	}
	var out []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		out = append(out, plot.Tick{Value: v, Label: strconv.FormatInt(int64(v), 10)})
	}
	return out
}

// categoryGap is the room between the names on the category axis of a
// horizontal bar chart and the bars.
const categoryGap = 6 // points

// roomForNames sets the category axis of a horizontal bar chart apart
// from its bars. gonum leaves one space there, which with a CJK font's
// narrow space made the names touch the bars; an invisible tick mark
// reserves the room.
func roomForNames(a *plot.Axis) {
	a.Tick.Length = vg.Points(categoryGap)
	a.Tick.Width = vg.Points(0.1)
	a.Tick.Color = color.Transparent
}

func noBorder(b *plotter.BarChart, fill color.Color) {
	b.Color = fill
	b.LineStyle.Width = 0
}

// valueRange sets the count axis from 0 to a little above the largest
// value, so that the longest bar or the highest point stays clear of the
// plot's edge (the legend is outside the plot).
func valueRange(a *plot.Axis, largest float64) {
	a.Min = 0
	a.Max = math.Max(1, largest) * 1.1
}
