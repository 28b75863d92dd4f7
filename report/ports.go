package report

import (
	"context"
	"errors"
	"time"

	"github.com/yuqing/yuqing/model"
)

// Source is what the builder reads. The store implements the aggregates
// (counted in SQL, titles streamed); TopicStories and Timeliness come from
// the story and case-ledger parts and may return an error wrapping
// ErrUnavailable, which the report notes instead of failing.
type Source interface {
	// ReportTotals counts the distinct items of the period and the
	// negative ones among them.
	ReportTotals(ctx context.Context, q model.StatsQuery) (model.ItemTotals, error)
	// ReportTopicCounts counts the items of each of q.Topics, in order.
	ReportTopicCounts(ctx context.Context, q model.StatsQuery) ([]model.TopicCount, error)
	// ReportRegionCounts counts the items that mention each place, in order.
	ReportRegionCounts(ctx context.Context, q model.StatsQuery, regions []string) ([]model.RegionCount, error)
	// ReportSeverityCounts counts the cases opened in the period by tier.
	ReportSeverityCounts(ctx context.Context, q model.StatsQuery) ([]model.SeverityCount, error)
	// ReportSourceActivity returns every source's items in the period and
	// its current health.
	ReportSourceActivity(ctx context.Context, from, to time.Time) ([]model.SourceActivity, error)
	// ReportTitles streams the titles of up to limit items spread over the
	// period.
	ReportTitles(ctx context.Context, q model.StatsQuery, limit int, fn func(title string) error) error
	// TopicStories returns the top stories of one topic first seen in the
	// period: by sources, then articles.
	TopicStories(ctx context.Context, topic string, from, to time.Time, limit int) ([]model.StorySummary, error)
	// Timeliness returns, per department, how the cases opened in the
	// period were answered, deadlines judged at to.
	Timeliness(ctx context.Context, from, to time.Time) ([]model.Timeliness, error)
}

// ErrUnavailable is wrapped by a Source that cannot provide a part of the
// report (for instance before the case ledger is set up).
var ErrUnavailable = errors.New("report: not available")

// Unavailable returns an error wrapping ErrUnavailable whose reason, in
// Chinese, is printed in the report's notes.
func Unavailable(reason string) error { return &unavailableError{reason} }

type unavailableError struct{ reason string }

func (e *unavailableError) Error() string { return "report: not available: " + e.reason }
func (e *unavailableError) Unwrap() error { return ErrUnavailable }

func isUnavailable(err error) bool { return errors.Is(err, ErrUnavailable) }

// unavailableReason is the reason of an Unavailable error, or a generic one.
func unavailableReason(err error) string {
	var u *unavailableError
	if errors.As(err, &u) {
		return u.reason
	}
	return "数据暂不可用"
}

// Segmenter cuts text into words; the analyzer's segmenter satisfies it.
type Segmenter interface {
	Words(text string) []string
}

// Sender delivers a finished report to one receiver. Email sends the HTML
// body with the PDF attached; chat receivers send the summary and link.
type Sender interface {
	SendReport(ctx context.Context, n model.ReportNotice) error
}

// Archive keeps finished reports; the store implements it.
type Archive interface {
	SaveReport(ctx context.Context, r model.ArchivedReport) error
}

// RunStore records the scheduled runs so that a week's report is built and
// sent once, however many instances run and however often they restart;
// the store implements it.
type RunStore interface {
	ClaimReportRun(ctx context.Context, period, scope string, now time.Time, lease time.Duration) (bool, error)
	SkipReportRun(ctx context.Context, period, scope string, now time.Time) error
	FinishReportRun(ctx context.Context, period, scope string, now time.Time, failed bool, errText string) error
	HasReportRuns(ctx context.Context) (bool, error)
}
