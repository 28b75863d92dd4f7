package analyze

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
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

// generalItems generates about size bytes of text that is about nothing in
// particular: words drawn from gse's dictionary by their frequency, in
// clauses and sentences, split into items of about one kilobyte. Unlike
// benchItems it was written by no one on the team and holds every kind of
// word, so it checks the fast mode where its authors did not look.
func generalItems(t testing.TB, seg *Segmenter, size int) ([]model.Item, int) {
	t.Helper()
	tokens := seg.gse.Dict.Tokens
	cum := make([]float64, len(tokens))
	sum := 0.0
	for i := range tokens {
		sum += tokens[i].Freq()
		cum[i] = sum
	}
	rng := rand.New(rand.NewPCG(3, 4))
	word := func() string {
		i, _ := slices.BinarySearch(cum, rng.Float64()*sum)
		return tokens[min(i, len(tokens)-1)].Text()
	}
	sentence := func(b *strings.Builder) {
		for clause := range 1 + rng.IntN(4) {
			if clause > 0 {
				b.WriteString("，")
			}
			for range 2 + rng.IntN(7) {
				b.WriteString(word())
			}
		}
		b.WriteString([]string{"。", "。", "！", "？", "；"}[rng.IntN(5)])
	}
	var items []model.Item
	total := 0
	for total < size {
		var title, body strings.Builder
		for range 3 + rng.IntN(6) {
			title.WriteString(word())
		}
		for body.Len() < 1000 {
			sentence(&body)
		}
		it := model.Item{ID: strconv.Itoa(len(items)), Title: title.String(), Content: body.String()}
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

// analyzerRSS is the resident memory once the default analyzer is loaded,
// measured once, before the baseline's dictionary joins it.
var analyzerRSS struct {
	once sync.Once
	mb   float64
}

// loadedRSS returns analyzerRSS, measuring it on the first call: after a
// collection, with the memory it freed returned to the system.
func loadedRSS() float64 {
	analyzerRSS.once.Do(func() {
		runtime.GC()
		debug.FreeOSMemory()
		analyzerRSS.mb = rssMB()
	})
	return analyzerRSS.mb
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
// match) and fast (find the configured words first, segment only where a
// word's boundaries are in doubt). MB/s is per core. rss_MB is the resident
// memory once the analyzer's dictionaries are loaded (before the
// baseline's). On the baseline's line, fast_x and full_x are the speed of
// the analyzer in each mode as a multiple of the baseline's, in this run.
// scan_fast and scan_full time the word finding alone, the part the mode
// changes; after_scan the rest of the analysis, on texts scanned before.
func BenchmarkAnalyze(b *testing.B) {
	a := defaultAnalyzer(b)
	items, total := benchItems(b, 1<<20)
	benchmarkAnalyze(b, a, items, total)
}

// BenchmarkAnalyzeGeneral is BenchmarkAnalyze on text about nothing in
// particular (generalItems), where configured words are rarer.
func BenchmarkAnalyzeGeneral(b *testing.B) {
	a := defaultAnalyzer(b)
	items, total := generalItems(b, a.seg, 1<<20)
	benchmarkAnalyze(b, a, items, total)
}

func benchmarkAnalyze(b *testing.B, fast *Analyzer, items []model.Item, total int) {
	full, err := fast.WithMode(ModeFull)
	if err != nil {
		b.Fatal(err)
	}
	rss := loadedRSS()
	speed := map[string]float64{} // MB/s of each run
	run := func(name string, analyze func(model.Item)) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(total))
			runtime.GC() // the garbage of loading a dictionary is not the benchmark's
			b.ResetTimer()
			n := 0
			for b.Loop() {
				for _, it := range items {
					analyze(it)
				}
				n++
			}
			speed[name] = float64(total) * float64(n) / b.Elapsed().Seconds() / 1e6
			b.ReportMetric(rss, "rss_MB")
			if name == "gse_cut_hmm" && speed[name] > 0 {
				for _, mode := range []string{"fast", "full"} {
					if v, ok := speed["analyzer_"+mode]; ok {
						b.ReportMetric(v/speed[name], mode+"_x")
					}
				}
			}
		})
	}
	run("scan_fast", func(it model.Item) { fast.scan.scan(it.Title, it.Content) })
	run("scan_full", func(it model.Item) { full.scan.scan(it.Title, it.Content) })
	docs := make(map[string]*scanned, len(items))
	for _, it := range items {
		docs[it.ID] = fast.scan.scan(it.Title, it.Content)
	}
	run("after_scan", func(it model.Item) {
		ex := fast.examineScanned(it, docs[it.ID])
		fast.finish(ex, model.StorySpread{})
		fast.release(ex)
	})
	run("analyzer_fast", func(it model.Item) { fast.Analyze(it) })
	run("analyzer_full", func(it model.Item) { full.Analyze(it) })
	base := baselineSegmenter()
	run("gse_cut_hmm", func(it model.Item) {
		base.Cut(it.Title, true)
		base.Cut(it.Content, true)
	})
}
