package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./report -run %s -update rewrites it); got:\n%s", name, t.Name(), firstDiff(got, want))
	}
}

// firstDiff shows the first line that differs.
func firstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := range min(len(g), len(w)) {
		if !bytes.Equal(g[i], w[i]) {
			return "line " + itoa(i+1) + ":\n got: " + string(g[i]) + "\nwant: " + string(w[i])
		}
	}
	return "lengths differ: " + itoa(len(g)) + " lines, want " + itoa(len(w))
}

func itoa(n int) string { return num(n) }

// The golden HTML draws its charts with the Latin fallback font, whose
// metrics ship with gonum: the SVG then comes out the same on every
// machine, with or without a CJK font installed.
func TestGolden(t *testing.T) {
	tests := []struct {
		name   string
		dept   string
		render func(w *bytes.Buffer, d *Data) error
	}{
		{"week.golden.md", "", func(w *bytes.Buffer, d *Data) error { return RenderMarkdown(w, d) }},
		{"week.golden.json", "", func(w *bytes.Buffer, d *Data) error { return RenderJSON(w, d) }},
		{"week.golden.html", "", func(w *bytes.Buffer, d *Data) error {
			return RenderHTML(w, d, HTMLOptions{Charts: NewCharts(nil)})
		}},
		{"week-housing.golden.md", "housing", func(w *bytes.Buffer, d *Data) error { return RenderMarkdown(w, d) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := buildFixture(t, loadFixture(t), tc.dept)
			var buf bytes.Buffer
			if err := tc.render(&buf, d); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.name, buf.Bytes())
		})
	}
}
