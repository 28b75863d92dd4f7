package bus

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/yuqing/yuqing/model"
)

// FuzzDecodeItem feeds arbitrary message bodies (anyone who can publish on
// the subject can send one) to the decoding step of ConsumeItems: it must
// either hand the handler an item with an id or report a permanent error,
// never panic and never a transient error that would be retried.
func FuzzDecodeItem(f *testing.F) {
	if fixture, err := os.ReadFile("testdata/items.json"); err == nil {
		f.Add(fixture)
	}
	for _, s := range []string{`{"id":"a:1","source":"a","title":"标题"}`, `{}`, `null`, `[]`, `{"id":`, `{"id":1}`,
		`{"id":"x","published_at":"not a time"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		called := false
		decode := decodeThen(func(_ context.Context, it model.Item) error {
			called = true
			if it.ID == "" {
				t.Fatal("handler called with an empty id")
			}
			return nil
		}, func(it model.Item) string { return it.ID })
		err := decode(context.Background(), data)
		if err != nil && !errors.Is(err, model.ErrPermanent) {
			t.Fatalf("decode error is not permanent: %v", err)
		}
		if (err == nil) != called {
			t.Fatalf("err = %v but handler called = %v", err, called)
		}
	})
}
