package prom

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestRegisterSharesIdenticalCollectors(t *testing.T) {
	reg := prometheus.NewRegistry()
	opts := prometheus.CounterOpts{Name: "yuqing_test_total", Help: "test"}
	first, err := Register(reg, prometheus.NewCounter(opts))
	if err != nil {
		t.Fatal(err)
	}
	second, err := Register(reg, prometheus.NewCounter(opts))
	if err != nil {
		t.Fatal(err)
	}
	if first != second {
		t.Fatal("second registration did not return the registered collector")
	}
	clash := prometheus.NewCounter(prometheus.CounterOpts{Name: "yuqing_test_total", Help: "other help"})
	if _, err := Register(reg, clash); err == nil {
		t.Fatal("a different collector under the same name was accepted")
	}
	if c, err := Register(nil, clash); err != nil || c != clash {
		t.Fatalf("nil registerer: %v, %v", c, err)
	}
}
