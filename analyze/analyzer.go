// Package analyze finds what an item is about: it cuts the text into words
// (gse, with the project's dictionary), matches the hot-topic taxonomy on
// whole words, finds the places of the gazetteer and derives the departments
// that answer for the topics. The Stage runs it between the ITEMS and
// TAGGED streams; RunTag runs it over lines of text for people.
package analyze

import (
	"slices"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// Options are the parts an Analyzer is composed of.
type Options struct {
	// Segmenter is required.
	Segmenter *Segmenter
	// Taxonomy finds topics; nil finds none.
	Taxonomy *Taxonomy
	// Places finds regions; nil finds none.
	Places *Places
}

// Analyzer analyzes items. It is immutable and safe for concurrent use.
type Analyzer struct {
	seg    *Segmenter
	tax    *Taxonomy
	places *Places
}

// New composes an Analyzer. It panics without a Segmenter: that is a wiring
// mistake, not a condition to handle at run time.
func New(opts Options) *Analyzer {
	if opts.Segmenter == nil {
		panic("analyze: New needs a Segmenter")
	}
	return &Analyzer{seg: opts.Segmenter, tax: opts.Taxonomy, places: opts.Places}
}

// BuildOptions is the configuration an Analyzer is built from.
type BuildOptions struct {
	Taxonomy config.Taxonomy
	Places   config.Gazetteer
	// Dictionary is the project dictionary (configs/dictionary.txt).
	Dictionary     []byte
	DictionaryFile string
	// Embedded loads gse's own dictionary; only unit tests leave it off.
	Embedded bool
}

// Build compiles the taxonomy and gazetteer, loads a segmenter that keeps
// their terms and names whole, and composes an Analyzer. It loads the
// segmenter's dictionary, so call it once per process and share the result.
func Build(opts BuildOptions) (*Analyzer, error) {
	tax, err := CompileTaxonomy(opts.Taxonomy)
	if err != nil {
		return nil, err
	}
	places, err := CompilePlaces(opts.Places)
	if err != nil {
		return nil, err
	}
	seg, err := NewSegmenter(SegmenterOptions{
		Embedded:       opts.Embedded,
		Dictionary:     opts.Dictionary,
		DictionaryFile: opts.DictionaryFile,
		Words:          append(tax.Terms(), places.Names()...),
	})
	if err != nil {
		return nil, err
	}
	return New(Options{Segmenter: seg, Taxonomy: tax, Places: places}), nil
}

// Segment cuts an item's title and content into words.
func (a *Analyzer) Segment(it model.Item) Text {
	return Text{Title: a.seg.Words(it.Title), Body: a.seg.Words(it.Content)}
}

// Analyze finds the topics, regions and departments of an item. Fields the
// analyzer does not compute yet (negativity, severity, story) stay zero.
func (a *Analyzer) Analyze(it model.Item) model.Analysis {
	return a.AnalyzeText(a.Segment(it))
}

// AnalyzeText analyzes a text that is already cut into words.
func (a *Analyzer) AnalyzeText(text Text) model.Analysis {
	an := model.Analysis{Topics: []model.TopicMatch{}}
	if a.tax != nil {
		an.Topics = a.tax.Match(text)
		an.Departments = a.departments(an.Topics)
	}
	if a.places != nil {
		an.Regions = a.places.Match(text)
	}
	return an
}

// departments is the union of the topics' default departments, in topic
// order, each once.
func (a *Analyzer) departments(topics []model.TopicMatch) []string {
	var deps []string
	for _, tm := range topics {
		for _, d := range a.tax.Departments(tm.ID) {
			if !slices.Contains(deps, d) {
				deps = append(deps, d)
			}
		}
	}
	return deps
}

// TopicIDs returns the ids of the taxonomy's topics in taxonomy order.
func (a *Analyzer) TopicIDs() []string {
	if a.tax == nil {
		return nil
	}
	return a.tax.TopicIDs()
}
