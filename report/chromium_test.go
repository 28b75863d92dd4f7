package report

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These tests run a real headless Chromium. CI installs it with
// fonts-noto-cjk and poppler-utils (.ci/run); elsewhere they skip.

func testChromium(t *testing.T) *Chromium {
	t.Helper()
	path, err := FindChromium("")
	if err != nil {
		t.Skipf("%v — CI installs it (.ci/run)", err)
	}
	return &Chromium{Path: path, Timeout: 2 * time.Minute}
}

// reportHTML renders the fixture's report for a city named area, with the
// charts the daemon would draw on this machine.
func reportHTML(t *testing.T, area string) []byte {
	t.Helper()
	b, err := NewBuilder(Options{Source: loadFixture(t), Segmenter: testSegmenter, Topics: testTopics,
		Places: testPlaces, Departments: testDepartments, Area: area, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := ParseWeek("2026-W48", nil)
	d, err := b.Build(context.Background(), Request{Week: w})
	if err != nil {
		t.Fatal(err)
	}
	face, _ := LoadCJKFont("")
	var buf bytes.Buffer
	if err := RenderHTML(&buf, d, HTMLOptions{Charts: NewCharts(face)}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Two cities whose names have as many characters: their reports lay out
// alike, and only the glyphs of the names differ.
const cityA, cityB = "咸宁市", "通山县"

func TestChromiumScreenshotShowsChartsAndChinese(t *testing.T) {
	c := testChromium(t)
	ctx := context.Background()
	shots := make([]image.Image, 2)
	for i, area := range []string{cityA, cityB} {
		b, err := c.Screenshot(ctx, reportHTML(t, area), 1000, 1400)
		if err != nil {
			t.Fatal(err)
		}
		if shots[i], err = png.Decode(bytes.NewReader(b)); err != nil {
			t.Fatal(err)
		}
	}
	// The masthead title (咸宁市舆情周报 / 通山县舆情周报) is in the top
	// band. Drawn as boxes, the two titles would be the same pixels.
	band := image.Rect(0, 0, 1000, 160)
	if samePixels(shots[0], shots[1], band) {
		t.Error("the two titles render identically: Chinese text is drawn as empty boxes (install fonts-noto-cjk)")
	}
	if n := countColor(shots[0], shots[0].Bounds(), colorCurrent, 0); n < 500 {
		t.Errorf("%d pixels of this week's bar colour: the areas chart did not render", n)
	}
	if n := countColor(shots[0], shots[0].Bounds(), colorPrevious, 0); n < 100 {
		t.Errorf("%d pixels of last week's bar colour: the areas chart did not render", n)
	}
}

func TestChromiumPDF(t *testing.T) {
	c := testChromium(t)
	ctx := context.Background()
	pdfs := make([][]byte, 2)
	for i, area := range []string{cityA, cityB} {
		var err error
		if pdfs[i], err = c.PDF(ctx, reportHTML(t, area)); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdfs[i], []byte("%PDF-")) || len(pdfs[i]) < 10_000 {
			t.Fatalf("not a PDF report: %d bytes starting %q", len(pdfs[i]), pdfs[i][:min(8, len(pdfs[i]))])
		}
	}
	dir := t.TempDir()
	for i, p := range pdfs {
		if err := os.WriteFile(filepath.Join(dir, []string{"a.pdf", "b.pdf"}[i]), p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := pdfText(t, filepath.Join(dir, "a.pdf"))
	// The title, a table's area name, and chart titles and labels, which
	// exist only as text inside the inline SVG charts.
	for _, want := range []string{"咸宁市舆情周报", "房地产市场", "各领域信息量（本周与上周）", "预警案件等级分布", "本周", "上周"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	pages := make([]image.Image, 2)
	for i, name := range []string{"a", "b"} {
		pages[i] = pdfFirstPage(t, filepath.Join(dir, name+".pdf"))
	}
	band := image.Rect(0, 0, pages[0].Bounds().Dx(), pages[0].Bounds().Dy()/6)
	if samePixels(pages[0], pages[1], band) {
		t.Error("the two PDF titles print identically: Chinese text is printed as empty boxes")
	}
}

// pdfText extracts the text with pdftotext (poppler-utils).
func pdfText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils) — CI installs it")
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// pdfFirstPage rasterises page 1 with pdftoppm (poppler-utils).
func pdfFirstPage(t *testing.T, path string) image.Image {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed (poppler-utils) — CI installs it")
	}
	out, err := exec.Command("pdftoppm", "-png", "-r", "72", "-f", "1", "-l", "1", path).Output()
	if err != nil {
		t.Fatalf("pdftoppm: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("decode page: %v", err)
	}
	return img
}

func samePixels(a, b image.Image, r image.Rectangle) bool {
	r = r.Intersect(a.Bounds()).Intersect(b.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				return false
			}
		}
	}
	return true
}

// countColor counts the pixels within tol (per 8-bit channel) of want.
func countColor(img image.Image, r image.Rectangle, want interface{ RGBA() (r, g, b, a uint32) }, tol int) int {
	wr, wg, wb, _ := want.RGBA()
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if near(cr, wr, tol) && near(cg, wg, tol) && near(cb, wb, tol) {
				n++
			}
		}
	}
	return n
}

func near(a, b uint32, tol int) bool {
	d := int(a>>8) - int(b>>8)
	return d <= tol && d >= -tol
}

func TestChromiumMissing(t *testing.T) {
	if _, err := FindChromium("/nonexistent/chromium"); !errors.Is(err, ErrNoChromium) {
		t.Errorf("FindChromium(missing) = %v, want ErrNoChromium", err)
	}
	if _, err := (&Chromium{}).PDF(context.Background(), []byte("<p>x")); !errors.Is(err, ErrNoChromium) {
		t.Errorf("PDF without a path = %v, want ErrNoChromium", err)
	}
	if !strings.Contains(ErrNoChromium.Error(), "apt-get install chromium") {
		t.Errorf("ErrNoChromium does not say how to install it: %v", ErrNoChromium)
	}
}

func TestChromiumTimeout(t *testing.T) {
	// A "browser" that never finishes: the run must end at the timeout and
	// say so.
	sleeper := filepath.Join(t.TempDir(), "chromium")
	if err := os.WriteFile(sleeper, []byte("#!/bin/sh\nsleep 30\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := &Chromium{Path: sleeper, Timeout: 200 * time.Millisecond}
	_, err := c.PDF(context.Background(), []byte("<p>x"))
	if err == nil || !strings.Contains(err.Error(), "did not finish") {
		t.Errorf("PDF with a hanging browser = %v, want a timeout", err)
	}
}
