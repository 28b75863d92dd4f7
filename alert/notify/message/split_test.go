package message_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuqing/yuqing/alert/notify/message"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{"fits", "舆情\n汇总", 100, []string{"舆情\n汇总"}},
		{"at line ends", "第一行内容\n第二行内容\n第三行内容", 45,
			[]string{"（1/2）\n第一行内容\n第二行内容\n", "（2/2）\n第三行内容"}},
		// "（1/3）\n" is 10 bytes, leaving 6: two characters of three bytes.
		{"inside a long line, between characters", "咸宁市通城县", 16,
			[]string{"（1/3）\n咸宁", "（2/3）\n市通", "（3/3）\n城县"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := message.Split(tt.text, tt.limit, nil)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Split = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSplitNumbersPastNine: the numbering widens when parts reach ten,
// and the wider label still fits the limit.
func TestSplitNumbersPastNine(t *testing.T) {
	text := strings.Repeat("一二三四五六七八九十\n", 30)
	parts := message.Split(text, 60, nil)
	if len(parts) < 10 || !strings.HasPrefix(parts[9], "（10/") {
		t.Fatalf("got %d parts, part 10 = %q", len(parts), parts[min(9, len(parts)-1)])
	}
	checkParts(t, text, 60, parts, nil)
}

func TestSplitLongMessageForWeCom(t *testing.T) {
	md := message.Markdown(message.Build(loadAlert(t, "long"), now, nil), message.WeCom)
	parts := message.Split(md, 4096, nil)
	if len(parts) < 2 {
		t.Fatalf("%d bytes in %d part(s); the long sample should need two", len(md), len(parts))
	}
	checkParts(t, md, 4096, parts, nil)
}

func TestJSONSize(t *testing.T) {
	for _, s := range []string{"", "咸宁", "a\"b\\c\nd\te", "\x01\x1f", "<&>", "\u2028", "bad\xff\xfe", "舆\xe6\x83"} {
		want := len(jsonString(t, s)) - 2
		if got := message.JSONSize(s); got != want {
			t.Errorf("JSONSize(%q) = %d, want %d", s, got, want)
		}
	}
}

// FuzzSplit: whatever the text and the limit, every part fits the limit
// (when the limit leaves room for the numbering and one character), no
// part cuts a character, and the parts without their numbering give the
// text back.
func FuzzSplit(f *testing.F) {
	f.Add("咸宁市通城县某楼盘停工\n业主维权", 20, false)
	f.Add(strings.Repeat("舆情监测\n", 200), 64, true)
	f.Add("a\"b\\c\n\x00\u2028", 17, true)
	f.Add("\xff\xfe混合\xe6\x83", 18, false)
	f.Fuzz(func(t *testing.T, text string, limit int, asJSON bool) {
		if limit < 0 || limit > 1<<16 {
			return
		}
		size := func(s string) int { return len(s) }
		if asJSON {
			size = message.JSONSize
		}
		parts := message.Split(text, limit, size)
		checkParts(t, text, limit, parts, size)
	})
}

func checkParts(t *testing.T, text string, limit int, parts []string, size func(string) int) {
	t.Helper()
	if size == nil {
		size = func(s string) int { return len(s) }
	}
	var joined strings.Builder
	for i, p := range parts {
		body := p
		if len(parts) > 1 {
			body = message.StripPartLabel(p)
			if body == p {
				t.Fatalf("part %d has no numbering: %q", i+1, p)
			}
		}
		// 36 bytes hold the widest label in this range and the widest
		// character (6 as JSON).
		if size(p) > limit && limit >= 36 {
			t.Fatalf("part %d measures %d, limit %d", i+1, size(p), limit)
		}
		if utf8.ValidString(text) && !utf8.ValidString(body) {
			t.Fatalf("part %d cuts a character: %q", i+1, body)
		}
		joined.WriteString(body)
	}
	if joined.String() != text {
		t.Fatalf("parts joined = %q, want %q", joined.String(), text)
	}
}

// jsonString encodes s as encoding/json does with HTML escaping off.
func jsonString(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
