package report

import (
	"math"
	"strings"
	"unicode/utf8"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/width"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// wideText is gonum's plain text handler, except that it measures a
// character its font has no glyph for as a browser would draw it: a
// Chinese character one em wide, not the width of the font's "missing"
// box. Without a CJK font the SVG charts are laid out with a Latin font
// and drawn by the browser in its own CJK font; measured with the Latin
// font's box, 办事创业堵点痛点 came out a third too narrow, so the names
// ran into the bars and the legend's words into their swatches. With a
// CJK font every glyph is there and nothing changes.
type wideText struct {
	text.Plain
}

var _ text.Handler = wideText{}

// Box is text.Plain.Box with the width measured as above.
func (h wideText) Box(txt string, fnt font.Font) (w, ht, depth vg.Length) {
	face := h.Fonts.Lookup(fnt, fnt.Size)
	ext := face.Extents()
	return h.width(face, txt), ext.Ascent, ext.Descent
}

// Draw is text.Plain.Draw with the width measured as above: alignment
// (right-aligned axis labels, centred titles) depends on it.
func (h wideText) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	txt = strings.TrimRight(txt, "\n")
	if txt == "" {
		return
	}
	face := h.Fonts.Lookup(sty.Font, sty.Font.Size)
	c.SetColor(sty.Color)
	if sty.Rotation != 0 {
		c.Push()
		c.Rotate(sty.Rotation)
	}
	sin64, cos64 := math.Sincos(sty.Rotation)
	cos, sin := vg.Length(cos64), vg.Length(sin64)
	pt.X, pt.Y = pt.Y*sin+pt.X*cos, pt.Y*cos-pt.X*sin
	lines := h.Lines(txt)
	pt.Y += sty.Height(txt)*vg.Length(sty.YAlign) - face.Extents().Ascent
	for i, line := range lines {
		xoffs := vg.Length(sty.XAlign) * h.width(face, line)
		n := vg.Length(len(lines) - i)
		c.FillString(face, pt.Add(vg.Point{X: xoffs, Y: n * sty.Font.Size}), line)
	}
	if sty.Rotation != 0 {
		c.Pop()
	}
}

// width measures txt in face, counting each wide character the face
// lacks as one em.
func (h wideText) width(face font.Face, txt string) vg.Length {
	var buf sfnt.Buffer
	missing := func(r rune) bool {
		g, err := face.Face.GlyphIndex(&buf, r)
		return (err != nil || g == 0) && isWide(r)
	}
	if !strings.ContainsFunc(txt, missing) {
		return face.Width(txt) // the common case, kerning included
	}
	var w vg.Length
	start := 0
	for i, r := range txt {
		if !missing(r) {
			continue
		}
		w += face.Width(txt[start:i]) + face.Font.Size
		start = i + utf8.RuneLen(r)
	}
	return w + face.Width(txt[start:])
}

// isWide reports whether r takes a full em in Chinese text: Chinese
// characters, full-width punctuation such as （）、，。 and the characters
// whose width depends on the script around them (Ⅱ, ①), which Chinese
// fonts draw one em wide.
func isWide(r rune) bool {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
		return true
	}
	return false
}
