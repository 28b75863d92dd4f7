package bustest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/yuqing/yuqing/bus"
	"github.com/yuqing/yuqing/bus/bustest"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

func TestServerAcceptsClients(t *testing.T) {
	url := bustest.Server(t)
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	defer nc.Close()
	if !strings.HasPrefix(url, "nats://127.0.0.1:") {
		t.Errorf("url = %q, want loopback", url)
	}
}

func TestOpenGivesDistinctNamespaces(t *testing.T) {
	a, b := bustest.Open(t, config.NATS{}), bustest.Open(t, config.NATS{})
	if a.Namespace() == b.Namespace() || a.Namespace() == bus.DefaultNamespace {
		t.Fatalf("namespaces %q and %q, want two random ones", a.Namespace(), b.Namespace())
	}
	if err := a.Ready(); err != nil {
		t.Fatal(err)
	}
	if err := a.PublishItem(context.Background(), model.Item{ID: "s:1", SourceID: "s"}); err != nil {
		t.Fatal(err)
	}
}

func TestExternalCleansUp(t *testing.T) {
	var streams []string
	var url string
	t.Run("inner", func(t *testing.T) {
		b := bustest.External(t) // skipped without YUQING_TEST_NATS_URL
		streams, url = b.Streams(), b.ClientURL()
	})
	if streams == nil {
		t.Skip("no external server")
	}
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	for _, s := range streams {
		// $JS.API.STREAM.INFO answers with an error for a deleted stream.
		msg, err := nc.Request("$JS.API.STREAM.INFO."+s, nil, nats.DefaultTimeout)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(msg.Data), "stream not found") {
			t.Errorf("stream %s still exists after cleanup: %s", s, msg.Data)
		}
	}
}
