package analyze

import (
	"math"
	"math/bits"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// fastDict is gse's dictionary laid out for the fast mode's two questions:
//
//   - can a dictionary word cross the boundary between these two units? A
//     filter of the unit pairs that occur inside words answers "no" for sure
//     and "maybe" otherwise;
//   - which words start here, at what path cost? A hash table of every word
//     and every word prefix, keyed by their units, answers it with one probe
//     per unit, where gse's trie (cedar) takes several per byte.
//
// It is built once per Segmenter from gse's tokens (about 0.1 s and 13 MB
// for the embedded dictionary, none of it pointers for the collector to
// scan) and read concurrently. Keys are 64-bit hashes of unit sequences: a
// sequence of the text taken for a word it is not is a chance of about one
// in 2⁶⁰ per lookup, which is taken.
type fastDict struct {
	// keys holds a unit sequence's key with its flags in the two low bits;
	// 0 is an empty slot. dists holds a word's path cost, float32 as gse
	// computes it.
	keys  []uint64
	dists []float32
	shift uint // 64 - log2(len(keys))
	// pairs is a bit set indexed by the top bits of pairKey.
	pairs     []uint64
	pairShift uint
	// maxUnits is the length of the longest word, in units.
	maxUnits int
	// used counts the entries, while the table is built.
	used int
}

// Flags of a table entry.
const (
	entryWord   = 1 // the sequence is a word
	entryPrefix = 2 // the sequence starts a longer word
	entryFlags  = entryWord | entryPrefix
)

// Sizes of the tables: the keys at most half full; the pair filter with at
// least eight bits per pair, so that about one bit in ten is set and it
// answers "maybe" wrongly as rarely. A smaller filter stays in the cache
// better but sends more hits to the shortest path: eight measured best.
const (
	keysPerEntry = 2
	bitsPerPair  = 8
)

// newFastDict reads the dictionary of a gse segmenter whose path costs are
// computed (CalcToken has run). It assumes words are only ever added to
// it, as NewSegmenter does: a word removed from gse's trie stays in its
// token list, and would stay here.
func newFastDict(seg *gse.Segmenter) *fastDict {
	dict := seg.Dict
	d := &fastDict{}
	d.resize(len(dict.Tokens) * keysPerEntry)
	pairs := 0
	for i := range dict.Tokens {
		pairs += max(utf8.RuneCountInString(dict.Tokens[i].Text())-1, 0)
	}
	d.pairShift = 64 - uint(bits.Len(uint(max(pairs*bitsPerPair, 64))))
	d.pairs = make([]uint64, (1<<(64-d.pairShift))/64)
	logTotal := float32(math.Log2(dict.TotalFreq()))
	var units []uint64
	// gse's AddToken ignores a word it has; ReAddToken appends the word
	// again with its new frequency: the last occurrence is the one in use,
	// and it overwrites the earlier ones here.
	for i := range dict.Tokens {
		units = appendUnitValues(units[:0], dict.Tokens[i].Text())
		if len(units) == 0 {
			continue
		}
		d.maxUnits = max(d.maxUnits, len(units))
		key := uint64(keySeed)
		for j, v := range units {
			key = extendKey(key, v)
			if j < len(units)-1 {
				d.insert(key, entryPrefix, 0)
				d.addPair(v, units[j+1])
			}
		}
		d.insert(key, entryWord, logTotal-float32(math.Log2(dict.Tokens[i].Freq())))
	}
	return d
}

// resize makes room for at least n entries, keeping the ones there.
func (d *fastDict) resize(n int) {
	keys, dists := d.keys, d.dists
	d.shift = 64 - uint(bits.Len(uint(max(n, 16)-1)))
	d.keys = make([]uint64, 1<<(64-d.shift))
	d.dists = make([]float32, len(d.keys))
	d.used = 0
	for i, k := range keys {
		if k != 0 {
			d.insert(k&^entryFlags, k&entryFlags, dists[i])
		}
	}
}

// appendUnitValues appends the values of the units of a word to out.
func appendUnitValues(out []uint64, word string) []uint64 {
	for pos := 0; pos < len(word); {
		end := unitEnd(word, pos)
		out = append(out, unitValue(word[pos:end]))
		pos = end
	}
	return out
}

// slotKey is a key as stored: flags in the low bits, never zero.
func slotKey(key uint64) uint64 {
	if key &^= entryFlags; key == 0 {
		return 1 << 2
	}
	return key
}

func (d *fastDict) insert(key uint64, flag uint64, dist float32) {
	k := slotKey(key)
	mask := uint64(len(d.keys) - 1)
	for i := k >> d.shift; ; i = (i + 1) & mask {
		switch d.keys[i] &^ entryFlags {
		case 0:
			if (d.used+1)*keysPerEntry > len(d.keys) {
				d.resize(len(d.keys) * 2)
				d.insert(key, flag, dist)
				return
			}
			d.keys[i] = k
			d.used++
		case k:
		default:
			continue
		}
		d.keys[i] |= flag
		if flag&entryWord != 0 {
			d.dists[i] = dist
		}
		return
	}
}

// lookup returns the flags of a unit sequence (0 when no word starts with
// it) and its path cost if it is a word.
func (d *fastDict) lookup(key uint64) (flags uint64, dist float32) {
	k := slotKey(key)
	mask := uint64(len(d.keys) - 1)
	for i := k >> d.shift; ; i = (i + 1) & mask {
		switch s := d.keys[i]; s &^ entryFlags {
		case k:
			return s & entryFlags, d.dists[i]
		case 0:
			return 0, 0
		}
	}
}

func (d *fastDict) addPair(left, right uint64) {
	i := pairKey(left, right) >> d.pairShift
	d.pairs[i/64] |= 1 << (i % 64)
}

// mayJoin reports whether some word may contain the two units side by side:
// when it says no, no word crosses the boundary between them.
func (d *fastDict) mayJoin(left, right uint64) bool {
	i := pairKey(left, right) >> d.pairShift
	return d.pairs[i/64]&(1<<(i%64)) != 0
}
