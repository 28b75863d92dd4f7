package ingest

import (
	"testing"
	"time"
)

func TestHasZone(t *testing.T) {
	tests := []struct {
		raw  string
		want bool
	}{
		{"Thu, 26 Nov 2026 09:15:00 +0800", true},
		{"Wed, 25 Nov 2026 16:40:00 GMT", true},
		{"2026-11-26T09:30:00+08:00", true},
		{"2026-11-26T09:30:00.123+08:00", true},
		{"2026-11-25T18:05:00Z", true},
		{"Fri, 27 Nov 2026 08:30:00 CST", true},
		{"Mon Jan  2 15:04:05 MST 2006", true},
		{"Mon Jan 02 2006 15:04:05 GMT-0700 (MST)", true},
		{"02.01.2006 -0700", true},
		{"2026-11-27 08:30:00", false},
		{"2026-11-27T08:30:00", false},
		{"Fri, 27 Nov 2026 08:30:00", false},
		{"January 2, 2006 3:04 PM", false},
		{"January 2, 2006, 3:04 p.m.", false},
		{"2026-11-27", false},
		{"2026年11月27日 08:30", false},
	}
	for _, tt := range tests {
		if got := hasZone(tt.raw); got != tt.want {
			t.Errorf("hasZone(%q) = %v, want %v", tt.raw, got, tt.want)
		}
	}
}

func TestItemTime(t *testing.T) {
	utc := func(s string) *time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	tests := []struct {
		name    string
		raw     string
		parsed  *time.Time // what gofeed hands over: always UTC
		chinese bool
		want    string // RFC 3339 in UTC; "" for no date
	}{
		{"zone kept", "Thu, 26 Nov 2026 09:15:00 +0800", utc("2026-11-26T01:15:00Z"), true, "2026-11-26T01:15:00Z"},
		{"explicit UTC kept", "2026-11-27T00:30:00Z", utc("2026-11-27T00:30:00Z"), true, "2026-11-27T00:30:00Z"},
		{"zone-less read as UTC by gofeed is Beijing", "2026-11-27 08:30:00", utc("2026-11-27T08:30:00Z"), false, "2026-11-27T00:30:00Z"},
		{"CST in a Chinese feed is Beijing", "Fri, 27 Nov 2026 08:30:00 CST", utc("2026-11-27T14:30:00Z"), true, "2026-11-27T00:30:00Z"},
		{"CST elsewhere is US Central", "Fri, 27 Nov 2026 08:30:00 CST", utc("2026-11-27T14:30:00Z"), false, "2026-11-27T14:30:00Z"},
		{"slashes", "2026/11/27 08:30", nil, true, "2026-11-27T00:30:00Z"},
		{"slashes with seconds", "2026/11/27 08:30:15", nil, true, "2026-11-27T00:30:15Z"},
		{"Chinese date and time", "2026年11月27日 08:30", nil, true, "2026-11-27T00:30:00Z"},
		{"Chinese date, no space", "2026年11月27日08:30", nil, true, "2026-11-27T00:30:00Z"},
		{"Chinese units", "2026年11月27日 08时30分", nil, true, "2026-11-27T00:30:00Z"},
		{"Chinese date only", "2026年1月2日", nil, true, "2026-01-01T16:00:00Z"},
		{"full-width colon", "2026-11-27 08：30", nil, true, "2026-11-27T00:30:00Z"},
		{"ideographic space", "2026-11-27\u300008:30:00", nil, true, "2026-11-27T00:30:00Z"},
		{"dots", "2026.11.27 08:30", nil, true, "2026-11-27T00:30:00Z"},
		{"unreadable", "上周五", nil, true, ""},
		{"empty", "  ", nil, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := itemTime(tt.raw, tt.parsed, tt.chinese)
			if tt.want == "" {
				if ok {
					t.Errorf("itemTime(%q) = %s, want no date", tt.raw, got)
				}
				return
			}
			if !ok || got.Format(time.RFC3339) != tt.want || got.Location() != time.UTC {
				t.Errorf("itemTime(%q) = %s, %v; want %s UTC", tt.raw, got, ok, tt.want)
			}
		})
	}
}

func TestClampFuture(t *testing.T) {
	now := time.Date(2026, 11, 27, 4, 0, 0, 0, time.UTC)
	tests := []struct {
		in, want time.Time
	}{
		{now.Add(-time.Hour), now.Add(-time.Hour)},
		{now.Add(23 * time.Hour), now.Add(23 * time.Hour)},
		{now.Add(25 * time.Hour), now},
		{now.AddDate(1, 0, 0), now},
	}
	for _, tt := range tests {
		if got := clampFuture(tt.in, now); !got.Equal(tt.want) {
			t.Errorf("clampFuture(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestBeijingZone(t *testing.T) {
	_, offset := time.Date(2026, 7, 1, 0, 0, 0, 0, beijing()).Zone()
	if offset != 8*60*60 {
		t.Errorf("Beijing offset = %d s, want 28800", offset)
	}
}
