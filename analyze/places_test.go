package analyze

import (
	"reflect"
	"strings"
	"testing"

	"github.com/yuqing/yuqing/config"
)

func testPlaces(t *testing.T) *Places {
	t.Helper()
	gaz, err := config.ParsePlaces(readFile(t, "testdata/places.yaml"), "testdata/places.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := CompilePlaces(gaz)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlacesMatch(t *testing.T) {
	places := testPlaces(t)
	tests := []struct {
		name        string
		title, body []string
		want        []string
	}{
		{"canonical name", nil, []string{"通城县", "发布"}, []string{"通城县"}},
		{"alias gives the canonical name", []string{"咸宁", "新闻"}, nil, []string{"咸宁市"}},
		{"a town implies its county", nil, []string{"隽水镇", "居民"}, []string{"隽水镇", "通城县"}},
		{"town and county named: reported once", []string{"通城", "隽水镇"}, []string{"通城县"}, []string{"隽水镇", "通城县"}},
		{"most specific first, then by first mention",
			[]string{"咸宁", "崇阳", "通城"}, []string{"天城镇"},
			[]string{"天城镇", "崇阳县", "通城县", "咸宁市"}},
		{"an ambiguous alias alone does not count", []string{"电影", "赤壁", "票房"}, nil, nil},
		{"an ambiguous alias counts with the city named", []string{"咸宁", "赤壁"}, nil, []string{"赤壁市", "咸宁市"}},
		{"generic zone name alone does not count", nil, []string{"武汉", "东湖", "高新区"}, nil},
		{"generic zone name with the city", nil, []string{"咸宁市", "高新区", "企业"}, []string{"咸宁高新区", "咸宁市"}},
		{"an ambiguous town alone does not count", nil, []string{"青山镇", "村民"}, nil},
		{"an ambiguous town counts with its county", []string{"崇阳"}, []string{"青山镇"}, []string{"青山镇", "崇阳县"}},
		{"an ambiguous town counts with a town of its county", nil, []string{"青山镇", "天城镇"}, []string{"青山镇", "天城镇", "崇阳县"}},
		{"an ambiguous town does not count with another county", nil, []string{"青山镇", "通城县"}, []string{"通城县"}},
		{"ambiguous names do not vouch for each other", nil, []string{"青山镇", "赤壁", "高新区"}, nil},
		{"a name inside a longer word does not count", nil, []string{"通城县城", "咸宁人"}, nil},
		{"nothing", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := places.Match(append(append([]string{}, tt.title...), tt.body...))
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Match() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPlacesNames(t *testing.T) {
	names := testPlaces(t).Names()
	for _, want := range []string{"咸宁市", "咸宁", "赤壁", "高新区", "青山镇", "隽水镇"} {
		if !contains(names, want) {
			t.Errorf("Names() lacks %q: %v", want, names)
		}
	}
	if len(names) != 13 {
		t.Errorf("Names() has %d names, want 13: %v", len(names), names)
	}
}

func TestCompilePlacesErrors(t *testing.T) {
	pos := config.Pos{File: "places.yaml", Line: 3}
	g := config.Gazetteer{Places: []config.Place{
		{Name: "咸宁市", Level: config.PlaceCity, Aliases: []string{"咸宁"}, Pos: pos},
		{Name: "某区", Level: "district", Parent: "咸宁市", Pos: pos},
		{Name: "通城县", Level: config.PlaceCounty, Parent: "咸宁市", Aliases: []string{"咸宁"}, Pos: pos},
		{Name: "某镇", Level: config.PlaceTown, Parent: "咸宁市", Pos: pos},
		{Name: "另镇", Level: config.PlaceTown, Parent: "无此县", Pos: pos},
	}}
	_, err := CompilePlaces(g)
	if err == nil {
		t.Fatal("CompilePlaces accepted a broken gazetteer")
	}
	for _, want := range []string{
		`places.yaml:3: place "某区": unknown level "district"`,
		`places.yaml:3: place "通城县": name "咸宁" is also a name of 咸宁市`,
		`places.yaml:3: place "某镇": parent "咸宁市" is not a place one level up`,
		`places.yaml:3: place "另镇": parent "无此县" is not a place one level up`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
