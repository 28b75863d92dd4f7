package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEvalNeedsItsData(t *testing.T) {
	err := Eval(context.Background(), EvalOptions{DataDir: filepath.Join(t.TempDir(), "missing")}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "data directory") || !strings.Contains(err.Error(), "YUQING_EVAL_DATA") {
		t.Errorf("Eval without data = %v, want a clear error naming --data and YUQING_EVAL_DATA", err)
	}
}

// Eval on a few lines of our own in the data sets' formats prints the
// table with the scores those lines must get.
func TestEvalTable(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("topics/thucnews-titles-dev.txt", "咸宁楼市回暖 新盘均价上涨\t1\n今年高考报名人数创新高\t3\n"+
		"今天天气晴朗\t1\n主队客场逼平对手\t7\n新款游戏今日公测\t8\n股市今日大涨\t2\n")
	write("sentiment/chnsenticorp-hotel.csv", "label,review\n1,房间干净，服务热情，非常满意\n0,房间很脏，隔音太差，不推荐\n1,\"位置不错,早餐丰富\"\n")
	var out bytes.Buffer
	err := Eval(context.Background(), EvalOptions{DataDir: dir, Skip: "segmentation", Examples: true}, &out)
	if err != nil {
		t.Fatalf("Eval: %v\n%s", err, out.String())
	}
	text := strings.Join(strings.Fields(out.String()), " ")
	for _, want := range []string{
		"recall realty → real_estate 2 headlines 0.500 ≥ 0.80 MISSED",
		"recall education → education 1 headlines 1.000 ≥ 0.80 ok",
		"false alarms, all four 2 headlines 0.000 (0) ≤ 0.02 ok",
		"negativity accuracy 3 reviews 1.000",
		"realty: 今天天气晴朗 → []",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "segmentation F") {
		t.Errorf("segmentation was not skipped:\n%s", text)
	}
}
