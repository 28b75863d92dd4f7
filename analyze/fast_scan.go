package analyze

import (
	"math"
	"slices"
)

// The fast mode finds the same tokens as the full mode (gse's shortest path
// over the whole text) without segmenting the whole text.
//
// gse cuts a text along the cheapest path of dictionary words and
// single-unit pseudo words. Call a boundary between two units closed when
// no dictionary word contains both units side by side: no word crosses it,
// every path passes through it, so the cut on each side of it is decided on
// that side alone. A configured word found by the matcher is therefore a
// segment of the full cut
//
//   - at once, when both its ends are closed and the word costs less whole
//     than in any pieces (pattern.whole, computed once per word);
//   - otherwise exactly when the shortest path over the stretch between the
//     nearest closed boundaries on either side cuts it out, which is gse's
//     algorithm run over a few characters.
//
// Whether a boundary is closed is read from a filter of the unit pairs that
// occur inside words (fastDict.mayJoin): when the filter is unsure, the
// stretch grows by one unit, which costs time but never changes the cut.
//
// The one thing a stretch cannot know is float32 rounding: gse sums costs
// from the start of the text, a stretch from its own start, so two paths
// within a rounding step of each other (gse's dictionary has many words of
// frequency 2 or 3, whose costs tie exactly) may be chosen differently.
// When a stretch meets such a near tie (spanScratch.tie), and for texts so
// long that the steps grow near wholeMargin, the field is cut whole, by
// gse's algorithm from its start: the fast mode's tokens are the full
// mode's, bit for bit, as the tests check on generated and fuzzed text.

// wholeMargin is how much cheaper, in bits of path cost, a word must be
// whole than in pieces to be accepted without segmenting: float32 sums of
// a long text's costs are exact to well under a bit.
const wholeMargin = 1

// fastScratch holds one fast scan's buffers, reused across scans.
type fastScratch struct {
	hits  []match
	spans []segment // stretches to segment
	segs  []segment // their segments, in text order
	span  spanScratch
	toks  []token
	// sure marks the hits accepted without segmenting.
	sure []bool
}

// prepareFast computes what the fast mode needs to know of each pattern.
func (s *scanner) prepareFast() {
	s.scratch.New = func() any { return &fastScratch{} }
	fd := s.seg.fast
	for i := range s.pats {
		p := &s.pats[i]
		p.anySuffix = "*" + p.text
		p.whole = fd.keptWhole(p.text)
		if units := appendUnitValues(nil, p.text); len(units) > 0 {
			p.firstUnit, p.lastUnit = units[0], units[len(units)-1]
		}
		r, size := runeAt(p.text, 0)
		p.runStart = isRunRune(r, size)
		r, size = lastRune(p.text, len(p.text))
		p.runEnd = isRunRune(r, size)
	}
}

// keptWhole reports whether the shortest path takes word whole wherever no
// other word crosses its ends: it is one unit, or a word that costs less
// than its cheapest cut into pieces, by wholeMargin.
func (d *fastDict) keptWhole(word string) bool {
	units := appendUnitValues(nil, word)
	switch len(units) {
	case 0:
		return false
	case 1:
		return true
	}
	key := uint64(keySeed)
	for _, v := range units {
		key = extendKey(key, v)
	}
	flags, own := d.lookup(key)
	if flags&entryWord == 0 {
		return false
	}
	// best[i]: the cheapest path over units[:i] without the whole word.
	n := len(units)
	best := make([]float64, n+1)
	for i := 1; i <= n; i++ {
		best[i] = math.Inf(1)
	}
	for from := range n {
		key := uint64(keySeed)
		single := false
		for to := from; to < n; to++ {
			key = extendKey(key, units[to])
			flags, cost := d.lookup(key)
			if flags&entryWord != 0 && !(from == 0 && to == n-1) {
				single = single || to == from
				best[to+1] = min(best[to+1], best[from]+float64(cost))
			}
			if flags&entryPrefix == 0 {
				break
			}
		}
		if !single {
			best[from+1] = min(best[from+1], best[from]+float64(pseudoCost))
		}
	}
	return float64(own)+wholeMargin < best[n]
}

// exactFieldLimit is the length, in bytes, from which a field is segmented
// whole (by fastDict.cut, still several times faster than gse): along a
// longer text, float32 sums of path costs are too coarse for wholeMargin to
// cover their rounding.
const exactFieldLimit = 16 << 10

// scanFast finds the configured words of one field of text.
func (s *scanner) scanFast(out []token, text string, f uint8) []token {
	sc := s.scratch.Get().(*fastScratch)
	defer s.scratch.Put(sc)
	fd := s.seg.fast
	sc.hits = s.match.appendMatches(sc.hits[:0], text)
	if len(sc.hits) == 0 {
		return out
	}
	sc.sure = grow(sc.sure, len(sc.hits))
	clear(sc.sure)
	sc.segs = sc.segs[:0]
	if len(text) > exactFieldLimit {
		sc.segs = fd.cut(text, 0, len(text), &sc.span, sc.segs)
		return s.emit(out, f, sc)
	}
	s.confirm(text, sc)
	sc.span.tie, sc.span.ulp = false, costULP(len(text))
	// Hits come in order of their starts, and so do the stretches around
	// them; overlapping stretches are segmented as one.
	if len(sc.spans) > 0 {
		cur := sc.spans[0]
		for _, sp := range sc.spans[1:] {
			if sp.start < cur.end {
				cur.end = max(cur.end, sp.end)
				continue
			}
			sc.segs = fd.cut(text, cur.start, cur.end, &sc.span, sc.segs)
			cur = sp
		}
		sc.segs = fd.cut(text, cur.start, cur.end, &sc.span, sc.segs)
	}
	if sc.span.tie {
		// Some stretch has two paths that rounding may decide between:
		// cut the field whole, as gse does, for its exact rounding.
		sc.segs = fd.cut(text, 0, len(text), &sc.span, sc.segs[:0])
	}
	return s.emit(out, f, sc)
}

// confirm marks the hits that are whole words for sure and collects the
// stretches to segment for the others.
func (s *scanner) confirm(text string, sc *fastScratch) {
	fd := s.seg.fast
	sc.spans = sc.spans[:0]
	covered := segment{}
	for i, h := range sc.hits {
		p := &s.pats[h.id]
		if h.start >= covered.start && h.end <= covered.end {
			// Inside a stretch already found (hits come in order of their
			// starts): its segments will tell.
			continue
		}
		// A word or a delimiter must be a whole segment, a suffix only end
		// one.
		if !p.suffix && p.whole {
			left, right, ok := fd.edges(text, h.start, h.end, p)
			if !ok {
				continue
			}
			if !fd.mayJoin(left, p.firstUnit) && !fd.mayJoin(p.lastUnit, right) {
				sc.sure[i] = true
				continue
			}
		} else if !isUnitBoundary(text, h.end) || (!p.suffix && !isUnitBoundary(text, h.start)) {
			continue
		}
		covered = fd.stretch(text, h.start, h.end)
		sc.spans = append(sc.spans, covered)
	}
}

// costULP bounds the rounding step of float32 path costs along a text of n
// bytes: no unit costs more than pseudoCost, so no sum exceeds 32·n.
func costULP(n int) float32 {
	bound := float32(pseudoCost) * float32(n+1)
	return math.Nextafter32(bound, float32(math.Inf(1))) - bound
}

// emit turns the confirmed hits into tokens, in the full mode's order, and
// appends them to out.
func (s *scanner) emit(out []token, f uint8, sc *fastScratch) []token {
	toks := sc.toks[:0]
	clause, j := 0, 0
	shared := false // two tokens of one segment
	for i, h := range sc.hits {
		p := &s.pats[h.id]
		segStart := h.start
		if !sc.sure[i] {
			// The segment that holds the hit's start must end where the
			// hit ends. Hits and segments come in text order.
			for j < len(sc.segs) && sc.segs[j].end <= h.start {
				j++
			}
			if j == len(sc.segs) || sc.segs[j].start > h.start || sc.segs[j].end != h.end {
				continue
			}
			segStart = sc.segs[j].start
		}
		if segStart == h.start && p.delim {
			clause++
			continue
		}
		if p.word && segStart == h.start {
			shared = shared || len(toks) > 0 && toks[len(toks)-1].start == segStart
			toks = append(toks, token{word: p.text, field: f, start: h.start, end: h.end, clause: clause})
		}
		if p.suffix && segStart <= h.start {
			shared = shared || len(toks) > 0 && toks[len(toks)-1].start == segStart
			toks = append(toks, token{word: p.anySuffix, field: f, start: segStart, end: h.end, clause: clause})
		}
	}
	if shared {
		// Tokens of one segment come out by the start of their hits; the
		// full mode puts the word first, then suffixes in the order of
		// suffixLens.
		slices.SortStableFunc(toks, s.tokenOrder)
	}
	sc.toks = toks
	if len(toks) == 0 {
		return out
	}
	// The scratch is reused: the tokens are copied out, into a slice of
	// their own size rather than one sized for every hit.
	return append(out, toks...)
}

// tokenOrder orders tokens by segment, then as the full mode emits them.
func (s *scanner) tokenOrder(a, b token) int {
	if a.start != b.start {
		return a.start - b.start
	}
	return s.rankOf(a) - s.rankOf(b)
}

func (s *scanner) rankOf(t token) int {
	if t.word[0] != '*' {
		return 0
	}
	return 1 + slices.Index(s.suffixLens, len(t.word)-1)
}

// edges returns the values of the units just before and just after a hit
// of p at text[start:end] (0 at the ends of the text), or ok false when the
// hit does not start and end on unit boundaries. Inside a hit with unit
// boundaries at both ends, the units are p's own.
func (d *fastDict) edges(text string, start, end int, p *pattern) (left, right uint64, ok bool) {
	if start > 0 {
		r, size := lastRune(text, start)
		if isRunRune(r, size) {
			if p.runStart {
				return 0, 0, false
			}
			left = unitValue(text[unitStart(text, start):start])
		} else {
			left = unitValue(text[start-size : start])
		}
	}
	if end < len(text) {
		r, size := runeAt(text, end)
		if isRunRune(r, size) {
			if p.runEnd {
				return 0, 0, false
			}
			right = unitValue(text[end:unitEnd(text, end)])
		} else {
			right = unitValue(text[end : end+size])
		}
	}
	return left, right, true
}

// stretch returns the nearest closed boundaries around text[start:end]. start
// may be inside a run of letters, end is a unit boundary.
func (d *fastDict) stretch(text string, start, end int) segment {
	lo := start
	if !isUnitBoundary(text, lo) {
		lo = unitStart(text, lo)
	}
	for right := uint64(0); lo > 0; {
		if right == 0 {
			right = unitValue(text[lo:unitEnd(text, lo)])
		}
		prev := unitStart(text, lo)
		left := unitValue(text[prev:lo])
		if !d.mayJoin(left, right) {
			break
		}
		lo, right = prev, left
	}
	hi := end
	for left := uint64(0); hi < len(text); {
		if left == 0 {
			left = unitValue(text[unitStart(text, hi):hi])
		}
		next := unitEnd(text, hi)
		right := unitValue(text[hi:next])
		if !d.mayJoin(left, right) {
			break
		}
		hi, left = next, right
	}
	return segment{lo, hi}
}
