package analyze

// pseudoCost is the path cost gse gives a unit that is not a word by
// itself (its pseudo token).
const pseudoCost float32 = pseudoDistance

// segment is a cut [start, end) of a text, in bytes.
type segment struct{ start, end int }

// spanScratch holds the buffers of one shortest-path run, reused from span
// to span.
type spanScratch struct {
	bounds []int     // unit i is [bounds[i], bounds[i+1])
	values []uint64  // unit values
	dist   []float32 // least cost of a path to the end of unit i; 0 unset
	back   []int32   // units of the last word of that path
	// tie is set when two paths to a unit cost nearly the same: which one
	// gse takes then depends on float32 rounding of costs summed from the
	// start of the text, which a stretch does not know. Nearly is within
	// eps: ulp, the rounding step of costs along the text (costULP), once
	// per unit of the stretch.
	tie      bool
	ulp, eps float32
}

// cut appends the segments of text[lo:hi] to out, cut as gse's Segment cuts
// them. lo and hi must be ends no dictionary word crosses: then the cut of
// the span is the cut the whole text would get there. It is gse's algorithm
// (segmentWords) step for step — the same costs in float32, the same order
// of updates, so the same choice between equal paths — over units read in
// place and a hash table instead of the trie.
func (d *fastDict) cut(text string, lo, hi int, sc *spanScratch, out []segment) []segment {
	if lo >= hi {
		return out
	}
	sc.bounds, sc.values = sc.bounds[:0], sc.values[:0]
	for pos := lo; pos < hi; {
		end := unitEnd(text, pos)
		sc.bounds = append(sc.bounds, pos)
		sc.values = append(sc.values, unitValue(text[pos:end]))
		pos = end
	}
	n := len(sc.values)
	sc.bounds = append(sc.bounds, hi)
	sc.eps = float32(n+1) * sc.ulp
	sc.dist = grow(sc.dist, n)
	sc.back = grow(sc.back, n)
	clear(sc.dist)
	for cur := range n {
		var base float32
		if cur > 0 {
			base = sc.dist[cur-1]
		}
		single := false
		key := uint64(keySeed)
		for end := cur; end < n && end-cur < d.maxUnits; end++ {
			key = extendKey(key, sc.values[end])
			flags, cost := d.lookup(key)
			if flags&entryWord != 0 {
				single = single || end == cur
				sc.relax(end, base+cost, int32(end-cur+1))
			}
			if flags&entryPrefix == 0 {
				break
			}
		}
		if !single {
			sc.relax(cur, base+pseudoCost, 1)
		}
	}
	// Walk back from the end, then put the segments in text order.
	first := len(out)
	for i := n - 1; i >= 0; i -= int(sc.back[i]) {
		out = append(out, segment{sc.bounds[i+1-int(sc.back[i])], sc.bounds[i+1]})
	}
	for i, j := first, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// relax is gse's updateJumper: a zero cost means "not reached yet".
func (sc *spanScratch) relax(i int, cost float32, units int32) {
	if sc.dist[i] == 0 {
		sc.dist[i], sc.back[i] = cost, units
		return
	}
	if d := sc.dist[i] - cost; d <= sc.eps && d >= -sc.eps {
		sc.tie = true
	}
	if sc.dist[i] > cost {
		sc.dist[i], sc.back[i] = cost, units
	}
}

// grow returns s with length n, reusing its array when it is large enough.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/2)
	}
	return s[:n]
}
