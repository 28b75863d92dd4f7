package analyze

import (
	"math/bits"
	"unicode/utf8"
)

// runeMatcher finds every occurrence of a set of words in text, character
// by character, in a trie of the words: the first step is an array lookup
// (behind a bit per character that says whether any word starts with it),
// the next steps a hash table of (node, character) → node. On Chinese text
// it reads each character once, where a byte automaton takes three
// dependent steps per character through a table too large for the cache.
//
// Matching is exact: the scanner's text is already lower-cased, and a word
// only matches whole characters (a byte of broken UTF-8 matches nothing).
type runeMatcher struct {
	// starts has a bit for every character below firstLimit that starts a
	// word; first maps such a character to its node.
	starts [firstLimit / 64]uint64
	first  []int32
	// edges maps edgeKey(node, rune) to the child node; 0 is an empty slot
	// (no edge leads to the root).
	edgeKeys  []uint64
	edgeNodes []int32
	edgeShift uint
	// word[node] is the pattern that ends at node, -1 if none; leaf[node]
	// says that no longer pattern goes through it.
	word []int32
	leaf []bool
	lens []int32 // byte length of each pattern
}

// firstLimit bounds the characters looked up in an array rather than the
// hash table: it covers ASCII, CJK punctuation and the CJK ideographs.
const firstLimit = 0xA000

// match is one occurrence of pattern id at text[start:end].
type match struct {
	id         int32
	start, end int
}

// newRuneMatcher compiles patterns; pattern i is reported as id i, a
// repeated pattern under its first id. Empty patterns and patterns of
// broken UTF-8 are ignored.
func newRuneMatcher(patterns []string) *runeMatcher {
	m := &runeMatcher{lens: make([]int32, len(patterns)), first: make([]int32, firstLimit)}
	edges := 0
	for _, p := range patterns {
		edges += utf8.RuneCountInString(p)
	}
	m.edgeShift = 64 - uint(bits.Len(uint(max(2*edges, 16)-1)))
	m.edgeKeys = make([]uint64, 1<<(64-m.edgeShift))
	m.edgeNodes = make([]int32, len(m.edgeKeys))
	m.word, m.leaf = []int32{-1}, []bool{false} // the root
	for id, p := range patterns {
		m.lens[id] = int32(len(p))
		if p == "" || !utf8.ValidString(p) {
			continue
		}
		node := int32(0)
		for _, r := range p {
			node = m.child(node, r, true)
		}
		if m.word[node] < 0 {
			m.word[node] = int32(id)
		}
	}
	return m
}

// edgeKey packs a node and a rune (21 bits) into a key that is never 0.
func edgeKey(node int32, r rune) uint64 { return uint64(node)<<21 | uint64(r) | 1<<63 }

// child returns the node reached from node by r, adding it when add is set;
// without add, 0 means none.
func (m *runeMatcher) child(node int32, r rune, add bool) int32 {
	if node == 0 && r < firstLimit {
		if m.first[r] == 0 && add {
			m.first[r] = m.newNode(node)
			m.starts[r/64] |= 1 << (r % 64)
		}
		return m.first[r]
	}
	key := edgeKey(node, r)
	mask := uint64(len(m.edgeKeys) - 1)
	for i := (key * 0x9e3779b97f4a7c15) >> m.edgeShift; ; i = (i + 1) & mask {
		switch m.edgeKeys[i] {
		case key:
			return m.edgeNodes[i]
		case 0:
			if !add {
				return 0
			}
			m.edgeKeys[i], m.edgeNodes[i] = key, m.newNode(node)
			return m.edgeNodes[i]
		}
	}
}

func (m *runeMatcher) newNode(parent int32) int32 {
	m.leaf[parent] = false
	m.word = append(m.word, -1)
	m.leaf = append(m.leaf, true)
	return int32(len(m.word) - 1)
}

// appendMatches appends every occurrence of every pattern in text to out,
// in order of start; at one start, shorter patterns come first.
func (m *runeMatcher) appendMatches(out []match, text string) []match {
	for i := 0; i < len(text); {
		// runeAt, inlined by hand for the common case: this loop runs
		// once per character of every item.
		var r rune
		size := 3
		if b0 := text[i]; b0 >= 0xE1 && b0 <= 0xEF && b0 != 0xED && i+2 < len(text) &&
			text[i+1]&0xC0 == 0x80 && text[i+2]&0xC0 == 0x80 {
			r = rune(b0&0x0F)<<12 | rune(text[i+1]&0x3F)<<6 | rune(text[i+2]&0x3F)
		} else {
			r, size = runeAt(text, i)
		}
		node := int32(0)
		if r < firstLimit {
			if m.starts[r/64]&(1<<(r%64)) == 0 {
				i += size
				continue
			}
			node = m.first[r]
		} else if r == utf8.RuneError && size == 1 {
			i += size
			continue
		} else if node = m.child(0, r, false); node == 0 {
			i += size
			continue
		}
		for j := i + size; ; {
			if id := m.word[node]; id >= 0 {
				out = append(out, match{id: id, start: i, end: j})
			}
			if m.leaf[node] || j >= len(text) {
				break
			}
			rj, sj := runeAt(text, j)
			if rj == utf8.RuneError && sj == 1 {
				break
			}
			if node = m.child(node, rj, false); node == 0 {
				break
			}
			j += sj
		}
		i += size
	}
	return out
}
