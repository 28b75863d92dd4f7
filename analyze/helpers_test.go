package analyze

import (
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/yuqing/yuqing/config"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// testOptions are the unit-test fixtures: a small taxonomy and gazetteer and
// a tiny dictionary instead of gse's embedded one.
func testOptions(t testing.TB) BuildOptions {
	t.Helper()
	tax, err := config.ParseTaxonomy(readFile(t, "testdata/taxonomy.yaml"), "testdata/taxonomy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	gaz, err := config.ParsePlaces(readFile(t, "testdata/places.yaml"), "testdata/places.yaml")
	if err != nil {
		t.Fatal(err)
	}
	neg, err := config.ParseNegativity(readFile(t, "testdata/negativity.yaml"), "testdata/negativity.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sev, err := config.ParseSeverity(readFile(t, "testdata/severity.yaml"), "testdata/severity.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return BuildOptions{Taxonomy: tax, Places: gaz, Negativity: neg, Severity: sev,
		Dictionary: readFile(t, "testdata/dict.txt"), DictionaryFile: "testdata/dict.txt"}
}

func newTestAnalyzer(t testing.TB) *Analyzer {
	t.Helper()
	a, err := Build(testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The default configuration with gse's embedded dictionary takes a second or
// two and 150 MB to load, so the test binary loads it once.
var defaults struct {
	once     sync.Once
	analyzer *Analyzer
	opts     BuildOptions
	err      error
}

// defaultOptions reads the shipped configuration from configs/.
func defaultOptions(t testing.TB) BuildOptions {
	t.Helper()
	dir := filepath.Join("..", "configs")
	tax, err := config.ParseTaxonomy(readFile(t, filepath.Join(dir, "taxonomy.yaml")), "configs/taxonomy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	gaz, err := config.ParsePlaces(readFile(t, filepath.Join(dir, "places.yaml")), "configs/places.yaml")
	if err != nil {
		t.Fatal(err)
	}
	neg, err := config.ParseNegativity(readFile(t, filepath.Join(dir, "negativity.yaml")), "configs/negativity.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sev, err := config.ParseSeverity(readFile(t, filepath.Join(dir, "severity.yaml")), "configs/severity.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return BuildOptions{
		Taxonomy:       tax,
		Places:         gaz,
		Negativity:     neg,
		Severity:       sev,
		Dictionary:     readFile(t, filepath.Join(dir, "dictionary.txt")),
		DictionaryFile: "configs/dictionary.txt",
		Embedded:       true,
	}
}

func defaultAnalyzer(t testing.TB) *Analyzer {
	t.Helper()
	defaults.once.Do(func() {
		defaults.opts = defaultOptions(t)
		defaults.analyzer, defaults.err = Build(defaults.opts)
	})
	if defaults.err != nil {
		t.Fatal(defaults.err)
	}
	if defaults.analyzer == nil {
		t.Fatal("the default analyzer failed to load in an earlier test")
	}
	return defaults.analyzer
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkGolden compares got with the golden file, or rewrites it with
// -update.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want := string(readFile(t, golden)); got != want {
		t.Errorf("output differs from %s (run with -update to accept):\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
}
