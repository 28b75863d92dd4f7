package app

import (
	"github.com/yuqing/yuqing/analyze"
	"github.com/yuqing/yuqing/config"
)

// BuildAnalyzer loads the segmentation dictionary and compiles the
// configuration's taxonomy and gazetteer. It takes about a second and
// ~150 MB: build one per process and share it.
func BuildAnalyzer(cfg *config.Config) (*analyze.Analyzer, error) {
	return analyze.Build(analyze.BuildOptions{
		Taxonomy:   cfg.Taxonomy,
		Places:     cfg.Places,
		Dictionary: cfg.Dictionary,
		Embedded:   true,
	})
}
