package message

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Split cuts text into parts that each measure at most limit by size (nil:
// length in bytes). It cuts after a line break where it can and inside an
// over-long line only between characters, never inside one. Several parts
// are numbered "（1/3）" on a line of their own, the numbering counted in
// the limit. Concatenating the parts without their numbering gives text
// back. size must be additive over text cut between characters (byte
// length and JSONSize are). A limit too small for the numbering and one character still
// yields parts of at least one character each.
func Split(text string, limit int, size func(string) int) []string {
	if size == nil {
		size = byteLen
	}
	if size(text) <= limit {
		return []string{text}
	}
	for digits := 1; ; digits++ {
		widest := strings.Repeat("9", digits)
		room := limit - size(partLabel(widest, widest))
		chunks := pack(text, room, size)
		if len(chunks) < pow10(digits) {
			out := make([]string, len(chunks))
			for i, c := range chunks {
				out[i] = partLabel(fmt.Sprint(i+1), fmt.Sprint(len(chunks))) + c
			}
			return out
		}
	}
}

func partLabel(i, n string) string { return "（" + i + "/" + n + "）\n" }

// StripPartLabel removes the numbering Split put before a part.
func StripPartLabel(part string) string {
	if !strings.HasPrefix(part, "（") {
		return part
	}
	label, rest, ok := strings.Cut(part, "）\n")
	if !ok {
		return part
	}
	var i, n int
	if _, err := fmt.Sscanf(label, "（%d/%d", &i, &n); err != nil || label != fmt.Sprintf("（%d/%d", i, n) {
		return part
	}
	return rest
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}

// pack fills chunks of at most room with whole lines, cutting a line that
// is longer than room between characters. size must be additive over
// text cut between characters, as byte length and JSONSize are.
func pack(text string, room int, size func(string) int) []string {
	var chunks []string
	var cur strings.Builder
	curSize := 0
	flush := func() {
		if cur.Len() > 0 {
			chunks = append(chunks, cur.String())
			cur.Reset()
			curSize = 0
		}
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		if line == "" {
			continue
		}
		lineSize := size(line)
		if curSize+lineSize <= room {
			cur.WriteString(line)
			curSize += lineSize
			continue
		}
		flush()
		for line != "" && lineSize > room {
			n, used := prefixFitting(line, room, size)
			chunks = append(chunks, line[:n])
			line, lineSize = line[n:], lineSize-used
		}
		cur.WriteString(line)
		curSize = lineSize
	}
	flush()
	return chunks
}

// prefixFitting returns the length in bytes of the longest prefix of s
// that ends between characters and measures at most room, and its size;
// at least one character, so that packing always moves on.
func prefixFitting(s string, room int, size func(string) int) (n, used int) {
	for n < len(s) {
		_, w := utf8.DecodeRuneInString(s[n:])
		rs := size(s[n : n+w])
		if n > 0 && used+rs > room {
			break
		}
		n += w
		used += rs
	}
	return n, used
}

// JSONSize is the length of s once encoded as a JSON string without its
// quotes and without HTML escaping (json.Encoder.SetEscapeHTML(false)):
// the measure for channels whose limit is on the request body.
func JSONSize(s string) int {
	n := 0
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			n += 6 // \ufffd
		case r == '"' || r == '\\' || r == '\n' || r == '\r' || r == '\t' || r == '\b' || r == '\f':
			n += 2
		case r < 0x20 || r == '\u2028' || r == '\u2029':
			n += 6
		default:
			n += w
		}
		i += w
	}
	return n
}
