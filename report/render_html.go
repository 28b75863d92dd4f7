package report

import (
	"bytes"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/yuqing/yuqing/model"
)

//go:embed templates
var templateFiles embed.FS

// pngDPI is the resolution of the charts sent by email: sharp on a
// high-density screen, ~20 KB a chart.
const pngDPI = 144

// Images says how charts are embedded in the HTML.
type Images int

const (
	// ImagesSVG inlines SVG: for the browser and the PDF.
	ImagesSVG Images = iota
	// ImagesPNG embeds PNG data URIs: a standalone page without SVG.
	// Email bodies use RenderEmailHTML instead: many clients show no
	// data: URIs.
	ImagesPNG
	// imagesCID refers to PNG images by Content-ID (RenderEmailHTML).
	imagesCID
)

// HTMLOptions configure RenderHTML.
type HTMLOptions struct {
	// Charts draws the charts; nil leaves them out.
	Charts *Charts
	Images Images
	// OnlineURL, when set, is linked as the full version (emails).
	OnlineURL string
}

// RenderHTML writes the report as a standalone HTML page in the form of a
// government 周报, print-friendly (A4), with its CSS inline.
func RenderHTML(w io.Writer, d *Data, o HTMLOptions) error {
	if o.Images == imagesCID {
		return errors.New("report: render HTML: inline images need RenderEmailHTML")
	}
	_, err := render(w, d, o)
	return err
}

// RenderEmailHTML writes the report as the body of an email: its charts
// are PNG images the HTML refers to as cid:…, returned to travel as
// inline parts of the message. Gmail, Outlook and most government webmail
// (Coremail, Foxmail) show those but not data: URIs. o.Images is ignored.
func RenderEmailHTML(w io.Writer, d *Data, o HTMLOptions) ([]model.InlineImage, error) {
	o.Images = imagesCID
	return render(w, d, o)
}

func render(w io.Writer, d *Data, o HTMLOptions) ([]model.InlineImage, error) {
	charts, err := drawCharts(d, o)
	if err != nil {
		return nil, err
	}
	tmpl, err := parseHTMLTemplate(d.Period.From.Location())
	if err != nil {
		return nil, err
	}
	css, err := templateFiles.ReadFile("templates/report.css")
	if err != nil {
		return nil, fmt.Errorf("report: read stylesheet: %w", err)
	}
	view := &htmlView{D: d, Charts: charts.html, CSS: template.CSS(css), Summary: Summary(d),
		OnlineURL: o.OnlineURL, ChartNotes: charts.notes}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "report.html.tmpl", view); err != nil {
		return nil, fmt.Errorf("report: render HTML: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return nil, err
	}
	return charts.images, nil
}

// htmlView is what the template sees.
type htmlView struct {
	D          *Data
	Charts     map[string]template.HTML
	CSS        template.CSS
	Summary    []string
	OnlineURL  string
	ChartNotes []string
	section    int
}

var chineseNumerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// Section numbers the report's sections: 一、二、…
func (v *htmlView) Section(title string) string {
	n := chineseNumerals[min(v.section, len(chineseNumerals)-1)]
	v.section++
	return n + "、" + title
}

// Chart returns the embedded chart by name, empty when not drawn.
func (v *htmlView) Chart(name string) template.HTML { return v.Charts[name] }

// drawnCharts are the charts as the HTML embeds them, by name; notes
// explain charts left out; images are the inline parts cid: links name.
type drawnCharts struct {
	html   map[string]template.HTML
	notes  []string
	images []model.InlineImage
}

func drawCharts(d *Data, o HTMLOptions) (drawnCharts, error) {
	out := drawnCharts{html: map[string]template.HTML{}}
	if o.Charts == nil {
		return out, nil
	}
	raster := o.Images == ImagesPNG || o.Images == imagesCID
	if raster && !o.Charts.CanRaster() {
		out.notes = []string{"未找到中文字体，邮件中未附图表，请查看附件PDF或在线版本。"}
		return out, nil
	}
	charts, err := o.Charts.ForReport(d)
	if err != nil {
		return drawnCharts{}, err
	}
	for i, ch := range charts {
		if !raster {
			svg, err := ch.SVG()
			if err != nil {
				return drawnCharts{}, err
			}
			out.html[ch.Name] = template.HTML(svg)
			continue
		}
		png, err := ch.PNG(pngDPI)
		if err != nil {
			return drawnCharts{}, err
		}
		src := "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
		if o.Images == imagesCID {
			img := inlineChart(i, ch.Name, png)
			out.images = append(out.images, img)
			src = "cid:" + img.ContentID
		}
		out.html[ch.Name] = imgTag(src, ch)
	}
	return out, nil
}

// imgTag shows a chart at its drawn size in CSS pixels. The width
// attribute is for Outlook, which ignores max-width and would otherwise
// show a 144 dpi image at twice its size.
func imgTag(src string, ch *Chart) template.HTML {
	return template.HTML(fmt.Sprintf(`<img src="%s" alt="%s" width="%d" style="max-width:100%%;height:auto">`,
		template.HTMLEscapeString(src), template.HTMLEscapeString(ch.Title), ch.PixelWidth()))
}

// inlineChart names the i-th chart's PNG for an email. The index keeps
// Content-IDs unique; the chart's name, reduced to what a cid: URL takes
// unescaped, keeps them readable.
func inlineChart(i int, name string, png []byte) model.InlineImage {
	safe := strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '.') {
			return r
		}
		return '-'
	}, name)
	return model.InlineImage{
		ContentID:   fmt.Sprintf("chart%02d.%s@yuqing.report", i+1, safe),
		Name:        safe + ".png",
		ContentType: "image/png",
		Data:        png,
	}
}

func parseHTMLTemplate(loc *time.Location) (*template.Template, error) {
	funcs := template.FuncMap{
		"num":       func(n int64) string { return num(n) },
		"count":     func(n int) string { return num(n) },
		"percent":   percent,
		"rate":      rate,
		"change":    changeArrow,
		"dateCN":    dateCN,
		"dateTime":  func(t time.Time) string { return dateTimeCN(t, loc) },
		"day":       func(t time.Time) string { return t.In(loc).Format("1月2日") },
		"period":    periodCN,
		"duration":  durationCN,
		"tier":      tierName,
		"spread":    storySpread,
		"issue":     issueLine,
		"severity":  func(s model.Severity) string { return s.String() },
		"trendName": func(topic string) string { return "trend-" + topic },
	}
	tmpl, err := template.New("report").Funcs(funcs).ParseFS(templateFiles, "templates/report.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("report: parse HTML template: %w", err)
	}
	return tmpl, nil
}

var weekdaysCN = []string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// weekdayDate writes 2026-11-23 as 11月23日（周一）.
func weekdayDate(date string, loc *time.Location) string {
	t, err := time.ParseInLocation("2006-01-02", date, loc)
	if err != nil {
		return date
	}
	return t.Format("1月2日") + "（" + weekdaysCN[t.Weekday()] + "）"
}
