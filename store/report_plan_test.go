package store

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
)

// TestReportStatsPlans pins the plans of the weekly report's queries on
// SQLite without statistics (as in production): each must search an index
// range, none may scan a table or an index whole, which on a year of items
// would read millions of rows for a week's report.
func TestReportStatsPlans(t *testing.T) {
	s := openSQLite(t, filepath.Join(t.TempDir(), "plans.db"))
	from := time.Date(2026, 11, 23, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	to := from.AddDate(0, 0, 7)
	all := model.StatsQuery{From: from, To: to}
	dept := model.StatsQuery{From: from, To: to, Topics: []string{"real_estate", "ecology"}}
	itemsAll, negAll, argsAll := totalsQueries(all)
	itemsDept, negDept, argsDept := totalsQueries(dept)
	negTopics, argsNeg := topicNegativeQuery(from, to, dept.Topics)
	region, argsRegion := regionCountQuery(all, "咸安区")
	regionDept, argsRegionDept := regionCountQuery(dept, "咸安区")
	titles, argsTitles := titlesQuery(nil, from, to, 100)
	titlesDept, argsTitlesDept := titlesQuery(dept.Topics, from, to, 100)
	tests := []struct {
		name, query string
		args        []any
		wantIndex   string
	}{
		{"items of the week", itemsAll, argsAll, "COVERING INDEX items_item_at"},
		{"negative items of the week", negAll, argsAll, "COVERING INDEX items_negative_item_at"},
		{"items of some topics", itemsDept, argsDept, "COVERING INDEX item_topics_topic_item_at"},
		{"negative items of some topics", negDept, argsDept, "COVERING INDEX items_negative_item_at"},
		{"one topic's items", topicCountSQL, []any{"ecology", ms(from), ms(to)}, "COVERING INDEX item_topics_topic_item_at"},
		{"negatives per topic", negTopics, argsNeg, "COVERING INDEX items_negative_item_at"},
		{"one place's items", region, argsRegion, "COVERING INDEX item_regions_region_item_at"},
		{"one place's items of some topics", regionDept, argsRegionDept, "COVERING INDEX item_regions_region_item_at"},
		{"a slice's titles", titles, argsTitles, "INDEX items_item_at"},
		{"a slice's titles of some topics", titlesDept, argsTitlesDept, "INDEX items_item_at"},
	}
	for _, tc := range tests {
		plan := queryPlan(t, s, tc.query, tc.args...)
		joined := strings.Join(plan, "\n")
		if !strings.Contains(joined, tc.wantIndex) {
			t.Errorf("%s: plan\n%s\ndoes not use %s", tc.name, joined, tc.wantIndex)
		}
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN") {
				t.Errorf("%s: plan scans whole: %s", tc.name, step)
			}
			// Only the negatives' own topics are looked up, by key.
			if tc.name == "negatives per topic" && strings.Contains(step, "item_topics") && !strings.Contains(step, "PRIMARY KEY (item_id=?)") {
				t.Errorf("%s: topics are not looked up by item: %s", tc.name, step)
			}
		}
	}
}
