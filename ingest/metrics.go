package ingest

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/internal/prom"
)

// Poll results as counted in yuqing_ingest_fetches_total.
const (
	resultOK          = "ok"
	resultNotModified = "not_modified"
	resultError       = "error"
)

type metrics struct {
	fetches             *prometheus.CounterVec
	itemsPublished      *prometheus.CounterVec
	fetchDuration       *prometheus.HistogramVec
	consecutiveFailures *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_ingest_fetches_total",
			Help: "Polls of a source by result: ok, not_modified, or error (fetch, parse or publish failed).",
		}, []string{"source", "result"}),
		itemsPublished: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_ingest_items_published_total",
			Help: "New items of a source handed to the pipeline.",
		}, []string{"source"}),
		fetchDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "yuqing_ingest_fetch_duration_seconds",
			Help:    "Time to fetch the body of a source (or learn it is unchanged), whatever the result.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"source"}),
		consecutiveFailures: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "yuqing_ingest_source_consecutive_failures",
			Help: "Failed polls of a source since its last success (0 = healthy).",
		}, []string{"source"}),
	}
	var err error
	if m.fetches, err = prom.Register(reg, m.fetches); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	if m.itemsPublished, err = prom.Register(reg, m.itemsPublished); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	if m.fetchDuration, err = prom.Register(reg, m.fetchDuration); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	if m.consecutiveFailures, err = prom.Register(reg, m.consecutiveFailures); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	return m, nil
}
