package ingest

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// maxHTMLPasses bounds how often escaped markup is unwrapped: feeds put
// HTML-escaped HTML into CDATA ("&lt;p&gt;…"), which one pass turns into
// markup again.
const maxHTMLPasses = 3

// HTMLToText turns an HTML fragment into plain text: scripts and styles are
// dropped, entities decoded, block elements become line breaks, runs of
// whitespace (line breaks in the source included) become one space, and
// empty lines are removed. The result never contains anything a browser
// would read as a tag, even for hostile input.
func HTMLToText(s string) string {
	text := firstPass(s)
	for pass := 1; pass < maxHTMLPasses && (containsTagStart(text) || escapedTagStart.MatchString(text)); pass++ {
		text = htmlPass(text)
	}
	return neutraliseTagStarts(text)
}

// firstPass reads s as HTML, except that text without any markup keeps
// its line breaks: a plain-text description's lines are its paragraphs.
func firstPass(s string) string {
	if strings.Contains(s, "<") {
		return htmlPass(s)
	}
	var lines []string
	for line := range strings.SplitSeq(s, "\n") {
		if text := htmlPass(line); text != "" {
			lines = append(lines, text)
		}
	}
	return strings.Join(lines, "\n")
}

// escapedTagStart finds markup escaped once more than the feed format
// needed ("&lt;p&gt;" inside CDATA), which the next pass turns into text.
var escapedTagStart = regexp.MustCompile(`(?i)&(?:lt|#0*60|#x0*3c);[a-z/!?]`)

// singleLine is HTMLToText for titles: line breaks become spaces.
func singleLine(s string) string {
	return strings.ReplaceAll(HTMLToText(s), "\n", " ")
}

// Elements whose content is never text for a reader. Only raw-text
// elements are listed: the tokenizer ends them at their own end tag, so an
// unclosed one in hostile input cannot swallow more than it would in a
// browser.
func isDroppedElement(tag string) bool {
	switch tag {
	case "script", "style", "noscript", "iframe", "noembed", "noframes":
		return true
	}
	return false
}

// Elements that start a new line.
func isBlockElement(tag string) bool {
	switch tag {
	case "p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "thead", "tbody",
		"tfoot", "caption", "blockquote", "pre", "section", "article", "header", "footer", "nav",
		"aside", "main", "figure", "figcaption", "address", "h1", "h2", "h3", "h4", "h5", "h6",
		"form", "fieldset", "legend", "details", "summary", "center":
		return true
	}
	return false
}

func htmlPass(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	z.AllowCDATA(true)
	var b textBuilder
	var dropped []string // open dropped elements, innermost last
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if len(dropped) == 0 {
				b.WriteText(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if tag == "title" || tag == "textarea" || tag == "plaintext" || tag == "xmp" {
				// Read their content as markup, so tags in it are removed
				// rather than kept as literal text.
				z.NextIsNotRawText()
			}
			if isDroppedElement(tag) && tt == html.StartTagToken {
				dropped = append(dropped, tag)
			}
			b.Separate(tag)
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if n := len(dropped); n > 0 && dropped[n-1] == tag {
				dropped = dropped[:n-1]
			}
			b.Separate(tag)
		}
	}
}

// textBuilder writes text with whitespace collapsed as it goes.
type textBuilder struct {
	sb             strings.Builder
	pendingSpace   bool
	pendingNewline bool
}

func (b *textBuilder) Separate(tag string) {
	switch {
	case isBlockElement(tag):
		b.pendingNewline = true
	case tag == "td" || tag == "th" || tag == "img":
		b.pendingSpace = true
	}
}

func (b *textBuilder) WriteText(s string) {
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			b.pendingSpace = true
		case unicode.IsControl(r) || r == '\u200b' || r == '\ufeff':
			// Invisible characters that only confuse later stages.
		default:
			b.flushSeparator()
			b.sb.WriteRune(r)
		}
	}
}

func (b *textBuilder) flushSeparator() {
	if b.sb.Len() > 0 {
		switch {
		case b.pendingNewline:
			b.sb.WriteByte('\n')
		case b.pendingSpace:
			b.sb.WriteByte(' ')
		}
	}
	b.pendingSpace, b.pendingNewline = false, false
}

func (b *textBuilder) String() string { return b.sb.String() }

// containsTagStart reports whether s has "<" followed by what an HTML
// tokenizer would take as the start of a tag, comment or declaration.
func containsTagStart(s string) bool {
	for i := strings.IndexByte(s, '<'); i >= 0; {
		if i+1 < len(s) && isTagStartByte(s[i+1]) {
			return true
		}
		j := strings.IndexByte(s[i+1:], '<')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

func isTagStartByte(c byte) bool {
	return c == '/' || c == '!' || c == '?' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// neutraliseTagStarts replaces the "<" of anything tag-like that survived
// the passes (deeply escaped markup) with a full-width "＜", which reads the
// same to a person and is no markup to any renderer.
func neutraliseTagStarts(s string) string {
	if !containsTagStart(s) {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		if s[i] == '<' && i+1 < len(s) && isTagStartByte(s[i+1]) {
			sb.WriteString("＜")
			continue
		}
		sb.WriteByte(s[i])
	}
	out := sb.String()
	if !utf8.ValidString(out) {
		out = strings.ToValidUTF8(out, "\uFFFD")
	}
	return out
}
