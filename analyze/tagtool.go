package analyze

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/yuqing/yuqing/model"
)

// maxTagLine is the longest input line RunTag reads; a longer line is
// reported and skipped.
const maxTagLine = 1 << 20

// tagInput is one JSON input line of RunTag.
type tagInput struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Content string `json:"content"`
}

// tagOutput is one output line of RunTag. Lists are never null, so that
// scripts can iterate without checks.
type tagOutput struct {
	ID          string             `json:"id"`
	Topics      []model.TopicMatch `json:"topics"`
	Regions     []string           `json:"regions"`
	Departments []string           `json:"departments"`
}

// tagError is the output line for an input line that could not be read.
type tagError struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// RunTag analyzes lines from in and writes one JSON line per input line to
// out. Input lines are JSON objects {"id","title","content"} (unknown fields
// are ignored, so stored items can be piped in), or, with textMode, plain
// text taken as a title whose id is the line number. Blank lines are skipped.
// A line that cannot be read yields {"line":N,"error":"…"} and the run goes
// on; RunTag fails only when reading in, writing out or ctx fails.
func RunTag(ctx context.Context, a *Analyzer, in io.Reader, out io.Writer, textMode bool) error {
	r := bufio.NewReaderSize(in, 64<<10)
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("analyze: tag: %w", err)
		}
		line, tooLong, err := readLine(r)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("analyze: tag: read line %d: %w", n, err)
		}
		if len(line) > 0 || tooLong {
			if werr := enc.Encode(tagLine(a, line, n, tooLong, textMode)); werr != nil {
				return fmt.Errorf("analyze: tag: write output: %w", werr)
			}
		}
		if err != nil {
			break
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("analyze: tag: write output: %w", err)
	}
	return nil
}

// tagLine turns one input line into its output value.
func tagLine(a *Analyzer, line []byte, n int, tooLong, textMode bool) any {
	if tooLong {
		return tagError{Line: n, Error: fmt.Sprintf("line longer than %d bytes", maxTagLine)}
	}
	in, err := parseTagLine(line, n, textMode)
	if err != nil {
		return tagError{Line: n, Error: err.Error()}
	}
	an := a.Analyze(model.Item{ID: in.ID, Title: in.Title, Content: in.Content})
	return tagOutput{
		ID:          in.ID,
		Topics:      an.Topics,
		Regions:     nonNil(an.Regions),
		Departments: nonNil(an.Departments),
	}
}

// parseTagLine reads one non-blank input line. A JSON line without an id
// gets its line number.
func parseTagLine(line []byte, n int, textMode bool) (tagInput, error) {
	if textMode {
		return tagInput{ID: strconv.Itoa(n), Title: string(line)}, nil
	}
	var in tagInput
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&in); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te) && te.Field == "":
			return tagInput{}, fmt.Errorf("want a JSON object, got %s", te.Value)
		case errors.As(err, &te):
			return tagInput{}, fmt.Errorf("field %q must be a string, got %s", te.Field, te.Value)
		}
		return tagInput{}, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return tagInput{}, errors.New("invalid JSON: more than one value on the line")
	}
	if in.ID == "" {
		in.ID = strconv.Itoa(n)
	}
	return in, nil
}

// readLine returns the next line without its line ending, trimmed of
// surrounding spaces. A line longer than maxTagLine is consumed and
// reported as tooLong. err is io.EOF after the last line.
func readLine(r *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, isPrefix, err := r.ReadLine()
		if !tooLong {
			buf = append(buf, chunk...)
			if len(buf) > maxTagLine {
				tooLong, buf = true, nil
			}
		}
		if err != nil {
			return bytes.TrimSpace(buf), tooLong, err
		}
		if !isPrefix {
			return bytes.TrimSpace(buf), tooLong, nil
		}
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
