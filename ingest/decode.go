package ingest

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// Canonical charset names reported by ToUTF8.
const (
	charsetUTF8    = "utf-8"
	charsetUTF16LE = "utf-16le"
	charsetUTF16BE = "utf-16be"
	charsetGB18030 = "gb18030"
	charsetBig5    = "big5"
	// charsetWindows1252 is what charset.Lookup calls it too.
	charsetWindows1252 = "windows-1252"
)

// declarationWindow is how far into the body the XML prolog and HTML meta
// declarations are searched; both must appear near the start to count.
const declarationWindow = 1024

var (
	xmlPrologPattern = regexp.MustCompile(`^\s*<\?xml[^>]*?\?>`)
	xmlEncodingAttr  = regexp.MustCompile(`(?i)\s+encoding\s*=\s*(?:"([^"]*)"|'([^']*)')`)
	htmlMetaCharset  = regexp.MustCompile(`(?i)<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)`)
)

// ToUTF8 converts a feed or page body to UTF-8 and reports the charset it
// was read as. The first trustworthy signal wins: a byte-order mark, the
// HTTP charset, the XML prolog, an HTML <meta> charset, then sniffing. A
// declaration the bytes contradict (declared UTF-8 but invalid, or declared
// GBK but cleanly decodable only otherwise) falls through to the next signal.
// The XML prolog of the result says encoding="utf-8", because gofeed obeys
// the prolog and would otherwise decode the converted text a second time.
func ToUTF8(body []byte, contentType string) (utf8Body []byte, charsetName string, err error) {
	out, name, err := decodeBody(body, contentType)
	if err != nil {
		return nil, "", fmt.Errorf("ingest: decode body as %s: %w", name, err)
	}
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	return rewriteXMLProlog(out), name, nil
}

func decodeBody(body []byte, contentType string) ([]byte, string, error) {
	if enc, name, rest, ok := byteOrderMark(body); ok {
		if enc == nil {
			return rest, name, nil
		}
		out, err := enc.NewDecoder().Bytes(rest)
		return out, name, err
	}
	for _, label := range declaredLabels(body, contentType) {
		if out, name, ok := decodeDeclared(body, label); ok {
			return out, name, nil
		}
	}
	out, name := sniff(body)
	return out, name, nil
}

// byteOrderMark recognises UTF-8 and UTF-16 marks. A nil encoding means the
// rest is already UTF-8.
func byteOrderMark(body []byte) (encoding.Encoding, string, []byte, bool) {
	switch {
	case bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}):
		return nil, charsetUTF8, body[3:], true
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), charsetUTF16LE, body[2:], true
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), charsetUTF16BE, body[2:], true
	}
	return nil, "", nil, false
}

// declaredLabels lists the charset labels the response declares, in order
// of authority: HTTP header, XML prolog, HTML meta.
func declaredLabels(body []byte, contentType string) []string {
	var labels []string
	if l := httpCharset(contentType); l != "" {
		labels = append(labels, l)
	}
	head := body[:min(len(body), declarationWindow)]
	if l := xmlPrologEncoding(head); l != "" {
		labels = append(labels, l)
	}
	if m := htmlMetaCharset.FindSubmatch(head); m != nil {
		labels = append(labels, string(m[1]))
	}
	return labels
}

func httpCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		return strings.TrimSpace(params["charset"])
	}
	// Servers send malformed types ("text/xml;;charset=gbk"); look for the
	// parameter by hand rather than losing the only signal we have.
	_, after, ok := strings.Cut(strings.ToLower(contentType), "charset=")
	if !ok {
		return ""
	}
	value, _, _ := strings.Cut(after, ";")
	return strings.Trim(strings.TrimSpace(value), `"' `)
}

func xmlPrologEncoding(head []byte) string {
	prolog := xmlPrologPattern.Find(head)
	if prolog == nil {
		return ""
	}
	m := xmlEncodingAttr.FindSubmatch(prolog)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(string(m[1]) + string(m[2]))
}

// lookupEncoding maps a charset label to a decoder. All GB labels use
// GB18030, the superset, because servers label GBK text as gb2312 and GBK
// as gb18030 interchangeably. A nil encoding means UTF-8.
func lookupEncoding(label string) (encoding.Encoding, string, bool) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8":
		return nil, charsetUTF8, true
	case "gb2312", "gbk", "x-gbk", "gb18030", "cp936", "windows-936", "euc-cn", "csgb2312", "chinese":
		return simplifiedchinese.GB18030, charsetGB18030, true
	case "big5", "x-big5", "big5-hkscs", "cp950", "csbig5":
		return traditionalchinese.Big5, charsetBig5, true
	}
	enc, name := charset.Lookup(label)
	if enc == nil || name == "replacement" {
		return nil, "", false
	}
	if name == charsetUTF8 {
		return nil, charsetUTF8, true
	}
	return enc, name, true
}

// decodeDeclared decodes body as label unless the bytes say the label is
// wrong: declared UTF-8 but invalid, declared legacy but valid non-ASCII
// UTF-8 (a CMS moved to UTF-8 and the server still says gbk; real GBK text
// is practically never valid UTF-8), or bytes the decoder cannot map.
func decodeDeclared(body []byte, label string) ([]byte, string, bool) {
	enc, name, ok := lookupEncoding(label)
	switch {
	case !ok:
		return nil, "", false
	case enc == nil:
		return body, name, utf8.Valid(body)
	case isASCII(body):
		return body, name, true
	case utf8.Valid(body):
		return nil, "", false
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil || bytes.Contains(out, []byte("\uFFFD")) {
		return nil, "", false
	}
	return out, name, true
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// rewriteXMLProlog makes the prolog declare UTF-8 (the body now is UTF-8),
// leaving documents without a prolog untouched.
func rewriteXMLProlog(body []byte) []byte {
	loc := xmlPrologPattern.FindIndex(body)
	if loc == nil {
		return body
	}
	prolog := body[loc[0]:loc[1]]
	m := xmlEncodingAttr.FindIndex(prolog)
	if m == nil {
		return body
	}
	out := make([]byte, 0, len(body))
	out = append(out, body[:loc[0]+m[0]]...)
	out = append(out, ` encoding="utf-8"`...)
	out = append(out, body[loc[0]+m[1]:]...)
	return out
}
