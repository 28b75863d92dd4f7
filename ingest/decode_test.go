package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestToUTF8Fixtures(t *testing.T) {
	tests := []struct {
		file        string
		contentType string
		wantCharset string
		wantText    string
	}{
		{"rss-utf8.xml", "application/rss+xml", "utf-8", "召开油茶产业发展推进会"},
		{"rss-gb2312-prolog.xml", "text/xml", "gb18030", "嘉鱼虾稻香米获评优质农产品（镕、堃等GBK扩展字）"},
		{"rss-gbk-undeclared.xml", "", "gb18030", "咸宁市召开非法集资风险防范工作会议"},
		{"rss-gbk-http-only.xml", "text/xml; charset=GBK", "gb18030", "通城县城乡居民医疗保险参保缴费启动"},
		{"rss-big5.xml", "", "big5", "通山縣開展電信網絡詐騙防範宣傳"},
		{"rss-big5.xml", "text/xml; charset=big5", "big5", "咸寧市舉辦鄉村振興論壇"},
		{"rss-utf16le-bom.xml", "", "utf-16le", "赤壁市开展“蓝天碧水净土”专项行动"},
		// The header lies (utf-8) and so does the prolog; the bytes win.
		{"rss-declared-utf8-actually-gbk.xml", "text/xml; charset=utf-8", "gb18030", "咸宁高新区管委会"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.contentType, func(t *testing.T) {
			out, cs, err := ToUTF8(readFixture(t, tt.file), tt.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if cs != tt.wantCharset {
				t.Errorf("charset = %q, want %q", cs, tt.wantCharset)
			}
			checkDecoded(t, out, tt.wantText)
		})
	}
}

func checkDecoded(t *testing.T, out []byte, want string) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Fatal("output is not valid UTF-8")
	}
	if !bytes.Contains(out, []byte(want)) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	if bytes.Contains(out, []byte("\uFFFD")) {
		t.Errorf("output has replacement characters:\n%s", out)
	}
	if prolog := xmlPrologPattern.Find(out); prolog != nil {
		if enc := xmlPrologEncoding(prolog); enc != "" && !strings.EqualFold(enc, "utf-8") {
			t.Errorf("prolog still declares %q: %s", enc, prolog)
		}
	}
}

func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestToUTF8Signals(t *testing.T) {
	const zh = "咸宁市通城县油茶产业发展推进会在县政府召开，会议要求各部门抓好落实。"
	const zhTW = "咸寧市通城縣油茶產業發展推進會在縣政府召開，會議要求各部門抓好落實。"
	const latin = "Café com pão e informação"
	const cyrillic = "Новости города Сяньнин"
	const kana = "咸寧市のニュース"
	gbk := func(s string) []byte { return encode(t, simplifiedchinese.GBK, s) }
	tests := []struct {
		name        string
		body        []byte
		contentType string
		wantCharset string
		want        string
	}{
		{"utf-8 BOM", append([]byte{0xEF, 0xBB, 0xBF}, "<rss>"+zh+"</rss>"...), "text/xml; charset=gbk", "utf-8", "<rss>" + zh},
		{"utf-16be BOM", append([]byte{0xFE, 0xFF}, encode(t, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), zh)...), "", "utf-16be", zh},
		// Sniffing never picks these encodings: only the declaration can
		// have chosen them.
		{"header windows-1251", encode(t, charmap.Windows1251, cyrillic), "text/plain; charset=windows-1251", "windows-1251", cyrillic},
		{"prolog shift_jis", append([]byte(`<?xml version="1.0" encoding="Shift_JIS"?>`), encode(t, japanese.ShiftJIS, kana)...), "", "shift_jis", kana},
		{"header iso-8859-1 alias", encode(t, charmap.Windows1252, latin), "text/xml; charset=ISO-8859-1", "windows-1252", latin},
		{"malformed header", gbk(zh), "text/xml;;charset=gb2312", "gb18030", zh},
		{"prolog single quotes", append([]byte(`<?xml version='1.0' encoding='GBK'?>`), gbk(zh)...), "", "gb18030", zh},
		{"html meta", append([]byte(`<html><head><meta charset="gb2312"></head><body>`), gbk(zh)...), "", "gb18030", zh},
		{"html meta http-equiv", append([]byte(`<meta http-equiv="Content-Type" content="text/html; charset=big5">`), encode(t, traditionalchinese.Big5, zhTW)...), "", "big5", zhTW},
		{"stale gbk label on utf-8", []byte(`<?xml version="1.0" encoding="gbk"?><rss>` + zh + `</rss>`), "text/xml; charset=gbk", "utf-8", zh},
		{"unknown label", gbk(zh), "text/xml; charset=x-unknown", "gb18030", zh},
		{"undeclared big5", encode(t, traditionalchinese.Big5, zhTW), "", "big5", zhTW},
		{"undeclared gbk", gbk(zh), "", "gb18030", zh},
		{"undeclared latin", encode(t, charmap.Windows1252, latin), "", "windows-1252", latin},
		{"plain ascii", []byte("<rss>xianning</rss>"), "", "utf-8", "<rss>xianning</rss>"},
		{"empty", nil, "", "utf-8", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, cs, err := ToUTF8(tt.body, tt.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if cs != tt.wantCharset {
				t.Errorf("charset = %q, want %q", cs, tt.wantCharset)
			}
			checkDecoded(t, out, tt.want)
		})
	}
}

// A body larger than the sniffing sample is judged on the sample and
// decoded whole; the cut must not split a character.
func TestToUTF8LargeUndeclared(t *testing.T) {
	const line = "咸宁市各县市区开展城乡居民医疗保险集中参保缴费工作，通城县、崇阳县进展较快。\n"
	text := strings.Repeat(line, sniffWindow/len(line)*2)
	out, cs, err := ToUTF8(encode(t, simplifiedchinese.GBK, text), "")
	if err != nil || cs != "gb18030" || string(out) != text {
		t.Fatalf("charset %q, err %v, round trip ok: %v", cs, err, string(out) == text)
	}
}

func TestRewriteXMLProlog(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<?xml version="1.0" encoding="gb2312"?><rss/>`, `<?xml version="1.0" encoding="utf-8"?><rss/>`},
		{"\n  <?xml version='1.0' encoding='GBK' standalone='yes'?>\n<rss/>", "\n  <?xml version='1.0' encoding=\"utf-8\" standalone='yes'?>\n<rss/>"},
		{`<?xml version="1.0"?><rss/>`, `<?xml version="1.0"?><rss/>`},
		{`<rss encoding="gbk"/>`, `<rss encoding="gbk"/>`},
		// Only the prolog is touched, not a later processing instruction.
		{`<?xml version="1.0" encoding="big5"?><?xml-stylesheet encoding="x"?>`, `<?xml version="1.0" encoding="utf-8"?><?xml-stylesheet encoding="x"?>`},
	}
	for _, tt := range tests {
		if got := string(rewriteXMLProlog([]byte(tt.in))); got != tt.want {
			t.Errorf("rewriteXMLProlog(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzToUTF8(f *testing.F) {
	for _, name := range fixtureNames(f) {
		f.Add(readFixture(f, name), "")
	}
	f.Add([]byte{0xFF, 0xFE, 0x3C}, "")
	f.Add([]byte(`<?xml encoding="gbk"?>`+"\xd6\xd0"), "text/xml; charset=big5")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		out, _, err := ToUTF8(body, contentType)
		if err != nil {
			return
		}
		if !utf8.Valid(out) {
			t.Fatalf("ToUTF8(%q, %q) is not valid UTF-8: %q", body, contentType, out)
		}
		if prolog := xmlPrologPattern.Find(out); prolog != nil {
			if enc := xmlPrologEncoding(prolog); enc != "" && enc != "utf-8" {
				t.Fatalf("prolog still declares %q", enc)
			}
		}
	})
}

// fixtureNames lists the feed fixtures, for seeding fuzz targets.
func fixtureNames(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}
