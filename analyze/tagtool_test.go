package analyze

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestRunTagGolden(t *testing.T) {
	a := newTestAnalyzer(t)
	in := readFile(t, "testdata/tag_input.jsonl")
	var out bytes.Buffer
	if err := RunTag(context.Background(), a, bytes.NewReader(in), &out, false); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/tag_output.golden.jsonl"
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := readFile(t, golden)
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("RunTag output differs from %s (run with -update to accept):\ngot:\n%s\nwant:\n%s", golden, out.Bytes(), want)
	}
}

func TestRunTagTextMode(t *testing.T) {
	a := newTestAnalyzer(t)
	in := "通城县楼盘业主投诉\n\n{\"id\":\"x\"}\n咸宁房价上涨"
	var out bytes.Buffer
	if err := RunTag(context.Background(), a, strings.NewReader(in), &out, true); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3 (blank lines skipped):\n%s", len(lines), out.String())
	}
	var first, last tagOutput
	mustUnmarshal(t, lines[0], &first)
	mustUnmarshal(t, lines[2], &last)
	if first.ID != "1" || len(first.Topics) != 1 || first.Topics[0].ID != "real_estate" || first.Regions[0] != "通城县" {
		t.Errorf("line 1 = %s", lines[0])
	}
	if last.ID != "4" || last.Regions[0] != "咸宁市" {
		t.Errorf("line 4 = %s: ids are line numbers, blank lines included", lines[2])
	}
	if !strings.Contains(lines[1], `"id":"3"`) {
		t.Errorf("in text mode a JSON-looking line is text: %s", lines[1])
	}
}

func mustUnmarshal(t *testing.T, line string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(line), v); err != nil {
		t.Fatalf("output line %q: %v", line, err)
	}
}

func TestRunTagLongLines(t *testing.T) {
	a := newTestAnalyzer(t)
	// One line just under the limit, one just over it, then a normal one.
	filler := strings.Repeat("业主", (maxTagLine-200)/len("业主"))
	long := `{"id":"long","title":"楼盘","content":"` + filler + `"}`
	tooLong := `{"id":"huge","content":"` + strings.Repeat("x", maxTagLine) + `"}`
	in := long + "\n" + tooLong + "\n" + `{"id":"after","title":"房价"}` + "\n"
	var out bytes.Buffer
	if err := RunTag(context.Background(), a, strings.NewReader(in), &out, false); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3", len(lines))
	}
	var got tagOutput
	mustUnmarshal(t, lines[0], &got)
	if got.ID != "long" || len(got.Topics) != 1 || got.Topics[0].Score != 4 {
		t.Errorf("long line = %.200s", lines[0])
	}
	var tagErr tagError
	mustUnmarshal(t, lines[1], &tagErr)
	if tagErr.Line != 2 || !strings.Contains(tagErr.Error, "longer than") {
		t.Errorf("too long line = %s", lines[1])
	}
	if !strings.HasPrefix(lines[2], `{"id":"after"`) {
		t.Errorf("the line after a too long one = %s", lines[2])
	}
}

func TestRunTagStops(t *testing.T) {
	a := newTestAnalyzer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := RunTag(ctx, a, strings.NewReader("房价\n"), &bytes.Buffer{}, true)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("RunTag(canceled) = %v, want context.Canceled", err)
	}
	boom := errors.New("disk full")
	err = RunTag(context.Background(), a, strings.NewReader("房价\n"), failingWriter{boom}, true)
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "analyze: tag: write output") {
		t.Errorf("RunTag(failing writer) = %v, want the write error", err)
	}
	err = RunTag(context.Background(), a, failingReader{boom}, &bytes.Buffer{}, true)
	if !errors.Is(err, boom) {
		t.Errorf("RunTag(failing reader) = %v, want the read error", err)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

// Whatever the input, RunTag writes one valid JSON line per non-blank input
// line: a result with an id, or an error with the line number.
func FuzzRunTag(f *testing.F) {
	for _, seed := range []string{
		`{"id":"a","title":"通城县楼盘","content":"业主"}`,
		`{"id":"a","title":`,
		"[1,2]\n{}\n\n   \n{\"id\":5}",
		`{"id":"a"} {"id":"b"}`,
		"\xff\xfe{\"title\":\"\\ud800\"}\r\n",
		"null\ntrue\n\"str\"",
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	a := newTestAnalyzer(f)
	f.Fuzz(func(t *testing.T, in string, textMode bool) {
		var out bytes.Buffer
		if err := RunTag(context.Background(), a, strings.NewReader(in), &out, textMode); err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, line := range strings.Split(in, "\n") {
			if len(bytes.TrimSpace([]byte(line))) > 0 {
				want++
			}
		}
		got := 0
		for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
			if line == "" && want == 0 {
				continue
			}
			got++
			var v struct {
				ID     *string         `json:"id"`
				Topics json.RawMessage `json:"topics"`
				Line   int             `json:"line"`
				Error  string          `json:"error"`
			}
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Fatalf("output line %q is not JSON: %v", line, err)
			}
			if (v.ID == nil || *v.ID == "" || string(v.Topics) == "null") && (v.Line == 0 || v.Error == "") {
				t.Fatalf("output line %q is neither a result nor an error", line)
			}
		}
		if got != want {
			t.Fatalf("%d output lines for %d input lines:\n%q\n%s", got, want, in, out.String())
		}
	})
}

// The explanation of our own fixture: every part of the analysis, the
// topics turned down with their reason, and the Chinese reasons.
func TestRunTagExplainGolden(t *testing.T) {
	a := newTestAnalyzer(t)
	in := readFile(t, "testdata/explain_input.jsonl")
	var out bytes.Buffer
	if err := RunTagWith(context.Background(), a, bytes.NewReader(in), &out, TagOptions{Explain: true}); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/explain_output.golden.txt"
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want := readFile(t, golden); !bytes.Equal(out.Bytes(), want) {
		t.Errorf("explanation differs from %s (run with -update to accept):\ngot:\n%s\nwant:\n%s", golden, out.Bytes(), want)
	}
}
