package demo

import (
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func TestFormatGolden(t *testing.T) {
	cases := []struct {
		name string
		r    Received
	}{
		{"one topic, one region", Received{DepartmentName: "市住房和城乡建设局", Department: "housing",
			Title:   "通城县一楼盘交房延期近一年 三百余户业主集体维权",
			Topics:  []TopicTerms{{ID: "real_estate", Name: "房地产市场", Terms: []string{"烂尾楼", "业主维权"}}},
			Regions: []string{"通城县"}, Lead: true, Severity: model.SeverityIV}},
		{"with deadline and sign link", Received{DepartmentName: "市应急管理局", Lead: true, Severity: model.SeverityII,
			Title:    "赤壁市一在建工地脚手架坍塌",
			Topics:   []TopicTerms{{ID: "work_safety", Name: "安全生产", Terms: []string{"坍塌"}}},
			Deadline: &model.Deadline{Name: "发布权威信息", Due: time.Date(2026, 11, 27, 6, 30, 0, 0, time.UTC)},
			SignURL:  "http://127.0.0.1:9464/act/7/sign?exp=1&sig=abc"}},
		{"several topics and regions", Received{DepartmentName: "市市场监督管理局",
			Title: "家长反映咸安区一中学食堂使用过期食材 市场监管部门介入",
			Topics: []TopicTerms{
				{ID: "food_drug", Name: "食品药品", Terms: []string{"食品安全", "过期"}},
				{ID: "education", Name: "教育", Terms: []string{"学生", "中学"}}},
			Regions: []string{"咸安区", "咸宁市"}}},
		{"no region, topic without terms", Received{DepartmentName: "市公安局",
			Title: "冒充“客服退款”诈骗高发", Topics: []TopicTerms{{ID: "public_security", Name: "社会治安"}}}},
		{"code only, topic without name", Received{Department: "office",
			Title: "12345热线：企业反映工程建设项目审批材料反复补正", Topics: []TopicTerms{{ID: "business_services"}}}},
		{"nothing known", Received{}},
		{"hostile title", Received{DepartmentName: "市委网信办\n",
			Title:   "  第一行\n第二行\t\x1b[31m红色\u202e反转 ",
			Topics:  []TopicTerms{{Name: "社会治安", Terms: []string{"", "谣言"}}},
			Regions: []string{"", " 赤壁市 "}}},
		{"long title", Received{DepartmentName: "市生态环境局",
			Title:  strings.Repeat("嘉鱼县村民举报化工厂夜间偷排", 6),
			Topics: []TopicTerms{{Name: "生态环境", Terms: []string{"偷排"}}}, Regions: []string{"嘉鱼县"}}},
	}
	var b strings.Builder
	for _, c := range cases {
		line := Format(c.r)
		first, second, _ := strings.Cut(line, "\n    ")
		if strings.ContainsAny(first, "\n\r\x1b\u202e") || strings.ContainsAny(second, "\n\r\x1b\u202e") {
			t.Errorf("%s: output is not clean lines: %q", c.name, line)
		}
		b.WriteString("# " + c.name + "\n" + line + "\n")
	}
	const golden = "testdata/format.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./demo -run TestFormatGolden -update)", err)
	}
	if b.String() != string(want) {
		t.Errorf("Format output differs from %s (run with -update if intended):\n%s", golden, b.String())
	}
}

func TestFormatExample(t *testing.T) {
	// The example of the package documentation, spelled out.
	r := Received{DepartmentName: "市住房和城乡建设局",
		Topics:  []TopicTerms{{Name: "房地产市场", Terms: []string{"烂尾楼", "业主维权"}}},
		Regions: []string{"通城县"}, Title: "某楼盘烂尾"}
	r.Lead, r.Severity = true, model.SeverityIV
	const want = "「市住房和城乡建设局」主办 Ⅳ级 房地产市场(烂尾楼,业主维权) 通城县 — 某楼盘烂尾"
	if got := Format(r); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
