package bus

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/internal/prom"
)

// Values of the result label of yuqing_bus_messages_total.
const (
	resultAck       = "ack"
	resultNak       = "nak"
	resultTerm      = "term"
	resultAckFailed = "ack_failed"
)

type metrics struct {
	published      *prometheus.CounterVec
	publishErrors  *prometheus.CounterVec
	messages       *prometheus.CounterVec
	handleDuration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		published: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_bus_published_total",
			Help: "Messages stored by JetStream after a publish (duplicates included), by stream kind.",
		}, []string{"stream"}),
		publishErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_bus_publish_errors_total",
			Help: "Publishes that JetStream did not acknowledge, by stream kind.",
		}, []string{"stream"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_bus_messages_total",
			Help: "Consumed messages by consumer and outcome (ack, nak, term, ack_failed).",
		}, []string{"consumer", "result"}),
		handleDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "yuqing_bus_handle_duration_seconds",
			Help:    "Time spent in a consumer's handler per message.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 4, 10),
		}, []string{"consumer"}),
	}
	if reg == nil {
		return m, nil
	}
	var err error
	m.published, err = prom.Register(reg, m.published)
	if err != nil {
		return nil, err
	}
	m.publishErrors, err = prom.Register(reg, m.publishErrors)
	if err != nil {
		return nil, err
	}
	m.messages, err = prom.Register(reg, m.messages)
	if err != nil {
		return nil, err
	}
	m.handleDuration, err = prom.Register(reg, m.handleDuration)
	if err != nil {
		return nil, err
	}
	return m, nil
}
