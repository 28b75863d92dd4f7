package analyze

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/yuqing/yuqing/model"
)

// Evaluation of the analyzer on public data sets nobody on the team wrote
// (see `yuqing eval`). The scorers read the sets' own formats.

// TopicEval scores topic tagging on headlines labelled by class: recall for
// the classes that map to a topic, the false-alarm rate for the classes
// that should get no hot-topic area at all.
type TopicEval struct {
	// Recall maps a class (realty) to its score; Expect says which topic
	// the class should get.
	Recall map[string]Score
	Expect map[string]string
	// FalseAlarms maps a class (sports) to the share of its headlines that
	// got any topic.
	FalseAlarms map[string]Score
	// Examples holds up to a few misses and false alarms per class.
	Examples map[string][]string
}

// Score is hits out of a total.
type Score struct{ Hits, Total int }

// Rate is Hits/Total, 0 for an empty total.
func (s Score) Rate() float64 {
	if s.Total == 0 {
		return 0
	}
	return float64(s.Hits) / float64(s.Total)
}

// TopicClasses are the THUCNews headline classes and what each should get:
// a topic id, "" for no topic (a false alarm if any), or "-" for not scored
// (finance, stocks, society and politics mix hot topics and other news).
var TopicClasses = []struct{ Class, Expect string }{
	{"finance", "-"}, {"realty", "real_estate"}, {"stocks", "-"}, {"education", "education"},
	{"science", ""}, {"society", "-"}, {"politics", "-"}, {"sports", ""}, {"game", ""}, {"entertainment", ""},
}

const maxExamples = 5

// EvalTopics reads `title<TAB>class index` lines and scores them.
func EvalTopics(ctx context.Context, a *Analyzer, r io.Reader) (TopicEval, error) {
	ev := TopicEval{Recall: map[string]Score{}, Expect: map[string]string{}, FalseAlarms: map[string]Score{}, Examples: map[string][]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if err := ctx.Err(); err != nil {
			return ev, err
		}
		title, idx, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			return ev, fmt.Errorf("analyze: eval topics: line %d: want title<TAB>class", n)
		}
		c, err := strconv.Atoi(strings.TrimSpace(idx))
		if err != nil || c < 0 || c >= len(TopicClasses) {
			return ev, fmt.Errorf("analyze: eval topics: line %d: class %q is not 0–%d", n, idx, len(TopicClasses)-1)
		}
		class, expect := TopicClasses[c].Class, TopicClasses[c].Expect
		if expect == "-" {
			continue
		}
		ids := a.Analyze(model.Item{Title: title}).TopicIDs()
		if expect == "" {
			s := ev.FalseAlarms[class]
			s.Total++
			if len(ids) > 0 {
				s.Hits++
				ev.example(class, fmt.Sprintf("%s → %v", title, ids))
			}
			ev.FalseAlarms[class] = s
			continue
		}
		ev.Expect[class] = expect
		s := ev.Recall[class]
		s.Total++
		if slices.Contains(ids, expect) {
			s.Hits++
		} else {
			ev.example(class, fmt.Sprintf("%s → %v", title, ids))
		}
		ev.Recall[class] = s
	}
	if err := sc.Err(); err != nil {
		return ev, fmt.Errorf("analyze: eval topics: %w", err)
	}
	return ev, nil
}

func (ev *TopicEval) example(class, text string) {
	if len(ev.Examples[class]) < maxExamples {
		ev.Examples[class] = append(ev.Examples[class], text)
	}
}

// FalseAlarmRate is the share of all no-topic headlines that got a topic.
func (ev TopicEval) FalseAlarmRate() Score {
	var all Score
	for _, s := range ev.FalseAlarms {
		all.Hits += s.Hits
		all.Total += s.Total
	}
	return all
}

// SentimentEval scores negativity on reviews labelled 1 (positive) or 0
// (negative): an item counts as predicted negative when labelled negative.
type SentimentEval struct {
	Accuracy Score
	// Confusion counts [gold][predicted] with 0 negative, 1 not negative.
	Confusion [2][2]int
	// Labels counts the three predicted labels.
	Labels map[string]int
}

// EvalSentiment reads `label,review` CSV (with a header line).
func EvalSentiment(ctx context.Context, a *Analyzer, r io.Reader) (SentimentEval, error) {
	ev := SentimentEval{Labels: map[string]int{}}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return ev, err
		}
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return ev, fmt.Errorf("analyze: eval sentiment: %w", err)
		}
		if n == 1 && rec[0] == "label" {
			continue
		}
		if len(rec) < 2 || (rec[0] != "0" && rec[0] != "1") {
			continue // a review with no label or no text is not scored
		}
		gold := 1
		if rec[0] == "0" {
			gold = 0
		}
		an := a.Analyze(model.Item{Content: strings.Join(rec[1:], ",")})
		ev.Labels[an.Sentiment]++
		pred := 1
		if an.Sentiment == model.SentimentNegative {
			pred = 0
		}
		ev.Confusion[gold][pred]++
		ev.Accuracy.Total++
		if gold == pred {
			ev.Accuracy.Hits++
		}
	}
	return ev, nil
}

// SegmentationEval is the SIGHAN scorer's summary.
type SegmentationEval struct {
	Recall, Precision, F float64
	// Report is the scorer's summary lines.
	Report string
}

var scoreLine = regexp.MustCompile(`(?m)^=== (TOTAL TRUE WORDS RECALL|TOTAL TEST WORDS PRECISION|F MEASURE):\s*([0-9.]+)`)

// EvalSegmentation segments the PKU test file with the analyzer's segmenter
// (one line per line, words separated by two spaces), and runs the official
// scorer: perl score.pl WORDS GOLD OUTPUT. dir holds pku_test.utf8,
// pku_test_gold.utf8, pku_training_words.utf8 and score.pl; work is a
// directory for the output file.
func EvalSegmentation(ctx context.Context, a *Analyzer, dir, work string) (SegmentationEval, error) {
	var ev SegmentationEval
	in, err := os.Open(filepath.Join(dir, "pku_test.utf8"))
	if err != nil {
		return ev, fmt.Errorf("analyze: eval segmentation: %w", err)
	}
	defer in.Close()
	outPath := filepath.Join(work, "pku_test.seg")
	out, err := os.Create(outPath)
	if err != nil {
		return ev, fmt.Errorf("analyze: eval segmentation: %w", err)
	}
	w := bufio.NewWriter(out)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		w.WriteString(strings.Join(a.seg.Tokens(strings.TrimSpace(sc.Text())), "  "))
		w.WriteString("\n")
	}
	if err := errors.Join(sc.Err(), w.Flush(), out.Close()); err != nil {
		return ev, fmt.Errorf("analyze: eval segmentation: write %s: %w", outPath, err)
	}
	cmd := exec.CommandContext(ctx, "perl", filepath.Join(dir, "score.pl"),
		filepath.Join(dir, "pku_training_words.utf8"), filepath.Join(dir, "pku_test_gold.utf8"), outPath)
	report, err := cmd.Output()
	if err != nil {
		return ev, fmt.Errorf("analyze: eval segmentation: run score.pl: %w", err)
	}
	for _, m := range scoreLine.FindAllStringSubmatch(string(report), -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		switch m[1] {
		case "TOTAL TRUE WORDS RECALL":
			ev.Recall = v
		case "TOTAL TEST WORDS PRECISION":
			ev.Precision = v
		case "F MEASURE":
			ev.F = v
		}
	}
	if ev.F == 0 {
		return ev, errors.New("analyze: eval segmentation: score.pl printed no F MEASURE")
	}
	lines := strings.Split(strings.TrimSpace(string(report)), "\n")
	ev.Report = strings.Join(lines[max(0, len(lines)-14):], "\n")
	return ev, nil
}
