package config

import (
	"fmt"
	"regexp"
)

var asciiID = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// ParseTaxonomy decodes and checks a taxonomy file.
func ParseTaxonomy(data []byte, file string) (Taxonomy, error) {
	var t Taxonomy
	d, ps := decodeStrict(data, file, &t)
	t.File = file
	if len(ps) > 0 {
		return t, ps
	}
	seen := map[string]bool{}
	for i := range t.Topics {
		tp := &t.Topics[i]
		tp.Pos = d.pos("topics", i)
		if tp.Threshold == 0 {
			tp.Threshold = 1
		}
		switch {
		case !asciiID.MatchString(tp.ID):
			d.problem(&ps, fmt.Sprintf("topic id %q must be lower-case ASCII (a-z, 0-9, _), starting with a letter", tp.ID), "topics", i, "id")
		case seen[tp.ID]:
			d.problem(&ps, fmt.Sprintf("topic id %q is used twice", tp.ID), "topics", i, "id")
		}
		seen[tp.ID] = true
		if tp.Name == "" {
			d.problem(&ps, "topic "+tp.ID+" has no name", "topics", i)
		}
		if len(tp.Terms) == 0 {
			d.problem(&ps, "topic "+tp.ID+" has no terms", "topics", i)
		}
		for term, w := range tp.Terms {
			if w <= 0 {
				d.problem(&ps, fmt.Sprintf("topic %s: term %q needs a positive weight", tp.ID, term), "topics", i, "terms", term)
			}
		}
	}
	return t, ps.Err()
}
