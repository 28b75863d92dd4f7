// Package web serves yuqing over HTTP: the operations endpoints (metrics,
// liveness, readiness), the case ledger's JSON API (a token per department)
// and the small Chinese pages the signed action links of messages lead to
// (see Console and Links).
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Check reports whether one part of the process is ready; nil means ready.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

// Options configure the server.
type Options struct {
	// Listen is host:port; port 0 picks a free port (see Addr).
	Listen   string
	Gatherer prometheus.Gatherer
	Checks   []Check
	Logger   *slog.Logger
}

// Server is the HTTP endpoint of the process.
type Server struct {
	mux    *http.ServeMux
	srv    *http.Server
	ln     net.Listener
	logger *slog.Logger
	done   chan struct{}
}

// New builds the server with /metrics, /livez and /readyz routes.
func New(o Options) *Server {
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	if o.Gatherer != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(o.Gatherer, promhttp.HandlerOpts{}))
	}
	mux.Handle("GET /livez", livez())
	mux.Handle("GET /readyz", readyz(o.Checks))
	return &Server{
		mux:    mux,
		logger: logger,
		srv: &http.Server{
			Addr:              o.Listen,
			Handler:           mux,
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		},
	}
}

// Handle adds a route (the console, reports).
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Start listens and serves in the background.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.srv.Addr)
	if err != nil {
		return fmt.Errorf("web: listen on %s: %w", s.srv.Addr, err)
	}
	s.ln = ln
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logger.Error("http server stopped", "err", err)
		}
	}()
	s.logger.Info("http endpoint listening", "addr", ln.Addr().String())
	return nil
}

// Addr is the address the server listens on, once started.
func (s *Server) Addr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Shutdown stops accepting requests and waits for running ones, within ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.ln == nil {
		return nil
	}
	err := s.srv.Shutdown(ctx)
	<-s.done
	if err != nil {
		return fmt.Errorf("web: shut down: %w", err)
	}
	return nil
}
