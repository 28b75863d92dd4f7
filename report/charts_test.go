package report

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

// cjkCharts loads the machine's CJK font, or skips: CI installs
// fonts-noto-cjk.
func cjkCharts(t *testing.T) *Charts {
	t.Helper()
	face, err := LoadCJKFont("")
	if err != nil {
		t.Skipf("no CJK font on this machine (%v); CI installs fonts-noto-cjk", err)
	}
	return NewCharts(face)
}

func TestChartsSVGKeepChineseText(t *testing.T) {
	d := buildFixture(t, loadFixture(t), "")
	charts, err := NewCharts(nil).ForReport(d)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ch := range charts {
		names = append(names, ch.Name)
	}
	// One trend per area with items this week (10), plus areas, places
	// and tiers.
	want := "areas trend-real_estate trend-ecology trend-education trend-work_safety trend-food_drug trend-rural " +
		"trend-business_services trend-tax_fee_cuts trend-financial_risk trend-elderly_care places severity"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("charts = %s\nwant %s", got, want)
	}
	svg, err := charts[0].SVG()
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	for _, text := range []string{`<svg role="img" aria-label="各领域信息量（本周与上周）"`, ">房地产市场</text>", ">本周</text>", ">上周</text>"} {
		if !strings.Contains(s, text) {
			t.Errorf("areas SVG lacks %q", text)
		}
	}
	if strings.Contains(s, "<?xml") {
		t.Error("SVG keeps its XML prolog: it cannot be inlined")
	}
	if NewCharts(nil).CanRaster() {
		t.Error("charts without a CJK font claim to rasterise Chinese")
	}
}

func TestChartsPNG(t *testing.T) {
	c := cjkCharts(t)
	if !c.CanRaster() {
		t.Fatal("charts with a CJK font cannot rasterise")
	}
	d := buildFixture(t, loadFixture(t), "")
	ch, err := c.severity(d.Severity)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ch.PNG(144)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// 4.2 × 2.2 inches at 144 dpi.
	if got := img.Bounds().Size(); got.X != 605 || got.Y != 317 {
		t.Errorf("PNG is %v, want 605×317", got)
	}
	// The Ⅱ bar is drawn in the tier's orange.
	orange := 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if r>>8 == 0xf4 && g>>8 == 0x7a && b>>8 == 0x20 {
				orange++
			}
		}
	}
	if orange < 1000 {
		t.Errorf("%d orange pixels: the tier Ⅱ bar is missing", orange)
	}
}

func TestIntegerTicks(t *testing.T) {
	tests := []struct {
		hi   float64
		want string
	}{
		{1.3, "0 1"},
		{2.6, "0 1 2"},
		{3.9, "0 1 2 3"},
		{9.1, "0 2 4 6 8"},
		{130, "0 50 100"},
		{13000, "0 5000 10000"},
		{26000, "0 10000 20000"},
	}
	for _, tc := range tests {
		var labels []string
		for _, tick := range (integerTicks{}).Ticks(0, tc.hi) {
			labels = append(labels, tick.Label)
		}
		if got := strings.Join(labels, " "); got != tc.want {
			t.Errorf("Ticks(0, %v) = %q, want %q", tc.hi, got, tc.want)
		}
	}
	var _ plot.Ticker = integerTicks{}
}

func TestLoadCJKFontErrors(t *testing.T) {
	if _, err := LoadCJKFont("testdata/week.json"); err == nil {
		t.Error("a JSON file loaded as a font")
	}
	if _, err := LoadCJKFont("testdata/no-such-font.ttc"); err == nil {
		t.Error("a missing file loaded as a font")
	}
}

// TestPNGChartsDrawChineseGlyphs renders the same chart under two Chinese
// titles of equal length. Where the font lacks Chinese glyphs every
// character is the same empty box, so the two images are identical: the
// fallback font shows the check catches that, the CJK font must pass it.
func TestPNGChartsDrawChineseGlyphs(t *testing.T) {
	render := func(c *Charts, name string) []byte {
		t.Helper()
		days := []Day{{Date: "2026-11-23", Items: 3, Negative: 1}, {Date: "2026-11-24", Items: 5, Negative: 2}}
		ch, err := c.areaTrend(Area{Topic: "x", Name: name, Daily: days}, Shanghai())
		if err != nil {
			t.Fatal(err)
		}
		b, err := ch.PNG(96)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	latin := NewCharts(nil)
	if !bytes.Equal(render(latin, "舆情"), render(latin, "周报")) {
		t.Fatal("the check cannot see missing glyphs: two titles drawn as boxes differ")
	}
	c := cjkCharts(t)
	if bytes.Equal(render(c, "舆情"), render(c, "周报")) {
		t.Error("PNG charts draw Chinese titles as identical boxes (tofu)")
	}
}
