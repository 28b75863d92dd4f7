// Package analyze finds what an item is about and how serious it is: the
// hot-topic areas of the taxonomy (weighted words and all/any/none rules on
// whole words), the places of the gazetteer, negativity from a lexicon with
// negation and degree words, the statutory severity tier from configured
// rules, and the story (near-duplicate articles across sources) the item
// belongs to. The Stage runs it between the ITEMS and TAGGED streams; RunTag
// runs it over lines of text for people; the surge Watcher watches the
// stored counts for spikes.
//
// Words are found fast: one pass of a character trie finds every configured
// word; a hit whose ends no dictionary word can cross is a whole word
// without segmenting, and only the rest is cut with gse's own algorithm
// over the short stretch between such boundaries — the same words full
// segmentation finds (ModeFull keeps the plain gse cut as the reference).
package analyze

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

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
	// Negativity scores negativity; nil leaves it zero.
	Negativity *Negativity
	// Severity assesses the tier; nil leaves it unassessed.
	Severity *Severity
	// Mode is ModeFast (default) or ModeFull.
	Mode string
	// SourceWeights maps a source id to its weight for severity (default
	// 1).
	SourceWeights map[string]float64
	// StorySimilarity is the estimated Jaccard similarity from which two
	// articles are one story (default 0.5).
	StorySimilarity float64
}

// shanghai is the zone times are shown in.
var shanghai = time.FixedZone("CST", 8*3600)

// Analyzer analyzes items. It is immutable and safe for concurrent use.
type Analyzer struct {
	seg        *Segmenter
	tax        *Taxonomy
	places     *Places
	neg        *Negativity
	sev        *Severity
	scan       *scanner
	weights    map[string]float64
	similarity float64
	// roles says what each part makes of every word the scanner finds.
	roles *roleTable
	pool  *scratchPool
}

// New composes an Analyzer. It panics without a Segmenter: that is a wiring
// mistake, not a condition to handle at run time.
func New(opts Options) *Analyzer {
	if opts.Segmenter == nil {
		panic("analyze: New needs a Segmenter")
	}
	a := &Analyzer{seg: opts.Segmenter, tax: opts.Taxonomy, places: opts.Places, neg: opts.Negativity,
		sev: opts.Severity, weights: opts.SourceWeights, similarity: cmp.Or(opts.StorySimilarity, config.DefaultStorySimilarity)}
	words := a.words()
	a.scan = newScanner(a.seg, cmp.Or(opts.Mode, ModeFast), words, a.suffixes())
	for _, suf := range a.suffixes() {
		words = append(words, "*"+suf)
	}
	a.roles, a.pool = buildRoles(a, words), &scratchPool{}
	return a
}

func (a *Analyzer) suffixes() []string {
	if a.tax == nil {
		return nil
	}
	return a.tax.Suffixes()
}

// words are every word some part of the analysis looks for.
func (a *Analyzer) words() []string {
	var words []string
	if a.tax != nil {
		words = append(words, a.tax.Terms()...)
		words = append(words, a.tax.RuleWords()...)
	}
	if a.places != nil {
		words = append(words, a.places.Names()...)
	}
	if a.neg != nil {
		words = append(words, a.neg.Words()...)
	}
	if a.sev != nil {
		words = append(words, a.sev.Words()...)
	}
	return words
}

// BuildOptions is the configuration an Analyzer is built from.
type BuildOptions struct {
	Taxonomy   config.Taxonomy
	Places     config.Gazetteer
	Negativity config.Negativity
	Severity   config.SeverityRules
	// Dictionary is the project dictionary (configs/dictionary.txt).
	Dictionary     []byte
	DictionaryFile string
	// Embedded loads gse's own dictionary; only unit tests leave it off.
	Embedded        bool
	Mode            string
	SourceWeights   map[string]float64
	StorySimilarity float64
}

// Build compiles the configuration, loads a segmenter that keeps every
// configured word whole, and composes an Analyzer. It loads the
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
	var neg *Negativity
	var negators []string
	if len(opts.Negativity.Negative) > 0 {
		if neg, err = CompileNegativity(opts.Negativity); err != nil {
			return nil, err
		}
		negators = opts.Negativity.Negators
	}
	var sev *Severity
	if len(opts.Severity.Rules) > 0 || opts.Severity.Version > 0 {
		if sev, err = CompileSeverity(opts.Severity, negators); err != nil {
			return nil, err
		}
	}
	if opts.Mode != "" && opts.Mode != ModeFast && opts.Mode != ModeFull {
		return nil, fmt.Errorf("analyze: build: segmentation mode %q: want fast or full", opts.Mode)
	}
	// Lexicon words join the dictionary only where gse lacks them: forcing
	// common judgement words whole would change how ordinary text is cut.
	extra := tax.RuleWords()
	if neg != nil {
		extra = append(extra, neg.Words()...)
	}
	if sev != nil {
		extra = append(extra, sev.Words()...)
	}
	seg, err := NewSegmenter(SegmenterOptions{
		Embedded:       opts.Embedded,
		Dictionary:     opts.Dictionary,
		DictionaryFile: opts.DictionaryFile,
		Words:          append(tax.Terms(), places.Names()...),
		Extra:          extra,
	})
	if err != nil {
		return nil, err
	}
	return New(Options{Segmenter: seg, Taxonomy: tax, Places: places, Negativity: neg, Severity: sev,
		Mode: opts.Mode, SourceWeights: opts.SourceWeights, StorySimilarity: opts.StorySimilarity}), nil
}

// examination is everything the analysis finds in an item's own text,
// before its story is known. It lives in scratch, with its verdicts and
// word lists, until Analyzer.release.
type examination struct {
	item     model.Item
	doc      *scanned
	topics   []model.TopicMatch
	verdicts []*topicVerdict
	regions  []string
	sent     sentiment
	inc      incident
	sig      signature
	hasSig   bool
	scratch  *scratch
}

// examine analyzes an item's text. Release the examination when done with
// it.
func (a *Analyzer) examine(it model.Item) *examination {
	return a.examineScanned(it, a.scan.scan(it.Title, it.Content))
}

// examineScanned analyzes an item whose text is scanned.
func (a *Analyzer) examineScanned(it model.Item, doc *scanned) *examination {
	sc := a.pool.get()
	sc.ex = examination{item: it, doc: doc, topics: []model.TopicMatch{}, scratch: sc}
	ex := &sc.ex
	sc.roles = a.roles.appendRoles(sc.roles[:0], ex.doc)
	if a.tax != nil {
		ex.topics, ex.verdicts = a.tax.match(ex.doc, sc.roles, &sc.topics)
	}
	if a.places != nil {
		ex.regions, sc.places = a.places.matchRoles(sc.roles, sc.places)
	}
	if a.neg != nil {
		ex.sent = a.neg.assess(ex.doc, sc.roles, sc.negative, sc.positive)
		sc.negative, sc.positive = ex.sent.negative, ex.sent.positive
	}
	if a.sev != nil {
		ex.inc = a.sev.read(ex.doc, sc.roles)
	}
	ex.sig, ex.hasSig = fingerprint(ex.doc.title, ex.doc.body)
	return ex
}

// member is the item as the story index sees it.
func (ex *examination) member() model.StoryMember {
	m := model.StoryMember{ItemID: ex.item.ID, SourceID: ex.item.SourceID, Title: ex.item.Title, URL: ex.item.URL,
		At: ex.item.EarliestTime()}
	if ex.hasSig {
		m.Signature, m.Bands = ex.sig.bytes(), ex.sig.bands()
	}
	return m
}

// matcher accepts a stored signature that is similar enough.
func (a *Analyzer) matcher(ex *examination) func([]byte) bool {
	return func(b []byte) bool {
		other, ok := signatureFrom(b)
		return ok && ex.hasSig && ex.sig.similarity(&other) >= a.similarity
	}
}

// finish completes the analysis once the item's story is known; a zero
// spread means the item is a story of its own. What it returns shares no
// memory with the examination's scratch.
func (a *Analyzer) finish(ex *examination, st model.StorySpread) model.Analysis {
	an := model.Analysis{Topics: ex.topics, Regions: ex.regions, StoryID: st.StoryID}
	if a.tax != nil {
		an.Departments = a.tax.departmentsOf(ex.topics)
	}
	var buf [3]string
	reasons := buf[:0]
	if a.neg != nil {
		an.Negativity, an.Sentiment = ex.sent.score, ex.sent.label
		reasons = append(reasons, ex.sent.reason())
	}
	if a.sev != nil {
		sp := spread{articles: max(st.Articles, 1), sources: max(st.Sources, 1)}
		tier, reason := a.sev.assess(ex.inc, ex.sent, ex.topics, sp, a.weight(ex.item.SourceID))
		an.Severity = tier
		if reason != "" {
			reasons = append(reasons, reason)
		}
	}
	if st.StoryID != "" {
		reasons = append(reasons, storyReason(st))
	}
	an.Reasons = cloneOrNil(reasons)
	return an
}

func storyReason(st model.StorySpread) string {
	var buf [160]byte
	b := buf[:0]
	b = append(append(b, "事件："...), st.StoryID...)
	if st.New {
		return string(append(b, "（新事件，首篇报道）"...))
	}
	b = strconv.AppendInt(append(b, "（同一事件已有"...), int64(st.Articles), 10)
	b = strconv.AppendInt(append(b, "篇报道、"...), int64(st.Sources), 10)
	b = append(b, "个来源"...)
	if !st.FirstSeen.IsZero() {
		b = st.FirstSeen.In(shanghai).AppendFormat(append(b, "，首发于"...), "2006-01-02 15:04")
	}
	return string(append(b, "）"...))
}

func (a *Analyzer) weight(source string) float64 {
	if w, ok := a.weights[source]; ok && w > 0 {
		return w
	}
	return 1
}

// Analyze analyzes an item on its own: its story is not looked up, so the
// severity counts it as one article from one source.
func (a *Analyzer) Analyze(it model.Item) model.Analysis {
	ex := a.examine(it)
	an := a.finish(ex, model.StorySpread{})
	a.release(ex)
	return an
}

// TopicIDs returns the ids of the taxonomy's topics in taxonomy order.
func (a *Analyzer) TopicIDs() []string {
	if a.tax == nil {
		return nil
	}
	return a.tax.TopicIDs()
}

// TopicName returns the Chinese name of a topic.
func (a *Analyzer) TopicName(id string) string {
	if a.tax == nil {
		return ""
	}
	return a.tax.Name(id)
}

// Mode returns the segmentation mode.
func (a *Analyzer) Mode() string { return a.scan.mode }

// WithMode returns an analyzer like a that segments in another mode,
// sharing everything else (the dictionary is not loaded again).
func (a *Analyzer) WithMode(mode string) (*Analyzer, error) {
	if mode != ModeFast && mode != ModeFull {
		return nil, errors.New("analyze: segmentation mode must be fast or full")
	}
	b := *a
	b.scan = newScanner(a.seg, mode, a.words(), a.suffixes())
	return &b, nil
}

// Segmenter returns the analyzer's segmenter.
func (a *Analyzer) Segmenter() *Segmenter { return a.seg }

// cloneOrNil copies a list out of a scratch buffer; an empty one is nil, as
// a list never appended to is.
func cloneOrNil(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	return slices.Clone(list)
}
