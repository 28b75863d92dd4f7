package message_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/alert/notify/message"
	"github.com/yuqing/yuqing/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

// now is 17:30 in Beijing, half an hour before the sample's first deadline.
var now = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

var kinds = []string{"new", "update", "repeat", "reminder", "escalation", "long"}

func loadAlert(t *testing.T, name string) model.Alert {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "alerts", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var a model.Alert
	if err := json.Unmarshal(data, &a); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return a
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test -update if the change is intended):\n%s", path, got)
	}
}

// TestGolden renders every sample alert in every form.
func TestGolden(t *testing.T) {
	for _, kind := range kinds {
		m := message.Build(loadAlert(t, kind), now, nil)
		html, err := message.HTML(message.Subject(m), []message.Message{m}, "")
		if err != nil {
			t.Fatal(err)
		}
		for ext, got := range map[string]string{
			"wecom.md":    message.Markdown(m, message.WeCom),
			"dingtalk.md": message.Markdown(m, message.DingTalk),
			"lark.md":     message.Markdown(m, message.Lark),
			"txt":         message.Subject(m) + "\n\n" + message.Text(m),
			"html":        html,
		} {
			checkGolden(t, kind+"."+ext, got)
		}
	}
}

func TestHeadings(t *testing.T) {
	want := map[string]string{"": "新舆情", "new": "新舆情", "update": "舆情更新", "repeat": "重复提醒",
		"reminder": "时限提醒", "escalation": "超时升级", "other": "舆情提醒"}
	for kind, h := range want {
		if got := message.Heading(kind); got != h {
			t.Errorf("Heading(%q) = %q, want %q", kind, got, h)
		}
	}
}

func TestTiers(t *testing.T) {
	tests := []struct {
		s     model.Severity
		tier  string
		color string
	}{
		{model.SeverityI, "Ⅰ级 特别重大（红色预警）", "red"},
		{model.SeverityII, "Ⅱ级 重大（橙色预警）", "orange"},
		{model.SeverityIII, "Ⅲ级 较大（黄色预警）", "yellow"},
		{model.SeverityIV, "Ⅳ级 一般（蓝色预警）", "blue"},
		{model.SeverityNone, "", "grey"},
	}
	for _, tt := range tests {
		if got := message.Tier(tt.s); got != tt.tier {
			t.Errorf("Tier(%v) = %q, want %q", tt.s, got, tt.tier)
		}
		if got := message.LarkColor(tt.s); got != tt.color {
			t.Errorf("LarkColor(%v) = %q, want %q", tt.s, got, tt.color)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{30 * time.Second, "不足1分钟"},
		{25 * time.Minute, "25分钟"},
		{4*time.Hour + 30*time.Minute + 59*time.Second, "4小时30分"},
		{5 * time.Hour, "5小时"},
		{24 * time.Hour, "1天"},
		{50*time.Hour + 10*time.Minute, "2天2小时"},
		{-90 * time.Minute, "1小时30分"},
	}
	for _, tt := range tests {
		if got := message.FormatDuration(tt.d); got != tt.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestDeadlineLine(t *testing.T) {
	due := time.Date(2026, 3, 2, 11, 10, 0, 0, time.UTC) // 19:10 in Beijing
	tests := []struct {
		d    model.Deadline
		now  time.Time
		want string
	}{
		{model.Deadline{Name: "发布权威信息", Due: due}, now, "发布权威信息：3月2日 19:10 前（剩余 1小时40分）"},
		{model.Deadline{Name: "发布权威信息", Due: due}, due.Add(65 * time.Minute), "发布权威信息：3月2日 19:10 前（已超时 1小时5分）"},
		{model.Deadline{Name: "发布权威信息", Due: due, MetAt: due.Add(-time.Hour)}, now, "发布权威信息：已于 3月2日 18:10 完成"},
		{model.Deadline{Name: "发布权威信息", Due: due, MetAt: due.Add(2 * time.Hour)}, now, "发布权威信息：已于 3月2日 21:10 完成，超时 2小时"},
		{model.Deadline{Kind: "response", Due: due}, due, "response：3月2日 19:10 前（已超时 不足1分钟）"},
	}
	for _, tt := range tests {
		if got := message.DeadlineLine(tt.d, tt.now, message.Beijing()); got != tt.want {
			t.Errorf("DeadlineLine = %q, want %q", got, tt.want)
		}
	}
}

// TestOneAlertFitsOneWeComMessage: the caps on an alert's parts keep an
// ordinary alert within WeCom's 4096 bytes, so it is never split.
func TestOneAlertFitsOneWeComMessage(t *testing.T) {
	for _, kind := range kinds[:5] {
		md := message.Markdown(message.Build(loadAlert(t, kind), now, nil), message.WeCom)
		if len(md) > 4096 {
			t.Errorf("%s: %d bytes of WeCom markdown", kind, len(md))
		}
	}
}

func TestMarkupInTextIsDefused(t *testing.T) {
	a := loadAlert(t, "new")
	a.Item.Title = "[置顶] **紧急** `通知`"
	a.Item.URL = "https://bbs.example.cn/t (1).html"
	md := message.Markdown(message.Build(a, now, nil), message.WeCom)
	if !strings.Contains(md, "**[［置顶］ ＊＊紧急＊＊ '通知'](https://bbs.example.cn/t%20%281%29.html)**") {
		t.Errorf("title link not defused:\n%s", md)
	}
	a.Item.URL = "javascript:alert(1)"
	html, err := message.HTML("s", []message.Message{message.Build(a, now, nil)}, "")
	if err != nil || strings.Contains(html, "javascript:") {
		t.Errorf("HTML keeps a script URL (err %v)", err)
	}
}
