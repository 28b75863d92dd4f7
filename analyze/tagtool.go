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
	"time"

	"github.com/yuqing/yuqing/model"
)

// maxTagLine is the longest input line RunTag reads; a longer line is
// reported and skipped.
const maxTagLine = 1 << 20

// tagInput is one JSON input line of RunTag.
type tagInput struct {
	ID      string `json:"id"`
	Source  string `json:"source"`
	URL     string `json:"url"`
	Title   string `json:"title"`
	Content string `json:"content"`
}

// tagOutput is one output line of RunTag. Lists are never null, so that
// scripts can iterate without checks.
type tagOutput struct {
	ID          string             `json:"id"`
	Topics      []model.TopicMatch `json:"topics"`
	Regions     []string           `json:"regions"`
	Negativity  float64            `json:"negativity"`
	Sentiment   string             `json:"sentiment"`
	Severity    model.Severity     `json:"severity"`
	StoryID     string             `json:"story_id"`
	Departments []string           `json:"departments"`
}

// tagError is the output line for an input line that could not be read.
type tagError struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// TagOptions change what RunTag reads and writes.
type TagOptions struct {
	// Text reads plain text lines (each a title, its id the line number)
	// instead of JSON lines.
	Text bool
	// Explain writes a readable explanation per item instead of JSON.
	Explain bool
}

// RunTag analyzes lines from in and writes one JSON line per input line to
// out. Input lines are JSON objects {"id","title","content"} (unknown fields
// are ignored, so stored items can be piped in), or, with opts.Text, plain
// text taken as a title whose id is the line number. Blank lines are
// skipped. Articles among the input that are near-copies of each other share
// a story. A line that cannot be read yields {"line":N,"error":"…"} and the
// run goes on; RunTag fails only when reading in, writing out or ctx fails.
func RunTag(ctx context.Context, a *Analyzer, in io.Reader, out io.Writer, textMode bool) error {
	return RunTagWith(ctx, a, in, out, TagOptions{Text: textMode})
}

// RunTagWith is RunTag with all the options.
func RunTagWith(ctx context.Context, a *Analyzer, in io.Reader, out io.Writer, opts TagOptions) error {
	r := bufio.NewReaderSize(in, 64<<10)
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	stories := NewMemoryStories()
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("analyze: tag: %w", err)
		}
		line, tooLong, err := readLine(r)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("analyze: tag: read line %d: %w", n, err)
		}
		if len(line) > 0 || tooLong {
			if werr := writeTag(ctx, w, enc, a, stories, line, n, tooLong, opts); werr != nil {
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

// writeTag analyzes one input line and writes its result.
func writeTag(ctx context.Context, w io.Writer, enc *json.Encoder, a *Analyzer, stories *MemoryStories,
	line []byte, n int, tooLong bool, opts TagOptions) error {
	var in tagInput
	var err error
	if tooLong {
		err = fmt.Errorf("line longer than %d bytes", maxTagLine)
	} else {
		in, err = parseTagLine(line, n, opts.Text)
	}
	if err != nil {
		if opts.Explain {
			_, werr := fmt.Fprintf(w, "── line %d: %s\n\n", n, err)
			return werr
		}
		return enc.Encode(tagError{Line: n, Error: err.Error()})
	}
	it := model.Item{ID: in.ID, SourceID: in.Source, Title: in.Title, Content: in.Content, URL: in.URL}
	ex := a.examine(it)
	st, err := stories.AssignStory(ctx, ex.member(), time.Time{}, a.matcher(ex))
	if err != nil {
		return err
	}
	an := a.finish(ex, st)
	if opts.Explain {
		err := explain(w, a, ex, an)
		a.release(ex)
		return err
	}
	a.release(ex)
	return enc.Encode(tagOutput{
		ID:          in.ID,
		Topics:      an.Topics,
		Regions:     nonNil(an.Regions),
		Negativity:  an.Negativity,
		Sentiment:   an.Sentiment,
		Severity:    an.Severity,
		StoryID:     an.StoryID,
		Departments: nonNil(an.Departments),
	})
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
