package config

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Place levels, from the widest to the narrowest.
const (
	PlaceCity   = "city"   // 地级市
	PlaceCounty = "county" // 县、县级市、区 and functional zones of that rank
	PlaceTown   = "town"   // 乡、镇、街道
)

// placeRank orders the levels: a place's parent is exactly one rank wider.
func placeRank(level string) (int, bool) {
	switch level {
	case PlaceCity:
		return 0, true
	case PlaceCounty:
		return 1, true
	case PlaceTown:
		return 2, true
	}
	return 0, false
}

// Gazetteer lists the places region tags are taken from: the city, its
// counties and districts, and their towns, each with the other names it is
// known by.
type Gazetteer struct {
	Version int     `yaml:"version"`
	Places  []Place `yaml:"places"`
	File    string  `yaml:"-"`
}

// Place is one entry of the gazetteer.
type Place struct {
	// Name is the canonical name reported in region tags, e.g. 通城县.
	Name  string `yaml:"name"`
	Level string `yaml:"level"`
	// Parent is the canonical name of the enclosing place; empty for a city.
	Parent string `yaml:"parent"`
	// Aliases are other names that mean this place wherever they appear,
	// e.g. 通城 for 通城县.
	Aliases []string `yaml:"aliases"`
	// Ambiguous are names that also mean something else or another place in
	// the country (高新区, 赤壁, a town name shared by towns in other
	// provinces). They count only when the same text also names a related
	// place unambiguously. The canonical name may be listed here.
	Ambiguous []string `yaml:"ambiguous"`
	Pos       Pos      `yaml:"-"`
}

// Names returns every name of the place: canonical, aliases, ambiguous.
func (p Place) Names() []string {
	names := []string{p.Name}
	names = append(names, p.Aliases...)
	for _, a := range p.Ambiguous {
		if a != p.Name {
			names = append(names, a)
		}
	}
	return names
}

// ParsePlaces decodes and checks a gazetteer file.
func ParsePlaces(data []byte, file string) (Gazetteer, error) {
	var g Gazetteer
	d, ps := decodeStrict(data, file, &g)
	g.File = file
	if len(ps) > 0 {
		return g, ps
	}
	if g.Version != 1 {
		d.problem(&ps, fmt.Sprintf("version %d is not supported (want 1)", g.Version), "version")
	}
	if len(g.Places) == 0 {
		d.problem(&ps, "no places", "places")
	}
	owner := map[string]int{} // every name and alias → index of its place
	for i := range g.Places {
		g.Places[i].Pos = d.pos("places", i)
		checkPlace(d, &ps, g.Places, i, owner)
	}
	for i, p := range g.Places {
		checkParent(d, &ps, g.Places, i, p, owner)
	}
	return g, ps.Err()
}

func checkPlace(d *doc, ps *Problems, places []Place, i int, owner map[string]int) {
	p := places[i]
	if p.Name == "" {
		d.problem(ps, "place has no name", "places", i)
	}
	if _, ok := placeRank(p.Level); !ok {
		d.problem(ps, fmt.Sprintf("place %s: level %q must be city, county or town", p.Name, p.Level), "places", i, "level")
	}
	claim := func(name string, path ...any) {
		if msg := badPlaceName(name); msg != "" {
			d.problem(ps, fmt.Sprintf("place %s: name %q %s", p.Name, name, msg), path...)
			return
		}
		if j, taken := owner[name]; taken && j != i {
			d.problem(ps, fmt.Sprintf("place %s: name %q is already used by %s", p.Name, name, places[j].Name), path...)
			return
		}
		owner[name] = i
	}
	if p.Name != "" {
		claim(p.Name, "places", i, "name")
	}
	listed := map[string]bool{p.Name: true}
	for k, a := range p.Aliases {
		if listed[a] {
			d.problem(ps, fmt.Sprintf("place %s: alias %q is listed twice or repeats the name", p.Name, a), "places", i, "aliases", k)
			continue
		}
		listed[a] = true
		claim(a, "places", i, "aliases", k)
	}
	seenAmbiguous := map[string]bool{}
	for k, a := range p.Ambiguous {
		switch {
		case seenAmbiguous[a]:
			d.problem(ps, fmt.Sprintf("place %s: ambiguous name %q is listed twice", p.Name, a), "places", i, "ambiguous", k)
		case a != p.Name && listed[a]:
			d.problem(ps, fmt.Sprintf("place %s: %q cannot be both an alias and ambiguous", p.Name, a), "places", i, "ambiguous", k)
		case a != p.Name:
			claim(a, "places", i, "ambiguous", k)
		}
		seenAmbiguous[a] = true
	}
}

// badPlaceName explains why a name cannot be matched as one word, or
// returns "".
func badPlaceName(name string) string {
	switch {
	case strings.IndexFunc(name, unicode.IsSpace) >= 0 || name == "":
		return "must not be empty or contain spaces"
	case utf8.RuneCountInString(name) < 2:
		return "is too short to be told apart from ordinary text (want 2 characters or more)"
	}
	return ""
}

func checkParent(d *doc, ps *Problems, places []Place, i int, p Place, owner map[string]int) {
	rank, ok := placeRank(p.Level)
	if !ok {
		return
	}
	if p.Parent == "" {
		if rank > 0 {
			d.problem(ps, fmt.Sprintf("place %s: a %s needs a parent", p.Name, p.Level), "places", i)
		}
		return
	}
	if rank == 0 {
		d.problem(ps, fmt.Sprintf("place %s: a city has no parent in the gazetteer", p.Name), "places", i, "parent")
		return
	}
	j, found := owner[p.Parent]
	switch {
	case !found:
		d.problem(ps, fmt.Sprintf("place %s: parent %q is not in the gazetteer", p.Name, p.Parent), "places", i, "parent")
	case places[j].Name != p.Parent:
		d.problem(ps, fmt.Sprintf("place %s: parent %q is an alias; use the canonical name %s", p.Name, p.Parent, places[j].Name), "places", i, "parent")
	case parentRank(places[j]) != rank-1:
		d.problem(ps, fmt.Sprintf("place %s: parent %s is a %s; a %s's parent must be one level up", p.Name, p.Parent, places[j].Level, p.Level), "places", i, "parent")
	}
}

func parentRank(p Place) int {
	if r, ok := placeRank(p.Level); ok {
		return r
	}
	return -1
}
