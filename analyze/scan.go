package analyze

import (
	"slices"
	"sync"
	"unicode"
)

// Fields of an item.
const (
	fieldTitle uint8 = iota
	fieldBody
)

// token is one occurrence of a configured word (a term, a rule word, a
// place name, a lexicon word) that the segmenter cuts out whole.
type token struct {
	// word is the configured word; for a suffix term it is "*" + suffix and
	// the word as found is text[start:end].
	word  string
	field uint8
	// start and end are byte offsets in the normalized field text.
	start, end int
	// clause numbers the clause of the field the token is in: clauses are
	// separated by sentence and clause punctuation.
	clause int
}

// scanned is an item's text as the analysis sees it: the normalized title
// and body, and the configured words found in them, in text order (title
// first).
type scanned struct {
	title, body string
	tokens      []token
}

func (d *scanned) text(field uint8) string {
	if field == fieldTitle {
		return d.title
	}
	return d.body
}

// Segmentation modes.
const (
	// ModeFast finds candidate words in one pass over the text and checks
	// that each is a whole word where it stands: at once when no dictionary
	// word can cross its ends, else by segmenting the few characters
	// between the nearest ends no word crosses (see fast_scan.go).
	ModeFast = "fast"
	// ModeFull segments every text whole: the reference the fast mode is
	// measured against.
	ModeFull = "full"
)

// scanner finds the configured words of a text.
type scanner struct {
	seg  *Segmenter
	mode string
	// match finds the patterns for the fast mode.
	match *runeMatcher
	// pats maps a matcher id to what it finds.
	pats  []pattern
	known map[string]bool
	// suffixes are word endings that match any word ending in them; a
	// token found by one has the word "*" + suffix. suffixLens lists
	// their byte lengths.
	suffixes   []string
	suffixSet  map[string]bool
	suffixLens []int
	// scratch holds *fastScratch buffers for the fast mode.
	scratch sync.Pool
}

// pattern is one string the matcher looks for.
type pattern struct {
	text   string
	word   bool // a whole word
	suffix bool // the end of a word
	delim  bool // a clause delimiter
	// whole: wherever no dictionary word crosses its ends, the shortest
	// path takes the word whole rather than in pieces.
	whole bool
	// firstUnit and lastUnit are the values of the pattern's first and last
	// units; runStart and runEnd say whether it starts or ends with a
	// letter or digit of a run.
	firstUnit, lastUnit uint64
	runStart, runEnd    bool
	// anySuffix is the token word of a suffix: "*" + text.
	anySuffix string
}

// clauseDelimiters separate clauses: negation and degree words reach only
// within their clause.
var clauseDelimiters = []string{"，", "。", "！", "？", "；", "：", ",", "!", "?", ";", "\n", "…"}

func newScanner(seg *Segmenter, mode string, words, suffixes []string) *scanner {
	s := &scanner{seg: seg, mode: mode, known: map[string]bool{}}
	index := map[string]int{}
	add := func(text string, set func(*pattern)) {
		i, ok := index[text]
		if !ok {
			i = len(s.pats)
			index[text] = i
			s.pats = append(s.pats, pattern{text: text})
		}
		set(&s.pats[i])
	}
	for _, w := range slices.Sorted(slices.Values(words)) {
		if w != "" {
			s.known[w] = true
			add(w, func(p *pattern) { p.word = true })
		}
	}
	for _, suf := range slices.Sorted(slices.Values(suffixes)) {
		if suf != "" && !slices.Contains(s.suffixes, suf) {
			s.suffixes = append(s.suffixes, suf)
			if s.suffixSet == nil {
				s.suffixSet = map[string]bool{}
			}
			s.suffixSet[suf] = true
			if !slices.Contains(s.suffixLens, len(suf)) {
				s.suffixLens = append(s.suffixLens, len(suf))
			}
			add(suf, func(p *pattern) { p.suffix = true })
		}
	}
	for _, d := range clauseDelimiters {
		add(d, func(p *pattern) { p.delim = true })
	}
	texts := make([]string, len(s.pats))
	for i, p := range s.pats {
		texts[i] = p.text
	}
	if mode != ModeFull {
		s.match = newRuneMatcher(texts)
		s.prepareFast()
	}
	return s
}

// scan normalizes an item's title and body and finds its words.
func (s *scanner) scan(title, body string) *scanned {
	d := &scanned{title: normalizeWord(title), body: normalizeWord(body)}
	for _, f := range []uint8{fieldTitle, fieldBody} {
		text := d.text(f)
		if text == "" {
			continue
		}
		if s.mode == ModeFull {
			d.tokens = s.scanFull(d.tokens, text, f)
		} else {
			d.tokens = s.scanFast(d.tokens, text, f)
		}
	}
	return d
}

// scanFull segments the whole text and keeps the known words.
func (s *scanner) scanFull(out []token, text string, f uint8) []token {
	clause := 0
	for _, sg := range s.seg.gse.Segment([]byte(text)) {
		w := text[sg.Start():sg.End()]
		if slices.Contains(clauseDelimiters, w) {
			clause++
			continue
		}
		if s.known[w] {
			out = append(out, token{word: w, field: f, start: sg.Start(), end: sg.End(), clause: clause})
		}
		for _, n := range s.suffixLens {
			if n <= len(w) && s.suffixSet[w[len(w)-n:]] {
				out = append(out, token{word: "*" + w[len(w)-n:], field: f, start: sg.Start(), end: sg.End(), clause: clause})
			}
		}
	}
	return out
}

// isHardBoundary reports whether no word can span r: the segmenter never
// joins punctuation, spaces or symbols with their neighbours.
func isHardBoundary(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }
