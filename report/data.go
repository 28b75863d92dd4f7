package report

import (
	"time"

	"github.com/yuqing/yuqing/model"
)

// Data is one report: everything the renderers print, computed once by the
// Builder. Lists are sorted so that a rendering is reproducible.
type Data struct {
	// Title is e.g. 咸宁市舆情周报; Area the city it covers.
	Title       string    `json:"title"`
	Area        string    `json:"area"`
	Issuer      string    `json:"issuer,omitempty"`
	Period      Period    `json:"period"`
	Scope       Scope     `json:"scope"`
	GeneratedAt time.Time `json:"generated_at"`
	Headline    Headline  `json:"headline"`
	// Areas are the hot-topic areas of the scope, busiest first.
	Areas      []Area         `json:"areas"`
	Places     []Place        `json:"places"`
	Severity   []Tier         `json:"severity"`
	Timeliness Timeliness     `json:"timeliness"`
	Emerging   Emerging       `json:"emerging"`
	Silent     []SilentSource `json:"silent_sources"`
	// Notes say, in Chinese, what the report could not include and why.
	Notes []string `json:"notes,omitempty"`
}

// Period is the ISO week reported on, in the report's time zone.
type Period struct {
	Week string    `json:"week"` // 2026-W48
	Year int       `json:"year"`
	Num  int       `json:"num"`
	From time.Time `json:"from"` // Monday 00:00
	To   time.Time `json:"to"`   // the next Monday 00:00
}

// Scope says whose report it is: the whole city, or one department's
// areas and cases.
type Scope struct {
	Department string   `json:"department,omitempty"`
	Name       string   `json:"name,omitempty"`
	Topics     []string `json:"topics,omitempty"`
}

// Headline holds the figures of the summary paragraph.
type Headline struct {
	Items     int64 `json:"items"`
	PrevItems int64 `json:"prev_items"`
	// Change is the relative change against the previous week (0.1 =
	// +10%); nil when the previous week had no items.
	Change        *float64 `json:"change"`
	Negative      int64    `json:"negative"`
	NegativeShare float64  `json:"negative_share"`
	ActiveAreas   int      `json:"active_areas"`
	// Cases opened in the week, the events (stories) they are about, and
	// the events of tier Ⅱ (重大) or above.
	Cases  int `json:"cases"`
	Events int `json:"events"`
	Major  int `json:"major"`
	// Rates of the departments taken together; nil without cases.
	OnTimeRate    *float64 `json:"on_time_rate"`
	ResponseRate  *float64 `json:"response_rate"`
	Overdue       int      `json:"overdue"`
	SilentSources int      `json:"silent_sources"`
}

// Area is one hot-topic area of the work plan.
type Area struct {
	Topic         string   `json:"topic"`
	Name          string   `json:"name"`
	Items         int64    `json:"items"`
	PrevItems     int64    `json:"prev_items"`
	Change        *float64 `json:"change"`
	Negative      int64    `json:"negative"`
	NegativeShare float64  `json:"negative_share"`
	// Daily has the seven days of the week, Monday first.
	Daily   []Day                `json:"daily"`
	Stories []model.StorySummary `json:"stories"`
}

// Day is one day of an area's trend.
type Day struct {
	Date     string `json:"date"` // 2026-11-23, local
	Items    int64  `json:"items"`
	Negative int64  `json:"negative"`
}

// Place is the count of items that mention one place of the gazetteer.
type Place struct {
	Name  string  `json:"name"`
	Level string  `json:"level"` // city, county or town
	Items int64   `json:"items"`
	Share float64 `json:"share"` // of the week's items
}

// Tier counts the cases opened in the week at one severity tier.
type Tier struct {
	Severity model.Severity `json:"severity"`
	Name     string         `json:"name"`  // 重大 …, 未评估
	Color    string         `json:"color"` // 红 橙 黄 蓝
	Cases    int            `json:"cases"`
	Events   int            `json:"events"`
}

// Timeliness is how the departments answered the cases opened in the week.
type Timeliness struct {
	Departments []DepartmentTimeliness `json:"departments"`
	Total       DepartmentTimeliness   `json:"total"`
}

// DepartmentTimeliness is the ledger's figures of one department with the
// plan's rates worked out. Rates are nil when there is nothing to rate;
// satisfaction is not measured by yuqing.
type DepartmentTimeliness struct {
	model.Timeliness
	OnTimeRate   *float64 `json:"on_time_rate"`
	ResponseRate *float64 `json:"response_rate"`
}

// Emerging lists the words whose frequency in the week's titles rose most
// against the four weeks before.
type Emerging struct {
	// Titles segmented this week and in the four weeks before; fewer than
	// the items when the titles were sampled.
	Titles         int    `json:"titles"`
	BaselineTitles int    `json:"baseline_titles"`
	Sampled        bool   `json:"sampled"`
	Words          []Word `json:"words"`
}

// Word is one emerging word.
type Word struct {
	Word  string `json:"word"`
	Count int    `json:"count"` // titles this week
	// Expected is how many titles would have had it at the frequency of
	// the four weeks before; Ratio is (Count+1)/(Expected+1).
	Expected float64 `json:"expected"`
	Ratio    float64 `json:"ratio"`
	New      bool    `json:"new"` // not seen in the four weeks before
}

// SilentSource is a source that delivered nothing in the week, or was
// failing at its end.
type SilentSource struct {
	Source     string    `json:"source"`
	Name       string    `json:"name"`
	Items      int64     `json:"items"`
	LastItemAt time.Time `json:"last_item_at,omitzero"`
	Failures   int       `json:"failures"`
	LastError  string    `json:"last_error,omitempty"`
	Reason     string    `json:"reason"` // Chinese
}
