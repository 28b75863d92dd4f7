package analyze

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func tinySegmenter(t testing.TB, words ...string) *Segmenter {
	t.Helper()
	s, err := NewSegmenter(SegmenterOptions{
		Dictionary:     readFile(t, "testdata/dict.txt"),
		DictionaryFile: "testdata/dict.txt",
		Words:          words,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSegmenterWords(t *testing.T) {
	s := tinySegmenter(t, "减税降费", "12345热线", "通城县", "P2P")
	tests := []struct {
		text string
		want []string
	}{
		{"减税降费政策落实", []string{"减税降费", "政", "策", "落实"}},
		{"住房价格上涨！", []string{"住房价格", "上涨"}},
		{"拨打12345热线投诉", []string{"拨", "打", "12345热线", "投诉"}},
		{"拨打１２３４５热线", []string{"拨", "打", "12345热线"}},
		{"ＡＢＣ Hello WORLD", []string{"abc", "hello", "world"}},
		{"P2P平台", []string{"p2p", "平", "台"}},
		{"通城县，“两人”受伤……", []string{"通城县", "两人", "受伤"}},
		{"  \t\n。，！？", []string{}},
		{"", []string{}},
	}
	for _, tt := range tests {
		got := s.Words(tt.text)
		if len(got) == 0 && len(tt.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Words(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// A word whose pieces are frequent must still be cut out whole when it
// stands alone: the segmenter raises its frequency as far as needed.
func TestSegmenterKeepsWordsWhole(t *testing.T) {
	dict := "减税 1000000\n降费 1000000\n政策 1000000\n"
	s, err := NewSegmenter(SegmenterOptions{Dictionary: []byte(dict), Words: []string{"减税降费"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Words("减税降费"); !reflect.DeepEqual(got, []string{"减税降费"}) {
		t.Errorf("Words(减税降费) = %q, want it whole", got)
	}
	if got := s.Words("减税政策"); !reflect.DeepEqual(got, []string{"减税", "政策"}) {
		t.Errorf("Words(减税政策) = %q: the pieces must still work alone", got)
	}
	// A frequency given in the dictionary overrides the computed one.
	s, err = NewSegmenter(SegmenterOptions{Dictionary: []byte(dict + "减税降费 1\n")})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Words("减税降费"); !reflect.DeepEqual(got, []string{"减税", "降费"}) {
		t.Errorf("Words(减税降费) = %q, want the dictionary's low frequency to split it", got)
	}
}

func TestSegmenterOptionErrors(t *testing.T) {
	tests := []struct {
		name string
		opts SegmenterOptions
		want []string
	}{
		{
			name: "bad dictionary lines, all reported",
			opts: SegmenterOptions{DictionaryFile: "dict.txt", Dictionary: []byte(
				"# comment\n好词 10 n\n坏词 abc\n\n多 1 n x\n负数 -3\n，，\n非数 NaN\n")},
			want: []string{
				`analyze: read dictionary dict.txt:3: word 坏词: frequency "abc" is not a positive number`,
				"dict.txt:5: 4 fields, want `word [frequency [pos]]`",
				`dict.txt:6: word 负数: frequency "-3" is not a positive number`,
				`dict.txt:7: word "，，" has no letter or digit`,
				`dict.txt:8: word 非数: frequency "NaN" is not a positive number`,
			},
		},
		{
			name: "bad words",
			opts: SegmenterOptions{Words: []string{"好", "两 个", " "}},
			want: []string{`analyze: add word "两 个"`, `analyze: add word " "`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSegmenter(tt.opts)
			if err == nil {
				t.Fatal("NewSegmenter accepted bad input")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
			if strings.Contains(err.Error(), "好词") {
				t.Errorf("a good line was reported: %v", err)
			}
		})
	}
}

func TestParseDictionaryBOMAndPOS(t *testing.T) {
	entries, err := parseDictionary([]byte("\ufeff西凉湖 50 ns\r\nABC\n"), "d.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := []dictEntry{{word: "西凉湖", freq: 50, pos: "ns"}, {word: "abc"}}
	if !reflect.DeepEqual(entries, want) {
		t.Errorf("parseDictionary() = %+v, want %+v", entries, want)
	}
}

// One segmenter is shared by all workers; run with -race.
func TestSegmenterConcurrentWords(t *testing.T) {
	s := tinySegmenter(t, "减税降费")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				text := fmt.Sprintf("第%d次减税降费政策上涨%d", i, g)
				got := s.Words(text)
				if !contains(got, "减税降费") || !contains(got, "上涨") {
					errs <- fmt.Errorf("Words(%q) = %q", text, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
