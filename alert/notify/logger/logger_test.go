package logger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/yuqing/yuqing/alert/notify/logger"
	"github.com/yuqing/yuqing/model"
)

func TestNotifyLogsTheAlert(t *testing.T) {
	var buf bytes.Buffer
	n := logger.New("log", slog.New(slog.NewJSONHandler(&buf, nil)))
	a := model.Alert{CaseID: 9, Department: "ecology", DepartmentName: "市生态环境局",
		Item: model.Item{ID: "s/1", Title: "某河段出现死鱼", URL: "https://news.example.cn/1"},
		Analysis: model.Analysis{Severity: model.SeverityIV, Topics: []model.TopicMatch{
			{ID: "ecology", Terms: []string{"死鱼", "河段"}},
			{ID: "food_safety", Terms: []string{"死鱼", "水产"}},
		}}}
	retry, err := n.Notify(context.Background(), a)
	if retry || err != nil {
		t.Fatalf("Notify = %v, %v", retry, err)
	}
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("log output %q: %v", buf.String(), err)
	}
	want := map[string]any{
		"level": "INFO", "msg": "alert", "receiver": "log", "department": "ecology", "department_name": "市生态环境局",
		"case_id": float64(9), "item_id": "s/1", "title": "某河段出现死鱼", "severity": "IV",
		"topics": []any{"ecology", "food_safety"}, "terms": []any{"死鱼", "河段", "水产"},
	}
	for k, v := range want {
		if got, _ := json.Marshal(rec[k]); string(got) != mustJSON(t, v) {
			t.Errorf("%s = %s, want %s", k, got, mustJSON(t, v))
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestNilLoggerDiscards(t *testing.T) {
	if retry, err := logger.New("log", nil).Notify(context.Background(), model.Alert{}); retry || err != nil {
		t.Fatalf("Notify = %v, %v", retry, err)
	}
}
