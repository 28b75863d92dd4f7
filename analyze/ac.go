package analyze

import "slices"

// acAutomaton finds every occurrence of a set of words in UTF-8 text in one
// pass (Aho-Corasick, compiled into a deterministic automaton over byte
// classes). It is small and specific on purpose: rune-aligned matches of
// byte patterns, ASCII folded to lower case, all overlapping matches, with
// no dependency for a hundred lines of code.
//
// A pattern always starts with a UTF-8 lead byte, so on valid UTF-8 text a
// match always starts on a rune boundary.
type acAutomaton struct {
	// class maps a byte to its class; bytes no pattern uses share class 0.
	class  [256]uint8
	nclass int
	// next[state*nclass+class] is the state after reading a byte.
	next []int32
	// outStart[state]..outStart[state+1] index out: the patterns that end
	// at the state, its suffixes' included.
	outStart []int32
	out      []int32
	lens     []int32 // byte length of each pattern
}

// newACAutomaton compiles patterns; pattern i is reported as id i. Empty
// patterns are ignored.
func newACAutomaton(patterns []string) *acAutomaton {
	a := &acAutomaton{lens: make([]int32, len(patterns))}
	a.buildClasses(patterns)
	// The trie, with sparse children while it is built.
	children := []map[uint8]int32{{}}
	ends := [][]int32{nil}
	for id, p := range patterns {
		a.lens[id] = int32(len(p))
		if p == "" {
			continue
		}
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := a.class[p[i]]
			nx, ok := children[s][c]
			if !ok {
				nx = int32(len(children))
				children = append(children, map[uint8]int32{})
				ends = append(ends, nil)
				children[s][c] = nx
			}
			s = nx
		}
		ends[s] = append(ends[s], int32(id))
	}
	a.compile(children, ends)
	return a
}

func (a *acAutomaton) buildClasses(patterns []string) {
	var used [256]bool
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			used[foldASCII(p[i])] = true
		}
	}
	n := 1 // class 0: bytes of no pattern
	for b := 0; b < 256; b++ {
		if used[b] {
			a.class[b] = uint8(n)
			n++
			if n > 255 {
				panic("analyze: more than 255 byte classes") // impossible: 256 bytes
			}
		}
	}
	for b := 'A'; b <= 'Z'; b++ {
		a.class[b] = a.class[b+'a'-'A']
	}
	a.nclass = n
}

func foldASCII(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// compile turns the trie into the automaton: breadth first, each state's
// missing transitions follow its failure link, and its outputs include the
// failure state's.
func (a *acAutomaton) compile(children []map[uint8]int32, ends [][]int32) {
	n := len(children)
	a.next = make([]int32, n*a.nclass)
	fail := make([]int32, n)
	outs := make([][]int32, n)
	queue := []int32{0}
	outs[0] = ends[0]
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for c := 0; c < a.nclass; c++ {
			child, ok := children[s][uint8(c)]
			if !ok {
				if s != 0 {
					a.next[int(s)*a.nclass+c] = a.next[int(fail[s])*a.nclass+c]
				}
				continue
			}
			a.next[int(s)*a.nclass+c] = child
			if s != 0 {
				fail[child] = a.next[int(fail[s])*a.nclass+c]
			}
			outs[child] = append(slices.Clone(ends[child]), outs[fail[child]]...)
			queue = append(queue, child)
		}
	}
	a.outStart = make([]int32, n+1)
	for s := 0; s < n; s++ {
		a.outStart[s+1] = a.outStart[s] + int32(len(outs[s]))
		a.out = append(a.out, outs[s]...)
	}
}

// scan calls found for every occurrence of every pattern in text, with the
// byte offsets [start, end) of the occurrence, in order of end offset.
func (a *acAutomaton) scan(text string, found func(id int32, start, end int)) {
	s := int32(0)
	next, class, nclass := a.next, &a.class, a.nclass
	for i := 0; i < len(text); i++ {
		s = next[int(s)*nclass+int(class[text[i]])]
		if lo, hi := a.outStart[s], a.outStart[s+1]; lo < hi {
			for _, id := range a.out[lo:hi] {
				found(id, i+1-int(a.lens[id]), i+1)
			}
		}
	}
}
