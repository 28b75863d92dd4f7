package analyze

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/go-ego/gse"

	"github.com/yuqing/yuqing/model"
)

// benchSentences reads the building blocks of the generated news text.
func benchSentences(t testing.TB) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, "testdata/bench_sentences.txt")))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// benchItems generates about size bytes of news, split into items of about
// one kilobyte (a headline and a body), always the same.
func benchItems(t testing.TB, size int) ([]model.Item, int) {
	sentences := benchSentences(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var items []model.Item
	total := 0
	for total < size {
		var body strings.Builder
		for body.Len() < 1000 {
			body.WriteString(sentences[rng.IntN(len(sentences))])
		}
		title := []rune(sentences[rng.IntN(len(sentences))])
		it := model.Item{ID: strconv.Itoa(len(items)), Title: string(title[:min(len(title), 20)]), Content: body.String()}
		total += len(it.Title) + len(it.Content)
		items = append(items, it)
	}
	return items, total
}

// hmmBaseline is gse with its embedded dictionary and HMM model, as a
// plain `Cut(text, true)` user would run it: what the analyzer's speed is
// measured against.
var hmmBaseline struct {
	once sync.Once
	seg  gse.Segmenter
}

func baselineSegmenter() *gse.Segmenter {
	hmmBaseline.once.Do(func() {
		hmmBaseline.seg.SkipLog = true
		if err := hmmBaseline.seg.LoadDictEmbed("zh_s"); err != nil {
			panic(err)
		}
		hmmBaseline.seg.LoadModel()
	})
	return &hmmBaseline.seg
}

// rssMB reads the resident set size of the process.
func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkAnalyze compares, in one run and on the same ~1 MB of generated
// news, a plain gse Cut(text, true) (full segmentation with HMM, the
// baseline) with the analyzer in both modes: full (segment everything, then
// match) and fast (find the configured words first, segment only around
// them). MB/s is per core. rss_MB is the resident memory after the default
// dictionaries load (the analyzer's and, once loaded, the baseline's).
func BenchmarkAnalyze(b *testing.B) {
	fast := defaultAnalyzer(b)
	full, err := fast.WithMode(ModeFull)
	if err != nil {
		b.Fatal(err)
	}
	items, total := benchItems(b, 1<<20)
	runtime.GC()
	analyzerRSS := rssMB()
	run := func(name string, analyze func(model.Item)) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(total))
			runtime.GC() // the garbage of loading a dictionary is not the benchmark's
			b.ResetTimer()
			for b.Loop() {
				for _, it := range items {
					analyze(it)
				}
			}
			b.ReportMetric(analyzerRSS, "rss_MB")
		})
	}
	run("analyzer_fast", func(it model.Item) { fast.Analyze(it) })
	run("analyzer_full", func(it model.Item) { full.Analyze(it) })
	base := baselineSegmenter()
	run("gse_cut_hmm", func(it model.Item) {
		base.Cut(it.Title, true)
		base.Cut(it.Content, true)
	})
}
