package report

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// RenderJSON writes the report's data as indented JSON.
func RenderJSON(w io.Writer, d *Data) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("report: render JSON: %w", err)
	}
	return nil
}

// RenderMarkdown writes the report as Markdown: the same sections as the
// HTML, with tables instead of charts.
func RenderMarkdown(w io.Writer, d *Data) error {
	m := &mdWriter{w: bufio.NewWriter(w), loc: d.Period.From.Location()}
	m.header(d)
	m.areas(d)
	m.places(d)
	m.severity(d)
	m.timeliness(d)
	m.emerging(d)
	if d.Scope.Department == "" {
		m.silent(d)
	}
	m.footer(d)
	if err := m.w.Flush(); err != nil {
		return fmt.Errorf("report: render Markdown: %w", err)
	}
	return nil
}

type mdWriter struct {
	w       *bufio.Writer
	loc     *time.Location
	section int
}

func (m *mdWriter) printf(format string, args ...any) { fmt.Fprintf(m.w, format, args...) }

func (m *mdWriter) heading(title string) {
	m.printf("\n## %s、%s\n\n", chineseNumerals[min(m.section, len(chineseNumerals)-1)], title)
	m.section++
}

// table writes a Markdown table; cells are escaped.
func (m *mdWriter) table(head []string, rows [][]string) {
	m.printf("| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat(" --- |", len(head)))
	for _, r := range rows {
		for i := range r {
			r[i] = mdCell(r[i])
		}
		m.printf("| %s |\n", strings.Join(r, " | "))
	}
	m.printf("\n")
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "[", `\[`, "]", `\]`).Replace(s)
}

func (m *mdWriter) header(d *Data) {
	m.printf("# %s\n\n%s", d.Title, issueLine(d.Period))
	if d.Issuer != "" {
		m.printf("　%s编", d.Issuer)
	}
	m.printf("　%s\n\n报告期：%s（%s）", dateCN(d.GeneratedAt), periodCN(d.Period), d.Period.Week)
	if d.Scope.Name != "" {
		m.printf("　范围：%s主管领域及案件", d.Scope.Name)
	}
	m.printf("\n")
	m.heading("本周舆情概况")
	for _, p := range Summary(d) {
		m.printf("%s\n\n", p)
	}
	h := d.Headline
	m.table([]string{"信息总量", "环比", "负面占比", "预警案件", "重大及以上事件", "按时回应率", "回应率"},
		[][]string{{num(h.Items), changeArrow(h.Change, h.Items), percent(h.NegativeShare), num(h.Cases),
			num(h.Major), rate(h.OnTimeRate), rate(h.ResponseRate)}})
}

func (m *mdWriter) areas(d *Data) {
	m.heading("热点领域舆情")
	var rows [][]string
	for _, a := range d.Areas {
		rows = append(rows, []string{a.Name, num(a.Items), num(a.PrevItems), changeArrow(a.Change, a.Items),
			num(a.Negative), percent(a.NegativeShare)})
	}
	m.table([]string{"领域", "本周", "上周", "环比", "负面", "负面占比"}, rows)
	m.printf("### （一）各领域每日走势\n\n括号内为负面信息条数。\n\n")
	head := []string{"领域"}
	if len(d.Areas) > 0 {
		for _, day := range d.Areas[0].Daily {
			head = append(head, weekdayDate(day.Date, m.loc))
		}
	}
	rows = nil
	for _, a := range d.Areas {
		if a.Items == 0 {
			continue
		}
		row := []string{a.Name}
		for _, day := range a.Daily {
			cell := num(day.Items)
			if day.Negative > 0 {
				cell += "（负" + num(day.Negative) + "）"
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	m.table(head, rows)
	m.printf("### （二）重点事件\n")
	for _, a := range d.Areas {
		if len(a.Stories) == 0 {
			continue
		}
		m.printf("\n#### %s\n\n", a.Name)
		for i, s := range a.Stories {
			m.printf("%d. [%s](%s)：%s；首发于%s", i+1, mdCell(s.Title), s.URL, storySpread(s), dateTimeCN(s.FirstSeen, m.loc))
			if s.Severity != 0 {
				m.printf("；%s", tierName(s.Severity))
			}
			if len(s.Regions) > 0 {
				m.printf("；%s", strings.Join(s.Regions, "、"))
			}
			m.printf("\n")
			for _, l := range s.Links {
				m.printf("   - [%s](%s)（%s）\n", mdCell(cmp.Or(l.Title, l.URL)), l.URL, cmp.Or(l.SourceName, l.Source))
			}
		}
	}
}

func (m *mdWriter) places(d *Data) {
	m.heading("地域分布")
	var rows [][]string
	for _, p := range d.Places {
		rows = append(rows, []string{p.Name, num(p.Items), percent(p.Share)})
	}
	m.table([]string{"地区", "信息量", "占比"}, rows)
}

func (m *mdWriter) severity(d *Data) {
	m.heading("预警等级分布")
	var rows [][]string
	for _, t := range d.Severity {
		rows = append(rows, []string{tierName(t.Severity), cmp.Or(t.Color, "—"), num(t.Cases), num(t.Events)})
	}
	m.table([]string{"等级", "预警颜色", "案件", "事件"}, rows)
}

func (m *mdWriter) timeliness(d *Data) {
	m.heading("回应处置时效")
	m.printf("按时回应率、回应率、群众满意率三个100%%：统计本周新开案件的签收与回应情况（误报不计入应回应案件；群众满意率由各部门另行报送）。\n\n")
	if len(d.Timeliness.Departments) == 0 {
		m.printf("本周无新开案件。\n")
		return
	}
	var rows [][]string
	for _, t := range slices.Concat(d.Timeliness.Departments, []DepartmentTimeliness{d.Timeliness.Total}) {
		rows = append(rows, []string{t.DepartmentName, num(t.Cases), num(t.Signed), num(t.Responded), num(t.FalseAlarms),
			num(t.OnTime), num(t.Overdue), rate(t.OnTimeRate), rate(t.ResponseRate),
			durationCN(t.MeanTimeToSign), durationCN(t.MeanTimeToRespond)})
	}
	m.table([]string{"部门", "案件", "已签收", "已回应", "误报", "按时", "超时", "按时回应率", "回应率", "平均签收用时", "平均回应用时"}, rows)
	for _, t := range d.Timeliness.Departments {
		if len(t.OverdueCases) == 0 {
			continue
		}
		m.printf("#### %s超时案件\n\n", t.DepartmentName)
		rows = nil
		for _, c := range t.OverdueCases {
			met := "**未完成**"
			if !c.MetAt.IsZero() {
				met = dateTimeCN(c.MetAt, m.loc)
			}
			rows = append(rows, []string{fmt.Sprintf("#%d", c.CaseID), c.Title, c.Deadline, dateTimeCN(c.Due, m.loc), met})
		}
		m.table([]string{"案件", "标题", "时限", "应于", "完成于"}, rows)
	}
}

func (m *mdWriter) emerging(d *Data) {
	m.heading("新出现热词")
	e := d.Emerging
	if e.Sampled {
		m.printf("对比前四周，按抽样的%s条标题统计，以下词语出现频率上升最快。\n\n", num(e.Titles))
	} else {
		m.printf("对比前四周，按本周%s条标题统计，以下词语出现频率上升最快。\n\n", num(e.Titles))
	}
	if len(e.Words) == 0 {
		m.printf("本周无明显上升的词语。\n")
		return
	}
	var rows [][]string
	for _, w := range e.Words {
		word := w.Word
		if w.New {
			word += "（新）"
		}
		rows = append(rows, []string{word, num(w.Count), fmt.Sprintf("%.1f", w.Expected), fmt.Sprintf("%.1f", w.Ratio)})
	}
	m.table([]string{"词语", "本周出现", "前四周（折算）", "上升倍数"}, rows)
}

func (m *mdWriter) silent(d *Data) {
	m.heading("信息源运行情况")
	if len(d.Silent) == 0 {
		m.printf("所有信息源本周运行正常。\n")
		return
	}
	var rows [][]string
	for _, s := range d.Silent {
		last := "—"
		if !s.LastItemAt.IsZero() {
			last = s.LastItemAt.In(m.loc).Format("1月2日")
		}
		reason := s.Reason
		if s.LastError != "" {
			reason += "：" + s.LastError
		}
		rows = append(rows, []string{s.Name, num(s.Items), last, reason})
	}
	m.table([]string{"信息源", "本周信息", "最近一条", "情况"}, rows)
}

func (m *mdWriter) footer(d *Data) {
	m.printf("\n---\n\n")
	for _, n := range d.Notes {
		m.printf("注：%s\n\n", n)
	}
	m.printf("本报告由舆情监测系统根据公开信息自动生成，生成时间%s，数据截至%s零时。\n",
		dateTimeCN(d.GeneratedAt, m.loc), dateCN(d.Period.To))
}
