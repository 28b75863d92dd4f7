package analyze

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/yuqing/yuqing/config"
)

// Places finds the places of the gazetteer named in a text. It is immutable
// and safe for concurrent use.
type Places struct {
	places []place
	// index maps every name (canonical, alias, ambiguous) to its place.
	index map[string]nameRef
}

type place struct {
	name string
	rank int // 0 city, 1 county, 2 town
	// parent is the index of the enclosing place, -1 for none.
	parent int
}

type nameRef struct {
	place     int
	ambiguous bool
}

// CompilePlaces builds the matcher of a gazetteer. config.ParsePlaces has
// checked a gazetteer read from a file; this checks again what the matcher
// relies on, for gazetteers built in code.
func CompilePlaces(g config.Gazetteer) (*Places, error) {
	p := &Places{index: map[string]nameRef{}}
	byName := map[string]int{}
	var problems []error
	fail := func(cp config.Place, format string, args ...any) {
		problems = append(problems, fmt.Errorf("analyze: compile places: %s: place %q: %s", cp.Pos, cp.Name, fmt.Sprintf(format, args...)))
	}
	for i, cp := range g.Places {
		rank, ok := levelRank(cp.Level)
		if !ok {
			fail(cp, "unknown level %q", cp.Level)
		}
		p.places = append(p.places, place{name: cp.Name, rank: rank, parent: -1})
		byName[cp.Name] = i
		for _, name := range cp.Names() {
			ref := nameRef{place: i, ambiguous: slices.Contains(cp.Ambiguous, name)}
			key := normalizeWord(name)
			if old, dup := p.index[key]; dup && old.place != i {
				fail(cp, "name %q is also a name of %s", name, p.places[old.place].name)
				continue
			}
			p.index[key] = ref
		}
	}
	for i, cp := range g.Places {
		if cp.Parent == "" {
			continue
		}
		j, ok := byName[cp.Parent]
		if !ok || p.places[j].rank != p.places[i].rank-1 {
			fail(cp, "parent %q is not a place one level up", cp.Parent)
			continue
		}
		p.places[i].parent = j
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	return p, nil
}

func levelRank(level string) (int, bool) {
	switch level {
	case config.PlaceCity:
		return 0, true
	case config.PlaceCounty:
		return 1, true
	case config.PlaceTown:
		return 2, true
	}
	return 0, false
}

// Names returns every name and alias, normalized, sorted: the words the
// segmenter must keep whole.
func (p *Places) Names() []string {
	names := make([]string, 0, len(p.index))
	for name := range p.index {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// mention is what a text says about one place.
type mention struct {
	place int
	first int  // index of the first word naming it (or, if implied, its town)
	sure  bool // named by an unambiguous name at least once
}

// Match returns the canonical names of the places named in words (the
// words of a text in order, title first; words that name no place are
// ignored), nil if none, most specific first (towns, then counties, then the
// city; within a level by first mention). A town implies its county. A
// place named only by an ambiguous name counts when the text also surely
// names a related place: an enclosing place, a place inside it, or another
// town of its county.
func (p *Places) Match(words []string) []string {
	var found []mention
	for at, w := range words {
		if ref, ok := p.index[w]; ok {
			found = noteMention(found, ref, at)
		}
	}
	return p.regions(found)
}

// matchRoles is Match on the places of a text's tokens, with found as a
// scratch buffer; it returns the buffer for reuse.
func (p *Places) matchRoles(roles []*wordRole, found []mention) ([]string, []mention) {
	found = found[:0]
	for at, r := range roles {
		if r.place.place >= 0 {
			found = noteMention(found, r.place, at)
		}
	}
	return p.regions(found), found
}

// noteMention records that the word at index at names a place.
func noteMention(found []mention, ref nameRef, at int) []mention {
	for i := range found {
		if found[i].place == ref.place {
			found[i].sure = found[i].sure || !ref.ambiguous
			return found
		}
	}
	return append(found, mention{place: ref.place, first: at, sure: !ref.ambiguous})
}

// regions returns the canonical names of the places found, as Match
// describes.
func (p *Places) regions(found []mention) []string {
	if len(found) == 0 {
		return nil
	}
	var buf [8]mention
	kept := buf[:0]
	for _, m := range found {
		if m.sure || p.corroborated(m.place, found) {
			kept = append(kept, m)
		}
	}
	kept = p.withCounties(kept)
	slices.SortFunc(kept, func(a, b mention) int {
		pa, pb := p.places[a.place], p.places[b.place]
		if pa.rank != pb.rank {
			return pb.rank - pa.rank
		}
		if a.first != b.first {
			return a.first - b.first
		}
		return strings.Compare(pa.name, pb.name)
	})
	if len(kept) == 0 {
		return nil
	}
	regions := make([]string, len(kept))
	for i, m := range kept {
		regions[i] = p.places[m.place].name
	}
	return regions
}

func (p *Places) corroborated(i int, found []mention) bool {
	for _, m := range found {
		if m.place != i && m.sure && p.related(i, m.place) {
			return true
		}
	}
	return false
}

// related reports whether one place encloses the other or both lie in the
// same county.
func (p *Places) related(a, b int) bool {
	if p.encloses(a, b) || p.encloses(b, a) {
		return true
	}
	ca, cb := p.county(a), p.county(b)
	return ca >= 0 && ca == cb
}

func (p *Places) encloses(outer, inner int) bool {
	for i := p.places[inner].parent; i >= 0; i = p.places[i].parent {
		if i == outer {
			return true
		}
	}
	return false
}

// county returns the county a place is or lies in, -1 for a city.
func (p *Places) county(i int) int {
	for ; i >= 0; i = p.places[i].parent {
		if p.places[i].rank == 1 {
			return i
		}
	}
	return -1
}

// withCounties adds the county of every town in kept that is not named
// itself, placed at its first town's mention.
func (p *Places) withCounties(kept []mention) []mention {
	for i := 0; i < len(kept); i++ {
		m := kept[i]
		if p.places[m.place].rank != 2 {
			continue
		}
		c := p.county(m.place)
		if c < 0 {
			continue
		}
		if k := slices.IndexFunc(kept, func(o mention) bool { return o.place == c }); k >= 0 {
			kept[k].first = min(kept[k].first, m.first)
			continue
		}
		kept = append(kept, mention{place: c, first: m.first, sure: true})
	}
	return kept
}
