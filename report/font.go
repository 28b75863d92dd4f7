package report

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// cjkFontPaths are where the usual distributions install Noto Sans CJK
// (Debian/Ubuntu fonts-noto-cjk, Fedora/RHEL google-noto-*-cjk, Arch
// noto-fonts-cjk), or an OTF of the simplified-Chinese subset.
var cjkFontPaths = []string{
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
	"/usr/share/fonts/opentype/noto/NotoSansSC-Regular.otf",
}

// FindCJKFont returns the first usual CJK font file that exists.
func FindCJKFont() (string, bool) {
	for _, p := range cjkFontPaths {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, true
		}
	}
	return "", false
}

// ErrNoCJKFont means no Chinese font was found for the charts.
var ErrNoCJKFont = errors.New("report: no CJK font found for the charts: install Noto Sans CJK " +
	"(Debian: apt-get install fonts-noto-cjk) or set report.font_file")

// LoadCJKFont reads a font file for the charts: path, or the first usual
// Noto Sans CJK file when path is empty. In a collection (.ttc) it takes
// the simplified-Chinese face. The font must have Chinese glyphs.
func LoadCJKFont(path string) (*opentype.Font, error) {
	if path == "" {
		found, ok := FindCJKFont()
		if !ok {
			return nil, ErrNoCJKFont
		}
		path = found
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("report: read font: %w", err)
	}
	face, err := pickFace(data)
	if err != nil {
		return nil, fmt.Errorf("report: load font %s: %w", path, err)
	}
	var buf sfnt.Buffer
	if g, err := face.GlyphIndex(&buf, '舆'); err != nil || g == 0 {
		return nil, fmt.Errorf("report: load font %s: it has no Chinese glyphs", path)
	}
	return face, nil
}

// pickFace returns the face of a single font, or the simplified-Chinese
// face of a collection (Noto's family names end in "SC").
func pickFace(data []byte) (*opentype.Font, error) {
	coll, err := opentype.ParseCollection(data)
	if err != nil {
		return nil, err
	}
	var buf sfnt.Buffer
	var first *opentype.Font
	for i := range coll.NumFonts() {
		f, err := coll.Font(i)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = f
		}
		name, err := f.Name(&buf, sfnt.NameIDFamily)
		if err == nil && strings.HasSuffix(name, " SC") && !strings.Contains(name, "Mono") {
			return f, nil
		}
	}
	if first == nil {
		return nil, errors.New("no font in the file")
	}
	return first, nil
}
