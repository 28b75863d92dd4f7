package config

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestParsePlaces(t *testing.T) {
	data := `version: 1
places:
  - name: 咸宁市
    level: city
    aliases: [咸宁]
  - {name: 赤壁市, level: county, parent: 咸宁市, ambiguous: [赤壁]}
  - {name: 青山镇, level: town, parent: 赤壁市, aliases: [青山], ambiguous: [青山镇]}
`
	g, err := ParsePlaces([]byte(data), "places.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if g.File != "places.yaml" || g.Version != 1 || len(g.Places) != 3 {
		t.Fatalf("ParsePlaces() = %+v", g)
	}
	town := g.Places[2]
	if town.Pos != (Pos{"places.yaml", 7}) || town.Parent != "赤壁市" || town.Level != PlaceTown {
		t.Errorf("town = %+v", town)
	}
	if got, want := town.Names(), []string{"青山镇", "青山"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	if got, want := g.Places[1].Names(), []string{"赤壁市", "赤壁"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
}

func TestParsePlacesProblems(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string // each must appear in the error, with its place
	}{
		{
			name: "syntax",
			data: "version: 1\nplaces:\n  - {name: 咸宁市\n",
			want: []string{"places.yaml:2: did not find expected"},
		},
		{
			name: "unknown key",
			data: "version: 1\nplaces:\n  - name: 咸宁市\n    level: city\n    alias: [咸宁]\n",
			want: []string{"places.yaml:5: field alias not found"},
		},
		{
			name: "version and no places",
			data: "version: 2\n",
			want: []string{"places.yaml:1: version 2 is not supported (want 1)", "places.yaml:1: no places"},
		},
		{
			name: "every problem at once",
			data: `version: 1
places:
  - {name: 咸宁市, level: city, aliases: [咸宁], parent: 湖北省}
  - {name: 通城县, level: county, parent: 咸宁, aliases: [咸宁, 通城, 通城]}
  - {name: 崇阳县, level: district, parent: 咸宁市}
  - {name: 某镇, level: town}
  - {name: 另镇, level: town, parent: 咸宁市}
  - {name: 三镇, level: town, parent: 无此县, aliases: [三], ambiguous: [三镇, 三镇]}
  - {name: 通城县, level: county, parent: 咸宁市}
  - {name: 四 镇, level: town, parent: 通城县, aliases: [四镇], ambiguous: [四镇]}
  - {level: town, parent: 通城县}
`,
			want: []string{
				"places.yaml:3: place 咸宁市: a city has no parent in the gazetteer",
				`places.yaml:4: place 通城县: name "咸宁" is already used by 咸宁市`,
				`places.yaml:4: place 通城县: alias "通城" is listed twice`,
				`places.yaml:4: place 通城县: parent "咸宁" is an alias; use the canonical name 咸宁市`,
				`places.yaml:5: place 崇阳县: level "district" must be city, county or town`,
				"places.yaml:6: place 某镇: a town needs a parent",
				"places.yaml:7: place 另镇: parent 咸宁市 is a city; a town's parent must be one level up",
				`places.yaml:8: place 三镇: parent "无此县" is not in the gazetteer`,
				`places.yaml:8: place 三镇: name "三" is too short`,
				`places.yaml:8: place 三镇: ambiguous name "三镇" is listed twice`,
				`places.yaml:9: place 通城县: name "通城县" is already used by 通城县`,
				`places.yaml:10: place 四 镇: name "四 镇" must not be empty or contain spaces`,
				`places.yaml:10: place 四 镇: "四镇" cannot be both an alias and ambiguous`,
				"places.yaml:11: place has no name",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePlaces([]byte(tt.data), "places.yaml")
			if err == nil {
				t.Fatal("ParsePlaces accepted a broken file")
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error is %T, want Problems", err)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
		})
	}
}

// The shipped gazetteer must parse: the binary falls back to it.
func TestParsePlacesDefault(t *testing.T) {
	data, err := os.ReadFile("../configs/places.yaml")
	if err != nil {
		t.Fatal(err)
	}
	g, err := ParsePlaces(data, "configs/places.yaml")
	if err != nil {
		t.Fatal(err)
	}
	counties := 0
	for _, p := range g.Places {
		if p.Level == PlaceCounty {
			counties++
		}
	}
	if counties != 7 {
		t.Errorf("%d counties, want 7 (six counties and districts and 咸宁高新区)", counties)
	}
}
