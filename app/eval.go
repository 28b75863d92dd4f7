package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/yuqing/yuqing/analyze"
)

// EvalOptions are the options of `yuqing eval`.
type EvalOptions struct {
	ConfigPath string
	// DataDir holds topics/, sentiment/ and segmentation/.
	DataDir string
	// Skip lists parts not to score (topics, negativity, segmentation),
	// comma-separated.
	Skip string
	// Examples prints a few misses and false alarms.
	Examples bool
}

// Evaluation targets on the development sets (issue 3).
const (
	targetRecall      = 0.80
	targetFalseAlarms = 0.02
	targetNegativity  = 0.80
	targetPKU         = 0.82
)

// Eval scores the analyzer on the data sets in o.DataDir and prints a table.
func Eval(ctx context.Context, o EvalOptions, w io.Writer) error {
	if st, err := os.Stat(o.DataDir); err != nil || !st.IsDir() {
		return fmt.Errorf("eval: data directory %s not found: give --data DIR or set YUQING_EVAL_DATA "+
			"(it holds topics/, sentiment/ and segmentation/; the project's tests do not need it)", o.DataDir)
	}
	cfg, err := loadConfig(o.ConfigPath)
	if err != nil {
		return err
	}
	a, err := BuildAnalyzer(cfg)
	if err != nil {
		return err
	}
	skip := strings.Split(o.Skip, ",")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "measure\tdata\tscore\ttarget\t")
	var errs []error
	var examples []string
	if !slices.Contains(skip, "topics") {
		ex, err := evalTopics(ctx, a, o.DataDir, tw)
		errs = append(errs, err)
		examples = append(examples, ex...)
	}
	if !slices.Contains(skip, "negativity") {
		errs = append(errs, evalNegativity(ctx, a, o.DataDir, tw))
	}
	if !slices.Contains(skip, "segmentation") {
		errs = append(errs, evalSegmentation(ctx, a, o.DataDir, tw))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if o.Examples && len(examples) > 0 {
		fmt.Fprintf(w, "\nexamples:\n%s\n", strings.Join(examples, "\n"))
	}
	return errors.Join(errs...)
}

func mark(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}

func evalTopics(ctx context.Context, a *analyze.Analyzer, dir string, tw io.Writer) ([]string, error) {
	path := filepath.Join(dir, "topics", "thucnews-titles-dev.txt")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval: topics: %w", err)
	}
	defer f.Close()
	ev, err := analyze.EvalTopics(ctx, a, f)
	if err != nil {
		return nil, err
	}
	var examples []string
	for _, class := range []string{"realty", "education"} {
		s := ev.Recall[class]
		fmt.Fprintf(tw, "recall %s → %s\t%d headlines\t%.3f\t≥ %.2f %s\t\n", class, ev.Expect[class], s.Total, s.Rate(),
			targetRecall, mark(s.Rate() >= targetRecall))
	}
	for _, class := range []string{"sports", "game", "entertainment", "science"} {
		s := ev.FalseAlarms[class]
		fmt.Fprintf(tw, "false alarms %s\t%d headlines\t%.3f (%d)\t\t\n", class, s.Total, s.Rate(), s.Hits)
	}
	all := ev.FalseAlarmRate()
	fmt.Fprintf(tw, "false alarms, all four\t%d headlines\t%.3f (%d)\t≤ %.2f %s\t\n", all.Total, all.Rate(), all.Hits,
		targetFalseAlarms, mark(all.Rate() <= targetFalseAlarms))
	for _, class := range []string{"realty", "education", "sports", "game", "entertainment", "science"} {
		for _, e := range ev.Examples[class] {
			examples = append(examples, "  "+class+": "+e)
		}
	}
	return examples, nil
}

func evalNegativity(ctx context.Context, a *analyze.Analyzer, dir string, tw io.Writer) error {
	f, err := os.Open(filepath.Join(dir, "sentiment", "chnsenticorp-hotel.csv"))
	if err != nil {
		return fmt.Errorf("eval: negativity: %w", err)
	}
	defer f.Close()
	ev, err := analyze.EvalSentiment(ctx, a, f)
	if err != nil {
		return err
	}
	c := ev.Confusion
	fmt.Fprintf(tw, "negativity accuracy\t%d reviews\t%.3f\t≥ %.2f %s\t\n", ev.Accuracy.Total, ev.Accuracy.Rate(),
		targetNegativity, mark(ev.Accuracy.Rate() >= targetNegativity))
	fmt.Fprintf(tw, "  negative reviews found\t%d negative\t%.3f\t\t\n", c[0][0]+c[0][1], rate(c[0][0], c[0][0]+c[0][1]))
	fmt.Fprintf(tw, "  positive reviews kept\t%d positive\t%.3f\t\t\n", c[1][0]+c[1][1], rate(c[1][1], c[1][0]+c[1][1]))
	return nil
}

func rate(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func evalSegmentation(ctx context.Context, a *analyze.Analyzer, dir string, tw io.Writer) error {
	work, err := os.MkdirTemp("", "yuqing-eval-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	ev, err := analyze.EvalSegmentation(ctx, a, filepath.Join(dir, "segmentation"), work)
	if err != nil {
		return err
	}
	fmt.Fprintf(tw, "segmentation F (PKU, score.pl)\tSIGHAN 2005\t%.3f (R %.3f, P %.3f)\t≥ %.2f %s\t\n", ev.F, ev.Recall,
		ev.Precision, targetPKU, mark(ev.F >= targetPKU))
	return nil
}
