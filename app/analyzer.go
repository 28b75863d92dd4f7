package app

import (
	"context"
	"io"

	"github.com/yuqing/yuqing/analyze"
	"github.com/yuqing/yuqing/config"
)

// BuildAnalyzer loads the segmentation dictionary and compiles the
// configuration's taxonomy, gazetteer, negativity lexicon and severity
// rules; source weights come from the sources file. It takes about a second
// and ~150 MB: build one per process and share it.
func BuildAnalyzer(cfg *config.Config) (*analyze.Analyzer, error) {
	c := cfg.Analyze
	c.ApplyDefaults()
	weights := map[string]float64{}
	for _, s := range cfg.Sources {
		if s.Weight > 0 {
			weights[s.ID] = s.Weight
		}
	}
	return analyze.Build(analyze.BuildOptions{
		Taxonomy:        cfg.Taxonomy,
		Places:          cfg.Places,
		Negativity:      c.Negativity,
		Severity:        c.Severity,
		Dictionary:      cfg.Dictionary,
		Embedded:        true,
		Mode:            c.Segmentation,
		SourceWeights:   weights,
		StorySimilarity: c.Stories.Similarity,
	})
}

// TagOptions are the options of `yuqing tag`.
type TagOptions struct {
	ConfigPath string
	// Text reads plain text lines; Explain prints readable explanations.
	Text, Explain bool
	// Mode overrides the configured segmentation mode ("" keeps it).
	Mode string
}

// TagWith runs the analyzer over lines on in: one JSON line out per input,
// or with Explain a readable explanation.
func TagWith(ctx context.Context, o TagOptions, in io.Reader, out io.Writer) error {
	cfg, err := loadConfig(o.ConfigPath)
	if err != nil {
		return err
	}
	if o.Mode != "" {
		cfg.Analyze.Segmentation = o.Mode
	}
	a, err := BuildAnalyzer(cfg)
	if err != nil {
		return err
	}
	return analyze.RunTagWith(ctx, a, in, out, analyze.TagOptions{Text: o.Text, Explain: o.Explain})
}
