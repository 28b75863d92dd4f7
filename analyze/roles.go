package analyze

import "sync"

// wordRole is what every part of the analysis makes of one word the scanner
// finds. The analyzer builds a table of them when it is composed and looks
// each word of a text up once, instead of once per part and per question.
type wordRole struct {
	topicWord int32 // number in the taxonomy's vocabulary, -1 none
	place     nameRef
	lex       lexRole
	sev       sevRole
}

// noRole is the role of a word no part looks for.
var noRole = wordRole{topicWord: -1, place: nameRef{place: -1}}

// roleTable maps the words the scanner finds to their roles. It is
// immutable once built.
type roleTable struct {
	index map[string]int32 // word → position in roles; 0 (noRole) if absent
	roles []wordRole
}

// buildRoles asks every part of a what it makes of each word.
func buildRoles(a *Analyzer, words []string) *roleTable {
	rt := &roleTable{index: make(map[string]int32, len(words)), roles: []wordRole{noRole}}
	for _, w := range words {
		if _, dup := rt.index[w]; dup || w == "" {
			continue
		}
		r := noRole
		if a.tax != nil {
			r.topicWord = a.tax.vocab.lookup(w)
		}
		if a.places != nil {
			if ref, ok := a.places.index[w]; ok {
				r.place = ref
			}
		}
		if a.neg != nil {
			r.lex = a.neg.role(w)
		}
		if a.sev != nil {
			r.sev = a.sev.role(w)
		}
		if r == noRole {
			continue
		}
		rt.index[w] = int32(len(rt.roles))
		rt.roles = append(rt.roles, r)
	}
	return rt
}

// appendRoles appends the role of every token of d.
func (rt *roleTable) appendRoles(out []*wordRole, d *scanned) []*wordRole {
	for _, tk := range d.tokens {
		out = append(out, &rt.roles[rt.index[tk.word]])
	}
	return out
}

// scratch holds the buffers of one item's analysis, reused across items:
// the analysis of a kilobyte of news should not make a hundred objects for
// the collector.
type scratch struct {
	ex       examination
	roles    []*wordRole
	topics   topicScratch
	places   []mention
	negative []string
	positive []string
}

// scratchPool hands out scratch buffers. It is shared by an analyzer and the
// copies WithMode makes of it, whose parts are the same.
type scratchPool struct{ pool sync.Pool }

func (p *scratchPool) get() *scratch {
	if sc, ok := p.pool.Get().(*scratch); ok {
		return sc
	}
	return &scratch{}
}

// put takes a scratch back. Buffers that one unusual item grew large are
// dropped rather than kept for every later item.
func (p *scratchPool) put(sc *scratch) {
	if cap(sc.roles) > 1<<14 {
		return
	}
	p.pool.Put(sc)
}

// release hands the buffers of an examination back for the next item. The
// examination must not be used afterwards; what finish returned stays
// valid, as it shares no memory with them.
func (a *Analyzer) release(ex *examination) {
	if ex.scratch == nil {
		return
	}
	sc := ex.scratch
	// ex is sc.ex. Nothing the pool keeps may hold on to the item's text.
	*ex = examination{}
	sc.topics.forget()
	clear(sc.negative) // words cut by the full mode are pieces of the text
	clear(sc.positive)
	a.pool.put(sc)
}
