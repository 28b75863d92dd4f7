package ingest

import (
	"regexp"
	"testing"
)

func TestCanonicalURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HTTPS://WWW.XianNing.gov.cn/a/B.html", "https://www.xianning.gov.cn/a/B.html"},
		{"http://www.xianning.gov.cn:80/a", "http://www.xianning.gov.cn/a"},
		{"https://www.xianning.gov.cn:443/a", "https://www.xianning.gov.cn/a"},
		{"https://www.xianning.gov.cn:8443/a", "https://www.xianning.gov.cn:8443/a"},
		{"http://[::1]:80/a", "http://[::1]/a"},
		{"https://www.xianning.gov.cn/a#comments", "https://www.xianning.gov.cn/a"},
		{"https://www.xianning.gov.cn", "https://www.xianning.gov.cn/"},
		{"https://www.xianning.gov.cn./a", "https://www.xianning.gov.cn/a"},
		{"https://www.xianning.gov.cn/a?utm_source=wechat&utm_medium=social&id=7", "https://www.xianning.gov.cn/a?id=7"},
		{"https://www.xianning.gov.cn/a?z=1&b=2&a=3", "https://www.xianning.gov.cn/a?a=3&b=2&z=1"},
		{"https://mp.weixin.qq.com/s?__biz=MzA&mid=1&idx=1&sn=abc&scene=21&from=timeline&isappinstalled=0#wechat_redirect",
			"https://mp.weixin.qq.com/s?__biz=MzA&idx=1&mid=1&sn=abc"},
		{"https://news.example.cn/a?spm=a2c4e.1&id=9&fbclid=x&gclid=y", "https://news.example.cn/a?id=9"},
		{"https://www.xianning.gov.cn/a?", "https://www.xianning.gov.cn/a"},
		{"https://www.xianning.gov.cn/a?q=%E5%92%B8%E5%AE%81", "https://www.xianning.gov.cn/a?q=%E5%92%B8%E5%AE%81"},
		{"https://www.xianning.gov.cn/a?q=咸宁", "https://www.xianning.gov.cn/a?q=%E5%92%B8%E5%AE%81"},
		{"  https://www.xianning.gov.cn/a  ", "https://www.xianning.gov.cn/a"},
		{"/relative/path", "/relative/path"},
		{"not a url", "not a url"},
	}
	for _, tt := range tests {
		if got := CanonicalURL(tt.in); got != tt.want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestItemID(t *testing.T) {
	const link = "https://www.xianning.gov.cn/zwdt/202611/t1.shtml"
	id := func(src, guid, link, title, content string) string { return ItemID(src, guid, link, title, content) }
	tests := []struct {
		name      string
		a, b      string
		wantEqual bool
	}{
		{"guid decides over link", id("xn", "g1", link, "标题", ""), id("xn", "g1", link+"?x=1", "另一个标题", ""), true},
		{"different guids", id("xn", "g1", link, "", ""), id("xn", "g2", link, "", ""), false},
		{"guid whitespace ignored", id("xn", " g1\n", "", "", ""), id("xn", "g1", "", "", ""), true},
		{"tracking params ignored", id("xn", "", link+"?utm_source=weibo", "", ""), id("xn", "", link, "", ""), true},
		{"host case and fragment ignored", id("xn", "", "https://WWW.XIANNING.GOV.CN/zwdt/202611/t1.shtml#top", "", ""), id("xn", "", link, "", ""), true},
		{"link decides over text", id("xn", "", link, "标题一", "正文"), id("xn", "", link, "标题二", "正文"), true},
		{"different links", id("xn", "", link, "", ""), id("xn", "", link+"?id=2", "", ""), false},
		{"text normalised", id("xn", "", "", " 通城县  油茶\n产业 ", "ＡＢＣ"), id("xn", "", "", "通城县 油茶 产业", "abc"), true},
		{"title and content are separate", id("xn", "", "", "通城县", "油茶"), id("xn", "", "", "通城县油茶", ""), false},
		{"source matters", id("xn", "g1", "", "", ""), id("tc", "g1", "", "", ""), false},
		{"guid and link bases differ", id("xn", link, "", "", ""), id("xn", "", link, "", ""), false},
	}
	for _, tt := range tests {
		if (tt.a == tt.b) != tt.wantEqual {
			t.Errorf("%s: ids %s and %s, want equal=%v", tt.name, tt.a, tt.b, tt.wantEqual)
		}
	}
}

func TestItemIDFormat(t *testing.T) {
	got := ItemID("xianning-gov", "guid-1", "", "", "")
	if !regexp.MustCompile(`^xianning-gov:[0-9a-f]{24}$`).MatchString(got) {
		t.Errorf("ItemID = %q, want source:24 hex digits", got)
	}
	// The id is stored and used as Nats-Msg-Id: it must never change for
	// the same input across releases. (sha256sum of "guid:guid-1".)
	if want := "xianning-gov:" + "ee24931349a07b315b45ea5a"; got != want {
		t.Errorf("ItemID = %q, want %q (the id of an item must be stable)", got, want)
	}
}
