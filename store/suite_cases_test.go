package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

var (
	openEnv = model.CaseOpening{Department: "sthjj", DepartmentName: "市生态环境局",
		Receivers: []string{"wecom-sthjj", "email-sthjj", "wecom-sthjj"}, Lead: true}
	openDistrict = model.CaseOpening{Department: "xaq", DepartmentName: "咸安区人民政府",
		Receivers: []string{"dingtalk-xaq"}}
	openPolice = model.CaseOpening{Department: "gaj", DepartmentName: "市公安局",
		Receivers: []string{"webhook-gaj", "email-gaj"}, Topics: []string{"hotline"}}
)

func testOpenCases(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	item := loadTagged(t)[0]
	// The case store does not rely on the analyzer having stored the item.
	now := time.Date(2024, 3, 12, 17, 40, 0, 123456789, time.FixedZone("CST", 8*3600))
	created, err := s.OpenCases(ctx, item, []model.CaseOpening{openEnv, openDistrict}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(created) != 2 {
		t.Fatalf("first OpenCases created %d cases, want 2", len(created))
	}
	wantTopics := []string{"ecology", "hotline"}
	for i, op := range []model.CaseOpening{openEnv, openDistrict} {
		c := created[i]
		want := model.Case{ID: c.ID, ItemID: item.Item.ID, StoryID: "story-7f3a", Department: op.Department,
			DepartmentName: op.DepartmentName, State: model.CaseOpen, Lead: op.Lead, Topics: wantTopics,
			Regions: []string{"咸安区"}, Severity: model.SeverityIII, Title: item.Item.Title, URL: item.Item.URL,
			Articles: 1, Sources: []string{"xnnews"}, FirstPublishedAt: truncMS(item.Item.PublishedAt),
			DetectedAt: truncMS(item.Item.FetchedAt), OpenedAt: truncMS(now), UpdatedAt: truncMS(now),
			ClockStart: truncMS(now)}
		if c.ID == 0 || !reflect.DeepEqual(c, want) {
			t.Errorf("case %d = %+v, want %+v", i, c, want)
		}
		checkCaseDeliveries(t, s, c, op, item, truncMS(now))
	}
	if _, err := s.TaggedItem(ctx, item.Item.ID); err != nil {
		t.Errorf("item of the opened case not stored: %v", err)
	}

	// A redelivered message opens nothing and queues nothing.
	again, err := s.OpenCases(ctx, item, []model.CaseOpening{openEnv, openDistrict}, now.Add(time.Minute))
	if err != nil || len(again) != 0 {
		t.Fatalf("second OpenCases = %v, %v; want no cases", again, err)
	}
	// A department that joins later gets only its own case.
	more, err := s.OpenCases(ctx, item, []model.CaseOpening{openEnv, openPolice, openPolice}, now.Add(2*time.Minute))
	if err != nil || len(more) != 1 || more[0].Department != "gaj" {
		t.Fatalf("third OpenCases = %+v, %v; want one case for gaj", more, err)
	}
	if !reflect.DeepEqual(more[0].Topics, []string{"hotline"}) {
		t.Errorf("case opened for the topics %v, want only the routed topic [hotline]", more[0].Topics)
	}
	all, err := s.Deliveries(ctx, store.DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 { // 2 (receiver repeated once) + 1 + 2
		t.Errorf("%d deliveries in the outbox, want 5", len(all))
	}
	if _, err := s.OpenCases(ctx, item, []model.CaseOpening{{DepartmentName: "无代码"}}, now); err == nil {
		t.Error("OpenCases with an empty department succeeded")
	}
}

// checkCaseDeliveries checks that a new case has one pending delivery per
// distinct receiver, due at once, carrying the alert.
func checkCaseDeliveries(t *testing.T, s *store.Store, c model.Case, op model.CaseOpening, item model.TaggedItem, now time.Time) {
	t.Helper()
	ds, err := s.Deliveries(context.Background(), store.DeliveryFilter{CaseID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	var receivers []string
	for _, d := range ds {
		receivers = append(receivers, d.Receiver)
		if d.State != store.DeliveryPending || d.Attempts != 0 || !d.NextAttemptAt.Equal(now) || !d.CreatedAt.Equal(now) {
			t.Errorf("delivery %+v: want pending, 0 attempts, due and created at %v", d, now)
		}
		var a model.Alert
		if err := json.Unmarshal(d.Payload, &a); err != nil {
			t.Fatalf("payload of delivery %d: %v", d.ID, err)
		}
		want := model.Alert{CaseID: c.ID, Department: op.Department, DepartmentName: op.DepartmentName,
			Item: item.Item, Analysis: item.Analysis, OpenedAt: now}
		if !reflect.DeepEqual(a, want) {
			t.Errorf("payload of delivery %d =\n%+v\nwant\n%+v", d.ID, a, want)
		}
	}
	sort.Strings(receivers)
	want := dedupeSorted(op.Receivers)
	if !reflect.DeepEqual(receivers, want) {
		t.Errorf("case %d receivers = %v, want %v", c.ID, receivers, want)
	}
}

func dedupeSorted(xs []string) []string {
	m := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !m[x] {
			m[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

func testCaseFilter(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	items := loadTagged(t)
	for i, it := range items[:3] {
		if _, err := s.OpenCases(ctx, it, []model.CaseOpening{openEnv, openDistrict}, t0.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(cs []model.Case) (out []string) {
		for _, c := range cs {
			out = append(out, c.ItemID+"/"+c.Department)
		}
		return out
	}
	i0, i1, i2 := items[0].Item.ID, items[1].Item.ID, items[2].Item.ID
	tests := []struct {
		name   string
		filter store.CaseFilter
		want   []string
	}{
		{"all newest first", store.CaseFilter{}, []string{i2 + "/xaq", i2 + "/sthjj", i1 + "/xaq", i1 + "/sthjj", i0 + "/xaq", i0 + "/sthjj"}},
		{"by item", store.CaseFilter{ItemID: i1}, []string{i1 + "/xaq", i1 + "/sthjj"}},
		{"by department", store.CaseFilter{Department: "sthjj"}, []string{i2 + "/sthjj", i1 + "/sthjj", i0 + "/sthjj"}},
		{"by state", store.CaseFilter{State: model.CaseOpen, Limit: 2}, []string{i2 + "/xaq", i2 + "/sthjj"}},
		{"combined", store.CaseFilter{ItemID: i0, Department: "xaq", State: model.CaseOpen}, []string{i0 + "/xaq"}},
		{"no match", store.CaseFilter{State: "closed"}, nil},
	}
	for _, tc := range tests {
		got, err := s.Cases(ctx, tc.filter)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(ids(got), tc.want) {
			t.Errorf("%s: Cases() = %v, want %v", tc.name, ids(got), tc.want)
		}
	}
}

// openDeliveries opens one case with the given receivers at t0 and returns
// their delivery ids in order.
func openDeliveries(t *testing.T, s *store.Store, item model.TaggedItem, receivers ...string) []int64 {
	t.Helper()
	op := model.CaseOpening{Department: "sthjj", DepartmentName: "市生态环境局", Receivers: receivers}
	cs, err := s.OpenCases(context.Background(), item, []model.CaseOpening{op}, t0)
	if err != nil || len(cs) != 1 {
		t.Fatalf("OpenCases = %v, %v", cs, err)
	}
	ds, err := s.Deliveries(context.Background(), store.DeliveryFilter{CaseID: cs[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// claim claims at now and checks which deliveries come back with how many
// attempts.
func claim(t *testing.T, s *store.Store, now time.Time, limit int, want map[int64]int) []model.Delivery {
	t.Helper()
	const lease = time.Minute
	got, err := s.ClaimDeliveries(context.Background(), now, lease, limit)
	if err != nil {
		t.Fatal(err)
	}
	attempts := map[int64]int{}
	for _, d := range got {
		attempts[d.ID] = d.Attempts
		if !d.NextAttemptAt.Equal(truncMS(now.Add(lease))) || !d.CreatedAt.Equal(t0) || len(d.Payload) == 0 {
			t.Errorf("claimed %+v: want next attempt %v, created %v, a payload", d, now.Add(lease), t0)
		}
	}
	if want == nil {
		want = map[int64]int{}
	}
	if !reflect.DeepEqual(attempts, want) {
		t.Fatalf("claim at +%v: got id→attempts %v, want %v", now.Sub(t0), attempts, want)
	}
	return got
}

func testOutbox(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	ids := openDeliveries(t, s, loadTagged(t)[0], "r1", "r2", "r3")
	d1, d2, d3 := ids[0], ids[1], ids[2]

	claim(t, s, t0.Add(-time.Second), 10, nil)                               // not due yet
	claim(t, s, t0, 2, map[int64]int{d1: 1, d2: 1})                          // oldest first, limited
	claim(t, s, t0, 10, map[int64]int{d3: 1})                                // the rest
	claim(t, s, t0.Add(59*time.Second), 10, nil)                             // all leased
	claim(t, s, t0.Add(time.Minute), 10, map[int64]int{d1: 2, d2: 2, d3: 2}) // leases ran out

	if err := s.MarkDelivered(ctx, d1, t0.Add(61*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRetry(ctx, d2, t0.Add(5*time.Minute), "HTTP 503"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ctx, d3, t0.Add(62*time.Second), "errcode 93000: invalid webhook key"); err != nil {
		t.Fatal(err)
	}
	claim(t, s, t0.Add(4*time.Minute), 10, nil)
	got := claim(t, s, t0.Add(5*time.Minute), 10, map[int64]int{d2: 3})
	if got[0].LastError != "HTTP 503" {
		t.Errorf("LastError = %q, want the retry's error", got[0].LastError)
	}
	claim(t, s, t0.Add(24*time.Hour), 10, map[int64]int{d2: 4})

	recs, err := s.Deliveries(ctx, store.DeliveryFilter{State: store.DeliveryDelivered})
	if err != nil || len(recs) != 1 || recs[0].ID != d1 || !recs[0].DeliveredAt.Equal(t0.Add(61*time.Second)) {
		t.Errorf("delivered = %+v, %v; want d1 delivered at +61s", recs, err)
	}
	recs, err = s.Deliveries(ctx, store.DeliveryFilter{State: store.DeliveryFailed, Limit: 5})
	if err != nil || len(recs) != 1 || recs[0].ID != d3 || recs[0].LastError == "" || !recs[0].FailedAt.Equal(t0.Add(62*time.Second)) {
		t.Errorf("failed = %+v, %v; want d3 failed at +62s with its error", recs, err)
	}
	st, err := s.OutboxStats(ctx)
	if want := (store.OutboxStats{Pending: 1, Delivered: 1, Failed: 1}); err != nil || st != want {
		t.Errorf("OutboxStats() = %+v, %v; want %+v", st, err, want)
	}
	if ds, err := s.ClaimDeliveries(ctx, t0.Add(48*time.Hour), time.Minute, 0); err != nil || len(ds) != 0 {
		t.Errorf("ClaimDeliveries(limit 0) = %v, %v; want nothing", ds, err)
	}
	if _, err := s.ClaimDeliveries(ctx, t0, 0, 1); err == nil {
		t.Error("ClaimDeliveries with a zero lease succeeded")
	}
}

// testOutboxStaleReports checks the reports of a sender whose lease ran out
// while another sender finished the delivery.
func testOutboxStaleReports(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	ids := openDeliveries(t, s, loadTagged(t)[0], "r1", "r2")
	d1, d2 := ids[0], ids[1]
	claim(t, s, t0, 10, map[int64]int{d1: 1, d2: 1})

	// d1 delivered: later failures or retries of it change nothing.
	steps := []struct {
		name string
		err  error
	}{
		{"deliver d1", s.MarkDelivered(ctx, d1, t0.Add(time.Second))},
		{"retry d1", s.MarkRetry(ctx, d1, t0.Add(time.Hour), "late")},
		{"fail d1", s.MarkFailed(ctx, d1, t0.Add(time.Hour), "late")},
		{"deliver d1 again", s.MarkDelivered(ctx, d1, t0.Add(time.Hour))},
		// d2 given up, then a slow sender reports success: delivered wins.
		{"fail d2", s.MarkFailed(ctx, d2, t0.Add(time.Second), "timeout")},
		{"retry d2", s.MarkRetry(ctx, d2, t0.Add(time.Hour), "late")},
		{"deliver d2", s.MarkDelivered(ctx, d2, t0.Add(2*time.Second))},
	}
	for _, st := range steps {
		if st.err != nil {
			t.Errorf("%s: %v", st.name, st.err)
		}
	}
	recs, err := s.Deliveries(ctx, store.DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	at := map[int64]time.Time{d1: t0.Add(time.Second), d2: t0.Add(2 * time.Second)}
	for _, r := range recs {
		if r.State != store.DeliveryDelivered || !r.DeliveredAt.Equal(at[r.ID]) || r.LastError != "" {
			t.Errorf("delivery %d = %s at %v (err %q), want delivered at %v", r.ID, r.State, r.DeliveredAt, r.LastError, at[r.ID])
		}
	}
	claim(t, s, t0.Add(48*time.Hour), 10, nil)
	for name, err := range map[string]error{
		"deliver": s.MarkDelivered(ctx, 999999, t0),
		"retry":   s.MarkRetry(ctx, 999999, t0, "x"),
		"fail":    s.MarkFailed(ctx, 999999, t0, "x"),
	} {
		if !errors.Is(err, model.ErrNotFound) {
			t.Errorf("%s unknown delivery: err = %v, want ErrNotFound", name, err)
		}
	}
}
