package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/web"
)

// linkKeyFile holds the generated action-link key in the data directory
// when alert.links sets none.
const linkKeyFile = "links.key"

// buildWeb creates the HTTP endpoint when http.listen is set; it is built
// first so that the other parts can add their handlers (a.web may be nil).
func (a *App) buildWeb() {
	if a.cfg.HTTP.Listen == "" {
		return
	}
	a.web = web.New(web.Options{
		Listen: a.cfg.HTTP.Listen, Gatherer: a.registry, Logger: a.logger.With("component", "web"),
		Checks: []web.Check{
			{Name: "nats", Check: func(context.Context) error { return a.bus.Ready() }},
			{Name: "store", Check: a.store.Ping},
		},
	})
}

// buildLinks makes the signer of the action links in messages, or returns
// nil when officers could not reach them: no alert.public_url and no HTTP
// endpoint.
func (a *App) buildLinks() (*web.Links, error) {
	if a.cfg.Alert.PublicURL == "" && a.web == nil {
		a.logger.Warn("messages carry no action links: set alert.public_url or http.listen")
		return nil, nil
	}
	key, err := a.linkKey()
	if err != nil {
		return nil, err
	}
	if a.cfg.Alert.PublicURL == "" {
		a.logger.Info("action links point at the HTTP endpoint's own address; set alert.public_url for officers on other networks",
			"listen", a.cfg.HTTP.Listen)
	}
	ttl := a.cfg.Alert.Links.TTL.D()
	if ttl <= 0 {
		ttl = config.DefaultLinkTTL
	}
	return web.NewLinks(key, ttl, a.publicURL)
}

// publicURL is where officers reach the console: alert.public_url, else
// the HTTP endpoint's own address once it listens (an unspecified host is
// replaced by the machine's name), which suits officers on the same
// network only.
func (a *App) publicURL() string {
	if u := a.cfg.Alert.PublicURL; u != "" {
		return u
	}
	addr := a.HTTPAddr()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if name, err := os.Hostname(); err == nil {
			host = name
		}
	}
	return "http://" + net.JoinHostPort(host, port)
}

// linkKey is alert.links.secret (or its file), else a random key kept in
// the data directory so that links stay valid across restarts.
func (a *App) linkKey() ([]byte, error) {
	l := a.cfg.Alert.Links
	if s := l.Secret.Reveal(); s != "" {
		return []byte(s), nil
	}
	if l.SecretFile != "" {
		b, err := os.ReadFile(l.SecretFile)
		if err != nil {
			return nil, fmt.Errorf("app: read alert.links.secret_file: %w", err)
		}
		return []byte(strings.TrimSpace(string(b))), nil
	}
	path := filepath.Join(a.cfg.DataDir, linkKeyFile)
	if b, err := os.ReadFile(path); err == nil {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("app: make action-link key: %w", err)
	}
	key := hex.EncodeToString(raw)
	if err := os.MkdirAll(a.cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("app: make action-link key: %w", err)
	}
	// O_EXCL: if another process wrote one meanwhile, use theirs.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if b, rerr := os.ReadFile(path); rerr == nil {
			return []byte(strings.TrimSpace(string(b))), nil
		}
		return nil, fmt.Errorf("app: write action-link key: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(key + "\n"); err != nil {
		return nil, fmt.Errorf("app: write action-link key: %w", err)
	}
	a.logger.Info("generated the action-link key", "path", path)
	return []byte(key), nil
}

// registerConsole adds the case API and the action pages to the HTTP
// endpoint.
func (a *App) registerConsole(links *web.Links, silences []model.Silence, cal *alert.Calendar) error {
	if a.web == nil {
		return nil
	}
	topics := make(map[string]string, len(a.cfg.Taxonomy.Topics))
	for _, t := range a.cfg.Taxonomy.Topics {
		topics[t.ID] = t.Name
	}
	console, err := web.NewConsole(web.ConsoleOptions{
		Ledger: a.store, Departments: a.cfg.Departments, Coordinator: a.cfg.Alert.Coordinator,
		Links: links, Silences: silences, TopicNames: topics, Location: cal.Location(), Now: a.now, Logger: a.logger,
	})
	if err != nil {
		return err
	}
	console.Register(a.web.Handle)
	return nil
}
