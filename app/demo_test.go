package app

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/yuqing/yuqing/demo"
)

// TestRunDemo runs `yuqing demo` as a user would and checks that it ends on
// its own with every sample processed, alerts printed and the broken feed
// reported.
func TestRunDemo(t *testing.T) {
	var out bytes.Buffer
	if err := RunDemo(context.Background(), DemoOptions{Out: &out}); err != nil {
		t.Fatalf("RunDemo: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{
		fmt.Sprintf("done: %d items ingested and analyzed", demo.TotalItems()),
		"broken", "FAILING",
		"「市住房和城乡建设局」协办 Ⅳ级 房地产市场", "「通城县人民政府」主办", "〔汇总〕",
		"时限：予以回应", "签收：http://",
		"(0 rejected by the sink)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("demo output lacks %q:\n%s", want, text)
		}
	}
	if alerts := strings.Count(text, "「"); alerts < 10 {
		t.Errorf("want at least 10 alerts printed, got %d:\n%s", alerts, text)
	}
}
