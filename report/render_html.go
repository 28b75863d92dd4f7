package report

import (
	"bytes"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"time"

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
	// ImagesPNG embeds PNG data URIs: for email, whose clients run no
	// JavaScript and often drop SVG.
	ImagesPNG
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
	charts, notes, err := drawCharts(d, o)
	if err != nil {
		return err
	}
	tmpl, err := parseHTMLTemplate(d.Period.From.Location())
	if err != nil {
		return err
	}
	css, err := templateFiles.ReadFile("templates/report.css")
	if err != nil {
		return fmt.Errorf("report: read stylesheet: %w", err)
	}
	view := &htmlView{D: d, Charts: charts, CSS: template.CSS(css), Summary: Summary(d),
		OnlineURL: o.OnlineURL, ChartNotes: notes}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "report.html.tmpl", view); err != nil {
		return fmt.Errorf("report: render HTML: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
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

func drawCharts(d *Data, o HTMLOptions) (map[string]template.HTML, []string, error) {
	out := map[string]template.HTML{}
	if o.Charts == nil {
		return out, nil, nil
	}
	if o.Images == ImagesPNG && !o.Charts.CanRaster() {
		return out, []string{"未找到中文字体，邮件中未附图表，请查看附件PDF或在线版本。"}, nil
	}
	charts, err := o.Charts.ForReport(d)
	if err != nil {
		return nil, nil, err
	}
	for _, ch := range charts {
		if o.Images == ImagesPNG {
			png, err := ch.PNG(pngDPI)
			if err != nil {
				return nil, nil, err
			}
			out[ch.Name] = template.HTML(`<img src="data:image/png;base64,` + base64.StdEncoding.EncodeToString(png) +
				`" alt="` + template.HTMLEscapeString(ch.Title) + `" style="max-width:100%;height:auto">`)
			continue
		}
		svg, err := ch.SVG()
		if err != nil {
			return nil, nil, err
		}
		out[ch.Name] = template.HTML(svg)
	}
	return out, nil, nil
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
