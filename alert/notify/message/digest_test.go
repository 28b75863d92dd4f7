package message_test

import (
	"strings"
	"testing"

	"github.com/yuqing/yuqing/alert/notify/message"
	"github.com/yuqing/yuqing/model"
)

func sampleDigest(t *testing.T, n int) message.Digest {
	t.Helper()
	var alerts []model.Alert
	for i := range n {
		alerts = append(alerts, loadAlert(t, kinds[i%5]))
	}
	return message.BuildDigest(alerts, now, nil, "https://yuqing.xianning.gov.cn/cases")
}

func TestDigestGolden(t *testing.T) {
	d := sampleDigest(t, 5)
	checkGolden(t, "digest.wecom.md", message.DigestMarkdown(d, message.WeCom, 4096, nil))
	checkGolden(t, "digest.dingtalk.md", message.DigestMarkdown(d, message.DingTalk, 18000, message.JSONSize))
	checkGolden(t, "digest.txt", message.DigestText(d, 2048, nil))
}

// TestDigestFitsItsLimit: a digest of many alerts lists what fits and says
// how many it left out, so that it always takes exactly one message.
func TestDigestFitsItsLimit(t *testing.T) {
	d := sampleDigest(t, 40)
	for _, limit := range []int{1500, 2048, 4096} {
		md := message.DigestMarkdown(d, message.WeCom, limit, nil)
		if len(md) > limit {
			t.Errorf("limit %d: digest has %d bytes", limit, len(md))
		}
		if !strings.Contains(md, "舆情汇总：40 条") || !strings.Contains(md, "条未列出") {
			t.Errorf("limit %d: digest does not count what it left out:\n%s", limit, md)
		}
		txt := message.DigestText(d, limit, nil)
		if len(txt) > limit || !strings.Contains(txt, "条未列出") {
			t.Errorf("limit %d: text digest has %d bytes:\n%s", limit, len(txt), txt)
		}
	}
	if md := message.DigestMarkdown(sampleDigest(t, 3), message.WeCom, 4096, nil); strings.Contains(md, "未列出") {
		t.Errorf("a digest that fits claims to leave something out:\n%s", md)
	}
}

func TestDigestSummaryAndOrder(t *testing.T) {
	d := sampleDigest(t, 5) // new II, update I, repeat III, reminder III, escalation unassessed
	if got, want := d.Summary(), "其中 Ⅰ级 1 条、Ⅱ级 1 条、Ⅲ级 2 条、未评估 1 条。发送频率已达上限，以下合并发送。"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	var order []model.Severity
	for _, m := range d.Items {
		order = append(order, m.Severity)
	}
	want := []model.Severity{model.SeverityI, model.SeverityII, model.SeverityIII, model.SeverityIII, model.SeverityNone}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("digest order %v, want most severe first %v", order, want)
		}
	}
}

func TestReportGolden(t *testing.T) {
	n := model.ReportNotice{
		Title:   "咸宁市舆情周报（2026年第9周）",
		Summary: "- 监测信息 1,284 条，较上周 +12%\n- 新增案件 37 件，按时回应率 94.6%\n- 热点领域：房地产市场、生态环境",
		URL:     "https://yuqing.xianning.gov.cn/reports/2026-w09",
	}
	checkGolden(t, "report.wecom.md", message.ReportMarkdown(n, message.WeCom))
	checkGolden(t, "report.dingtalk.md", message.ReportMarkdown(n, message.DingTalk))
	checkGolden(t, "report.txt", message.ReportText(n))
}
