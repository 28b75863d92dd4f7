package ingest

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "咸宁市人民政府", "咸宁市人民政府"},
		{"inline tags", "<b>通城县</b>召开<em>油茶</em>产业会", "通城县召开油茶产业会"},
		{"entities", "各乡镇&amp;部门&nbsp;&hellip;&#x54B8;&#23425;&lt;通知&gt;", "各乡镇&部门 …咸宁<通知>"},
		{"blocks become lines", "<p>第一段</p><p>第二段</p><div>第三段<br>换行</div>", "第一段\n第二段\n第三段\n换行"},
		{"list and table", "<ul><li>一</li><li>二</li></ul><table><tr><td>产值</td><td>12亿元</td></tr></table>", "一\n二\n产值 12亿元"},
		{"script and style dropped", `前<script>alert("咸宁")</script><style>p{}</style><noscript>无脚本</noscript>后`, "前后"},
		{"whitespace collapsed", "  咸安区 \t  桂花\u00a0\u00a0产业\u3000\u3000发展  ", "咸安区 桂花 产业 发展"},
		{"markup source line breaks are spaces", "<b>咸宁</b>\n市\r\n通城", "咸宁 市 通城"},
		{"plain text keeps its lines", "咸宁市\r\n\n  通城县 &amp; 崇阳县\n", "咸宁市\n通城县 & 崇阳县"},
		{"empty lines removed", "<p></p><p>  </p><p>内容</p><br><br>", "内容"},
		{"cdata", "<![CDATA[崇阳县<雷竹>]]>产业", "崇阳县<雷竹>产业"},
		{"comment dropped", "嘉鱼<!-- 注释 -->县", "嘉鱼县"},
		{"escaped html unwrapped", "&lt;p&gt;赤壁&lt;b&gt;青砖茶&lt;/b&gt;&lt;/p&gt;", "赤壁青砖茶"},
		{"double escaped html unwrapped", "&amp;lt;b&amp;gt;通山&amp;lt;/b&amp;gt;", "通山"},
		{"comparison kept", "PM2.5 < 35 且 AQI<50", "PM2.5 < 35 且 AQI<50"},
		{"title content is markup", "<title>a<b>咸宁</b></title>", "a咸宁"},
		{"control characters dropped", "咸\x00宁\x1b市\u200b", "咸宁市"},
		{"invalid utf-8 replaced", "咸\xff宁", "咸\uFFFD宁"},
		{"unclosed tag", "通城<a href=", "通城"},
		{"only markup", "<img src=x><br/>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HTMLToText(tt.in); got != tt.want {
				t.Errorf("HTMLToText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHTMLToTextHostile(t *testing.T) {
	hostile := []string{
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		"&amp;amp;lt;img src=x onerror=alert(1)&amp;amp;gt;",
		"<plaintext><script>alert(1)</script>",
		"<xmp><iframe src=//evil></iframe></xmp>",
		"<textarea><svg onload=alert(1)></textarea>",
		"<scr<script>ipt>alert(1)</script>",
		"<![CDATA[<img src=x onerror=alert(1)>]]>",
		"&#60;a href=javascript:alert(1)&#62;点击&#60;/a&#62;",
		"<<b>>咸宁<</b>>",
		"< script>not a tag</ script>",
	}
	for _, in := range hostile {
		got := HTMLToText(in)
		if containsTagStart(got) {
			t.Errorf("HTMLToText(%q) = %q still contains a tag", in, got)
		}
	}
}

func TestNeutraliseTagStarts(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<b>咸宁</b>", "＜b>咸宁＜/b>"},
		{"<!-- x --><?php", "＜!-- x -->＜?php"},
		{"a < b, 3<5, <", "a < b, 3<5, <"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := neutraliseTagStarts(tt.in); got != tt.want {
			t.Errorf("neutraliseTagStarts(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSingleLine(t *testing.T) {
	if got, want := singleLine("<p>咸宁市</p><p>通城县</p>"), "咸宁市 通城县"; got != want {
		t.Errorf("singleLine = %q, want %q", got, want)
	}
}

func FuzzHTMLToText(f *testing.F) {
	f.Add("<p>咸宁市<b>通城县</b></p>")
	f.Add("&lt;script&gt;alert(1)&lt;/script&gt;")
	f.Add("<![CDATA[<b>x</b>]]>")
	f.Add("<plaintext><a>")
	for _, name := range fixtureNames(f) {
		f.Add(string(readFixture(f, name)))
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := HTMLToText(in)
		if !utf8.ValidString(out) {
			t.Fatalf("HTMLToText(%q) = %q is not valid UTF-8", in, out)
		}
		if containsTagStart(out) {
			t.Fatalf("HTMLToText(%q) = %q contains a tag", in, out)
		}
		if out != strings.TrimSpace(out) || strings.Contains(out, "\n\n") || strings.Contains(out, "  ") {
			t.Fatalf("HTMLToText(%q) = %q has uncollapsed whitespace", in, out)
		}
	})
}
