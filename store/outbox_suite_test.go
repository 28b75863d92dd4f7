package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

// testOutboxDigest checks that a digest marks its deliveries delivered
// together, remembering the digest, and that a finished delivery in it is
// left as it was.
func testOutboxDigest(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	ids := openDeliveries(t, s, loadTagged(t)[0], "r1", "r2", "r3", "r4")
	claim(t, s, t0, 10, map[int64]int{ids[0]: 1, ids[1]: 1, ids[2]: 1, ids[3]: 1})
	if err := s.MarkDelivered(ctx, ids[3], t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(2 * time.Second)
	if err := s.MarkDigestDelivered(ctx, []int64{ids[0], ids[1], ids[3]}, at); err != nil {
		t.Fatal(err)
	}
	recs, err := s.Deliveries(ctx, store.DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]struct {
		state    string
		at       time.Time
		digestOf int64
	}{
		ids[0]: {store.DeliveryDelivered, at, ids[0]},
		ids[1]: {store.DeliveryDelivered, at, ids[0]},
		ids[2]: {store.DeliveryPending, time.Time{}, 0},
		ids[3]: {store.DeliveryDelivered, t0.Add(time.Second), 0},
	}
	for _, r := range recs {
		w := want[r.ID]
		if r.State != w.state || !r.DeliveredAt.Equal(w.at) || r.DigestOf != w.digestOf {
			t.Errorf("delivery %d = %s at %v digest_of %d; want %s at %v digest_of %d",
				r.ID, r.State, r.DeliveredAt, r.DigestOf, w.state, w.at, w.digestOf)
		}
	}
	if err := s.MarkDigestDelivered(ctx, []int64{ids[2], 999999}, at); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("digest naming an unknown delivery: err = %v, want ErrNotFound", err)
	}
	if err := s.MarkDigestDelivered(ctx, nil, at); err != nil {
		t.Errorf("empty digest: %v", err)
	}
}

// testOutboxDefer checks that a rate-limit wait gives the claim's attempt
// back, keeps the last error and counts the wait.
func testOutboxDefer(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	ids := openDeliveries(t, s, loadTagged(t)[0], "r1", "r2")
	d1, d2 := ids[0], ids[1]
	claim(t, s, t0, 10, map[int64]int{d1: 1, d2: 1})
	if err := s.MarkRetry(ctx, d1, t0.Add(time.Minute), "HTTP 503"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ctx, d2, t0.Add(time.Second), "errcode 93000"); err != nil {
		t.Fatal(err)
	}
	claim(t, s, t0.Add(time.Minute), 10, map[int64]int{d1: 2})
	until := t0.Add(90 * time.Second)
	if err := s.DeferDeliveries(ctx, []int64{d1, d2}, until); err != nil {
		t.Fatal(err)
	}
	claim(t, s, until.Add(-time.Millisecond), 10, nil)
	got := claim(t, s, until, 10, map[int64]int{d1: 2}) // the deferred claim is not counted
	if got[0].LastError != "HTTP 503" {
		t.Errorf("LastError = %q, want the earlier failure kept", got[0].LastError)
	}
	recs, err := s.Deliveries(ctx, store.DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		want := map[int64]int{d1: 1, d2: 0}[r.ID]
		if r.Deferrals != want {
			t.Errorf("delivery %d: deferrals = %d, want %d", r.ID, r.Deferrals, want)
		}
	}
	if err := s.DeferDeliveries(ctx, []int64{999999}, until); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("defer unknown delivery: err = %v, want ErrNotFound", err)
	}
}

// testOutboxSentSince checks the messages a restart seeds the rate
// limiters with: one per delivery sent alone and one per digest, per
// receiver, oldest first, from since on; pending and failed deliveries
// sent nothing.
func testOutboxSentSince(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	items := loadTagged(t)
	a := openDeliveries(t, s, items[0], "robot", "mail", "quiet")
	bb := openDeliveries(t, s, items[1], "robot", "mail")
	c := openDeliveries(t, s, items[2], "robot", "mail")
	claim(t, s, t0, 20, map[int64]int{a[0]: 1, a[1]: 1, a[2]: 1, bb[0]: 1, bb[1]: 1, c[0]: 1, c[1]: 1})
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	for _, step := range []struct {
		id  int64
		err error
	}{
		{a[0], s.MarkDelivered(ctx, a[0], at(-2*time.Minute))}, // before since
		{a[1], s.MarkDelivered(ctx, a[1], at(time.Second))},
		{a[2], s.MarkFailed(ctx, a[2], at(time.Second), "errcode 93000")},
		{bb[0], s.MarkDigestDelivered(ctx, []int64{bb[0], c[0]}, at(3*time.Second))}, // one message
		{bb[1], s.MarkDelivered(ctx, bb[1], at(2*time.Second))},
		// c[1] stays pending.
	} {
		if step.err != nil {
			t.Fatalf("delivery %d: %v", step.id, step.err)
		}
	}
	got, err := s.SentSince(ctx, at(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]time.Time{
		"robot": {at(3 * time.Second)},
		"mail":  {at(time.Second), at(2 * time.Second)},
	}
	if len(got) != len(want) {
		t.Errorf("SentSince = %v, want %v", got, want)
	}
	for r, times := range want {
		if !slices.EqualFunc(got[r], times, time.Time.Equal) {
			t.Errorf("receiver %s sent at %v, want %v", r, got[r], times)
		}
	}
	// since is inclusive: a message delivered exactly then still counts.
	if got, err := s.SentSince(ctx, at(3*time.Second)); err != nil || len(got["robot"]) != 1 || len(got["mail"]) != 0 {
		t.Errorf("SentSince(+3s) = %v, %v; want the robot's digest alone", got, err)
	}
}
