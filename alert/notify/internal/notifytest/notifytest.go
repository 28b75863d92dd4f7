// Package notifytest holds what the receivers' tests share: the fixture
// alerts of alert/notify/message and golden-file comparison.
package notifytest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/yuqing/yuqing/model"
)

// Alert reads the fixture alert name (new, update, repeat, reminder,
// escalation, long …) from alert/notify/message/testdata/alerts.
func Alert(t testing.TB, name string) model.Alert {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(here), "..", "..", "message", "testdata", "alerts", name+".json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var a model.Alert
	if err := json.Unmarshal(data, &a); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return a
}

// JSONGolden compares raw JSON, indented, with the golden file at path
// (relative to the test's package); update rewrites the file instead.
func JSONGolden(t testing.TB, path string, raw []byte, update bool) {
	t.Helper()
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, raw, "", "  "); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, raw)
	}
	pretty.WriteByte('\n')
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("%s differs (run go test -update if intended):\n%s", path, pretty.Bytes())
	}
}
