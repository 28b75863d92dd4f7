package bus_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/bus"
	"github.com/yuqing/yuqing/bus/bustest"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

func TestListenAcceptsTCPClients(t *testing.T) {
	e := open(t, t.TempDir(), config.NATS{Listen: "127.0.0.1:0"})
	url := e.bus.ClientURL()
	if !strings.HasPrefix(url, "nats://127.0.0.1:") || strings.HasSuffix(url, ":0") {
		t.Fatalf("ClientURL = %q, want nats://127.0.0.1:<port>", url)
	}
	// Another process on the network: a plain TCP client publishes an item
	// that the bus's consumer receives.
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatalf("TCP connect to %s: %v", url, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	it := item("remote", "1")
	data, _ := json.Marshal(it)
	if _, err := js.Publish(context.Background(), e.bus.Subject(bus.KindItems, "remote"), data); err != nil {
		t.Fatalf("publish over TCP: %v", err)
	}
	rec := newRecorder(nil)
	consumeItems(t, e.bus, 1, rec.handle)
	if got := rec.await(t, 1); got[0] != it.ID {
		t.Fatalf("got %v, want %s", got, it.ID)
	}
}

func TestInProcessOnlyHasNoClientURL(t *testing.T) {
	e := open(t, t.TempDir(), config.NATS{})
	if url := e.bus.ClientURL(); url != "" {
		t.Fatalf("ClientURL = %q without Listen, want empty", url)
	}
}

func TestExternalServer(t *testing.T) {
	url := bustest.Server(t)
	c := config.NATS{URL: url, Namespace: "ext"}
	first := open(t, "", c)
	if first.bus.ClientURL() != url {
		t.Errorf("ClientURL = %q, want %q", first.bus.ClientURL(), url)
	}
	publishItems(t, first.bus, item("src", "1"), item("src", "2"))
	if err := first.bus.Close(); err != nil {
		t.Fatal(err)
	}
	// A second Open on the same cluster keeps the streams and messages.
	second := open(t, "", c)
	rec := newRecorder(nil)
	consumeItems(t, second.bus, 2, rec.handle)
	rec.await(t, 2)
	waitSettled(t, second.bus, bus.ConsumerAnalyze)
}

func TestExternalFromEnvironment(t *testing.T) {
	b := bustest.External(t) // skipped without YUQING_TEST_NATS_URL
	if err := b.Ready(); err != nil {
		t.Fatal(err)
	}
	it := loadItems(t)[1]
	publishItems(t, b, it)
	rec := newRecorder(nil)
	consumeItems(t, b, 1, rec.handle)
	if got := rec.await(t, 1); got[0] != it.ID {
		t.Fatalf("got %v, want %s", got, it.ID)
	}
	waitSettled(t, b, bus.ConsumerAnalyze)
}

func TestExternalUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	// Port 1 on loopback refuses connections.
	_, err := bus.Open(ctx, bus.Options{Config: config.NATS{URL: "nats://user:secret@127.0.0.1:1"}})
	if err == nil {
		t.Fatal("Open succeeded without a server")
	}
	if !strings.Contains(err.Error(), "bus: connect to nats://redacted@127.0.0.1:1") {
		t.Errorf("error does not name the server: %v", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error leaks the password: %v", err)
	}
}

func TestOpenUnusableStoreDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The lock succeeds here and nats-server itself fails: JetStream
	// reports that through Fatalf, which must not end the process.
	blockedStore := t.TempDir()
	if err := os.MkdirAll(filepath.Join(blockedStore, "nats"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(blockedStore, "nats", "jetstream"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(readOnly, 0o500); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		dataDir string
		want    string
		skip    bool
	}{
		{"data dir is a file", file, "not a directory", false},
		{"jetstream store is a file", blockedStore, "Can't start JetStream: storage directory is not a directory", false},
		{"data dir read-only", readOnly, "permission denied", os.Geteuid() == 0}, // root writes anyway
		{"data dir empty", "", "DataDir is empty", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skip {
				t.Skip("running as root: permissions are not enforced")
			}
			_, err := bus.Open(context.Background(), bus.Options{DataDir: tc.dataDir})
			if err == nil {
				t.Fatal("Open succeeded")
			}
			if !strings.HasPrefix(err.Error(), "bus: start embedded server") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("unclear error: %v (want it to say %q)", err, tc.want)
			}
		})
	}
}

func TestSecondProcessOnDataDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	open(t, dir, config.NATS{})
	_, err := bus.Open(context.Background(), bus.Options{DataDir: dir})
	if err == nil || !strings.Contains(err.Error(), "in use by another yuqing process") {
		t.Fatalf("second Open on a data dir in use = %v, want an in-use error", err)
	}
}

func TestInvalidConfig(t *testing.T) {
	cases := []struct {
		name string
		c    config.NATS
		want string
	}{
		{"namespace with dot", config.NATS{Namespace: "a.b"}, "namespace"},
		{"dedupe longer than age", config.NATS{DuplicateWindow: config.Duration(48 * time.Hour), MaxAge: config.Duration(time.Hour)}, "duplicate_window"},
		{"bad listen", config.NATS{Listen: "4222"}, "listen"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := bus.Open(context.Background(), bus.Options{Config: tc.c, DataDir: t.TempDir()})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open error = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestNamespacesThatCollideAreRefused(t *testing.T) {
	url := bustest.Server(t)
	open(t, "", config.NATS{URL: url, Namespace: "city-a"})
	_, err := bus.Open(context.Background(), bus.Options{Config: config.NATS{URL: url, Namespace: "city_a"}})
	if err == nil || !strings.Contains(err.Error(), "already exists with subjects") {
		t.Fatalf("Open error = %v, want a stream ownership error", err)
	}
}

func TestPublishRejectsBadInput(t *testing.T) {
	e := open(t, t.TempDir(), config.NATS{})
	ctx := context.Background()
	for _, source := range []string{"", "a.b", "a*", ">", "a b", "咸宁", "Upper", strings.Repeat("x", 129)} {
		it := model.Item{ID: "x:1", SourceID: source}
		if err := e.bus.PublishItem(ctx, it); !errors.Is(err, bus.ErrInvalidToken) {
			t.Errorf("PublishItem(source %q) = %v, want ErrInvalidToken", source, err)
		}
	}
	if err := e.bus.PublishAlert(ctx, "公安局", "", model.Alert{}); !errors.Is(err, bus.ErrInvalidToken) {
		t.Errorf("PublishAlert(Chinese department) = %v, want ErrInvalidToken", err)
	}
	if err := e.bus.PublishItem(ctx, model.Item{SourceID: "src"}); !errors.Is(err, bus.ErrNoMsgID) {
		t.Errorf("PublishItem without id = %v, want ErrNoMsgID", err)
	}
	if err := e.bus.PublishTagged(ctx, model.TaggedItem{Item: model.Item{SourceID: "src"}}); !errors.Is(err, bus.ErrNoMsgID) {
		t.Errorf("PublishTagged without id = %v, want ErrNoMsgID", err)
	}
	if err := e.bus.PublishEvent(ctx, "surge", "", func() {}); err == nil {
		t.Error("PublishEvent with an unencodable value succeeded")
	}
	if got := counter(t, e.reg, "yuqing_bus_published_total", nil); got != 0 {
		t.Errorf("published counter = %v after only rejected publishes", got)
	}
}

func TestPublishEventAndAlert(t *testing.T) {
	e := open(t, t.TempDir(), config.NATS{})
	ctx := context.Background()
	surge := map[string]any{"topic": "water", "count": 12}
	alert := model.Alert{CaseID: 7, Department: "xa_water", DepartmentName: "咸安区水务局", Item: loadItems(t)[0]}
	for range 2 { // the second round is dropped by the message ids
		if err := e.bus.PublishEvent(ctx, "surge", "surge:water:2019052001", surge); err != nil {
			t.Fatal(err)
		}
		if err := e.bus.PublishAlert(ctx, "xa_water", "case:7", alert); err != nil {
			t.Fatal(err)
		}
	}
	js, err := jetstream.New(e.bus.Conn())
	if err != nil {
		t.Fatal(err)
	}
	streams := e.bus.Streams()
	checks := []struct {
		stream, subject string
		into            any
	}{
		{streams[2], e.bus.Subject(bus.KindEvents, "surge"), &map[string]any{}},
		{streams[3], e.bus.Subject(bus.KindAlerts, "xa_water"), &model.Alert{}},
	}
	for _, c := range checks {
		s, err := js.Stream(ctx, c.stream)
		if err != nil {
			t.Fatal(err)
		}
		if n := s.CachedInfo().State.Msgs; n != 1 {
			t.Errorf("%s holds %d messages, want 1", c.stream, n)
		}
		m, err := s.GetLastMsgForSubject(ctx, c.subject)
		if err != nil {
			t.Fatalf("%s: %v", c.subject, err)
		}
		if err := json.Unmarshal(m.Data, c.into); err != nil {
			t.Errorf("%s: %v", c.subject, err)
		}
	}
	if got := checks[1].into.(*model.Alert); got.DepartmentName != "咸安区水务局" || got.Item.ID != alert.Item.ID {
		t.Errorf("alert changed in transit: %+v", got)
	}
}

func TestStreamNamesAndSubjects(t *testing.T) {
	e := open(t, t.TempDir(), config.NATS{Namespace: "xn-test_2"})
	want := []string{"XN_TEST_2_ITEMS", "XN_TEST_2_TAGGED", "XN_TEST_2_EVENTS", "XN_TEST_2_ALERTS"}
	if got := e.bus.Streams(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Streams() = %v, want %v", got, want)
	}
	if got := e.bus.Subject(bus.KindTagged, "xnnews"); got != "xn-test_2.tagged.xnnews" {
		t.Errorf("Subject = %q", got)
	}
}

func TestReopenSameDirAndCloseTwice(t *testing.T) {
	dir := t.TempDir()
	c := config.NATS{Namespace: "again"}
	first := open(t, dir, c)
	if err := first.bus.Ready(); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	if err := first.bus.Close(); err != nil {
		t.Fatal(err)
	}
	if err := first.bus.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := first.bus.Ready(); err == nil {
		t.Fatal("Ready after Close reported no error")
	}
	// A changed setting is applied to the existing streams and consumers.
	c.MaxDeliver = 7
	second := open(t, dir, c)
	js, err := jetstream.New(second.bus.Conn())
	if err != nil {
		t.Fatal(err)
	}
	cons, err := js.Consumer(context.Background(), second.bus.Streams()[0], bus.ConsumerAnalyze)
	if err != nil {
		t.Fatal(err)
	}
	if got := cons.CachedInfo().Config.MaxDeliver; got != 7 {
		t.Fatalf("MaxDeliver after reopen = %d, want 7", got)
	}
}

func TestCloseStopsRunningConsumers(t *testing.T) {
	e := open(t, t.TempDir(), config.NATS{})
	c, err := e.bus.ConsumeItems(context.Background(), 2, newRecorder(nil).handle)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.bus.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.Done():
	default:
		t.Fatal("consumer still running after Close")
	}
	if _, err := e.bus.ConsumeItems(context.Background(), 1, newRecorder(nil).handle); !errors.Is(err, bus.ErrClosed) {
		t.Fatalf("ConsumeItems after Close = %v, want ErrClosed", err)
	}
}

func TestTwoBusesShareOneRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	for i := range 2 {
		b, err := bus.Open(context.Background(), bus.Options{DataDir: t.TempDir(), Registerer: reg})
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		t.Cleanup(func() { b.Close() })
		publishItems(t, b, item("src", "1"))
	}
	if got := counter(t, reg, "yuqing_bus_published_total", map[string]string{"stream": "items"}); got != 2 {
		t.Fatalf("published counter = %v, want 2 (both buses counted)", got)
	}
}
