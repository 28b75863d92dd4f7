package store

import (
	"strconv"
	"strings"
)

// placeholders returns "$first, …, $(first+n-1)".
func placeholders(first, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(first + i))
	}
	return b.String()
}

// rowValues returns "($first, …), (…)" for rows tuples of cols columns,
// numbering placeholders on from first.
func rowValues(first, rows, cols int) string {
	tuples := make([]string, rows)
	for r := range rows {
		tuples[r] = "(" + placeholders(first+r*cols, cols) + ")"
	}
	return strings.Join(tuples, ", ")
}

// whereBuilder collects optional filter conditions with numbered
// placeholders, so one query text serves both dialects.
type whereBuilder struct {
	conds []string
	args  []any
}

// add appends a condition; each "?" in cond becomes the next placeholder,
// bound to v.
func (w *whereBuilder) add(cond string, v any) {
	w.args = append(w.args, v)
	w.conds = append(w.conds, strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1))
}

// arg binds v and returns its placeholder.
func (w *whereBuilder) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *whereBuilder) clause() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}
