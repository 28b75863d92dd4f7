package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestEndpoints(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "yuqing_test_things_total", Help: "test"})
	reg.MustRegister(c)
	c.Inc()
	storeErr := errors.New("database is locked")
	ready := false
	srv := New(Options{
		Listen:   "127.0.0.1:0",
		Gatherer: reg,
		Checks: []Check{
			{Name: "bus", Check: func(context.Context) error { return nil }},
			{Name: "store", Check: func(context.Context) error {
				if ready {
					return nil
				}
				return storeErr
			}},
		},
	})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	base := "http://" + srv.Addr()

	tests := []struct {
		name       string
		path       string
		makeReady  bool
		wantStatus int
		wantBody   string
	}{
		{"live", "/livez", false, 200, "ok"},
		{"not ready names the failing part", "/readyz", false, 503, "store: database is locked"},
		{"ready", "/readyz", true, 200, "store: ok"},
		{"metrics", "/metrics", true, 200, "yuqing_test_things_total 1"},
		{"unknown path", "/nope", true, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ready = tt.makeReady
			resp, err := http.Get(base + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d (body %q)", resp.StatusCode, tt.wantStatus, body)
			}
			if !strings.Contains(string(body), tt.wantBody) {
				t.Fatalf("body %q does not contain %q", body, tt.wantBody)
			}
		})
	}
}
