package store

import (
	"database/sql"
	"time"
)

// Times cross the SQL boundary as Unix milliseconds UTC in both dialects:
// integers sort and compare cheaply, and reports can bucket them into days
// with integer arithmetic. A zero time.Time is NULL (unknown), so that MIN,
// MAX and range filters ignore it.

// ms is the stored form of a time that is always known.
func ms(t time.Time) int64 { return t.UnixMilli() }

// msOrNull is the stored form of a time that may be unknown.
func msOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// fromMS is the time.Time of a stored NOT NULL time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// fromNullMS is the time.Time of a stored nullable time; NULL is zero.
func fromNullMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}

// truncMS is t as it will read back from the store.
func truncMS(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return fromMS(ms(t))
}
