package report

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// legendEntry is one series named in a chart's legend.
type legendEntry struct {
	label  string
	thumbs []plot.Thumbnailer
}

// legendGap separates the title, the legend row and the plot.
const legendGap = 4 // points

// sideMargin keeps the longest names and the axis' end off the image's
// edges (the email clients show the PNG without a frame).
const sideMargin = 3 // points

// newChart wraps a plot as a chart. The plot's title moves to the chart:
// the chart draws it above the legend, which goes above the plot.
func newChart(name string, p *plot.Plot, w, h vg.Length, legend ...legendEntry) *Chart {
	ch := &Chart{Name: name, Title: p.Title.Text, titleStyle: p.Title.TextStyle, titlePad: p.Title.Padding,
		plot: p, legend: legend, w: w, h: h}
	if len(legend) > 0 {
		ch.h += legendRowHeight(p.Legend.TextStyle) + legendGap*3/2
	}
	p.Title.Text = ""
	return ch
}

// draw lays the chart out top-down: the title, the legend in one row
// under it, then the plot. gonum draws a legend inside the plotting area,
// where it covered the longest bars and the top of the trend lines.
func (ch *Chart) draw(c draw.Canvas) {
	c = draw.Crop(c, sideMargin, -sideMargin, 0, 0)
	if ch.Title != "" {
		sty := ch.titleStyle
		c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y + sty.FontExtents().Descent}, ch.Title)
		c.Max.Y -= sty.Rectangle(ch.Title).Size().Y + ch.titlePad
	}
	if len(ch.legend) > 0 {
		c.Max.Y -= legendGap / 2
		h := ch.drawLegend(c)
		c.Max.Y -= h + legendGap
	}
	ch.plot.Draw(c)
}

// drawLegend draws the entries side by side, centred at the top of c, and
// returns the height of the row. It places the text by its baseline and
// centres each swatch on the middle of a Chinese character (0.38 em above
// the baseline), so that both line up whatever the font's ascent: gonum
// centres on the font's box, which a CJK font makes much taller than its
// glyphs.
func (ch *Chart) drawLegend(c draw.Canvas) vg.Length {
	sty := ch.plot.Legend.TextStyle
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YBottom
	size, ascent := sty.Font.Size, sty.FontExtents().Ascent
	thumbW := ch.plot.Legend.ThumbnailWidth
	space := sty.Width(" ")
	var rowW vg.Length
	for i, e := range ch.legend {
		rowW += thumbW + space + sty.Width(e.label)
		if i > 0 {
			rowW += 3 * space
		}
	}
	baseline := c.Max.Y - size
	middle := baseline + 0.38*size
	x := c.Center().X - rowW/2
	for _, e := range ch.legend {
		icon := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: x, Y: middle - 0.4*size}, Max: vg.Point{X: x + thumbW, Y: middle + 0.4*size}}}
		for _, t := range e.thumbs {
			t.Thumbnail(&icon)
		}
		x += thumbW + space
		// gonum puts the baseline of bottom-aligned text at y-ascent+size.
		c.FillText(sty, vg.Point{X: x, Y: baseline + ascent - size}, e.label)
		x += sty.Width(e.label) + 3*space
	}
	return legendRowHeight(sty)
}

// legendRowHeight is the height of the legend row: a character and its
// descent.
func legendRowHeight(sty text.Style) vg.Length { return 1.2 * sty.Font.Size }
