package analyze

import (
	"slices"
	"unicode"
	"unicode/utf8"
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
	// ModeFast finds candidate words with one automaton pass and segments
	// only a few characters around each to check that it is a whole word.
	ModeFast = "fast"
	// ModeFull segments every text whole: the reference the fast mode is
	// measured against.
	ModeFull = "full"
)

// confirmWindow is how many characters on each side of a candidate word are
// segmented with it. Segmentation is a shortest path, so a word's cut
// depends only on its neighbourhood; four characters hold the words that
// could compete with it (measured: see BenchmarkAnalyze and the agreement
// test).
const confirmWindow = 4

// scanner finds the configured words of a text.
type scanner struct {
	seg  *Segmenter
	mode string
	ac   *acAutomaton
	// pats maps an automaton id to what it finds.
	pats  []pattern
	known map[string]bool
	// suffixes are word endings that match any word ending in them; a
	// token found by one has the word "*" + suffix. suffixLens lists
	// their byte lengths.
	suffixes   []string
	suffixSet  map[string]bool
	suffixLens []int
}

// pattern is one string the automaton looks for.
type pattern struct {
	text   string
	word   bool // a whole word
	suffix bool // the end of a word
	delim  bool // a clause delimiter
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
	s.ac = newACAutomaton(texts)
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

// candidate is an automaton match not yet confirmed as a whole word.
type candidate struct {
	pat        *pattern
	start, end int
}

// scanFast finds candidates with the automaton and confirms each by
// segmenting a window around it.
func (s *scanner) scanFast(out []token, text string, f uint8) []token {
	var cands []candidate
	var delims []int // end offsets of clause delimiters, ascending
	s.ac.scan(text, func(id int32, start, end int) {
		p := &s.pats[id]
		if p.word || p.suffix {
			cands = append(cands, candidate{pat: p, start: start, end: end})
		}
		if p.delim {
			delims = append(delims, end)
		}
	})
	if len(cands) == 0 {
		return out
	}
	// Dense hits (a judgement word every few characters) would make
	// windows cover the whole text anyway: cut it whole at once.
	if len(cands)*8*3 > len(text) { // a candidate every 8 characters or closer
		return s.scanFull(out, text, f)
	}
	// The automaton reports by end; windows are merged by start.
	slices.SortFunc(cands, func(a, b candidate) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return a.end - b.end
	})
	// Merge the windows; when they cover most of the text, cutting it whole
	// is cheaper than cutting it in pieces, and exact.
	type window struct{ lo, hi int }
	var wins []window
	covered := 0
	for i := 0; i < len(cands); {
		lo, hi := windowStart(text, cands[i].start), windowEnd(text, cands[i].end)
		j := i + 1
		for j < len(cands) && windowStart(text, cands[j].start) <= hi {
			hi = max(hi, windowEnd(text, cands[j].end))
			j++
		}
		wins = append(wins, window{lo, hi})
		covered += hi - lo
		i = j
	}
	if covered*2 > len(text) {
		return s.scanFull(out, text, f)
	}
	// segs holds the segments found, as [start, end) in text, ascending.
	var segs [][2]int
	for _, w := range wins {
		for _, sg := range s.seg.gse.Segment([]byte(text[w.lo:w.hi])) {
			segs = append(segs, [2]int{w.lo + sg.Start(), w.lo + sg.End()})
		}
	}
	for _, c := range cands {
		clause, _ := slices.BinarySearch(delims, c.start+1)
		// The segment that ends where the candidate ends, if any.
		i, found := slices.BinarySearchFunc(segs, c.end, func(sg [2]int, end int) int { return sg[1] - end })
		if !found {
			continue
		}
		sg := segs[i]
		if c.pat.word && sg[0] == c.start {
			out = append(out, token{word: c.pat.text, field: f, start: c.start, end: c.end, clause: clause})
		}
		if c.pat.suffix && sg[0] <= c.start {
			out = append(out, token{word: "*" + c.pat.text, field: f, start: sg[0], end: c.end, clause: clause})
		}
	}
	return out
}

// isHardBoundary reports whether no word can span r: the segmenter never
// joins punctuation, spaces or symbols with their neighbours.
func isHardBoundary(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }

// isAlnum reports whether r is one of the letters or digits the segmenter
// groups into one unit (ASCII and other one- or two-byte letters).
func isAlnum(r rune) bool {
	return utf8.RuneLen(r) <= 2 && (unicode.IsLetter(r) || unicode.IsNumber(r))
}

// windowStart moves back from pos by confirmWindow characters, stopping
// after a hard boundary and never inside a run of letters and digits.
func windowStart(text string, pos int) int {
	for n := 0; pos > 0; {
		r, size := utf8.DecodeLastRuneInString(text[:pos])
		if isHardBoundary(r) {
			return pos
		}
		if n >= confirmWindow && !isAlnum(r) {
			return pos
		}
		pos -= size
		if !isAlnum(r) {
			n++
		}
	}
	return pos
}

// windowEnd moves on from pos by confirmWindow characters, like
// windowStart.
func windowEnd(text string, pos int) int {
	for n := 0; pos < len(text); {
		r, size := utf8.DecodeRuneInString(text[pos:])
		if isHardBoundary(r) {
			return pos
		}
		if n >= confirmWindow && !isAlnum(r) {
			return pos
		}
		pos += size
		if !isAlnum(r) {
			n++
		}
	}
	return pos
}
