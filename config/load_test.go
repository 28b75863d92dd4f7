package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestLoadValid(t *testing.T) {
	t.Setenv("YUQING_TEST_PG_PASSWORD", "s3cret")
	t.Setenv("YUQING_TEST_OFFICE_SECRET", "office-key")
	c, err := Load("testdata/valid/yuqing.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"data dir", c.DataDir, "/var/lib/yuqing"},
		{"log level", c.Log.Level, "debug"},
		{"max store", c.NATS.MaxStore, ByteSize(2 << 30)},
		{"duplicate window", c.NATS.DuplicateWindow.D(), 2 * time.Hour},
		{"max age in days", c.NATS.MaxAge.D(), 7 * 24 * time.Hour},
		{"dsn from env", c.Store.DSN.Reveal(), "postgres://yuqing:s3cret@db:5432/yuqing"},
		{"jitter", c.Ingest.Jitter, 0.2},
		{"body size", c.Ingest.MaxBodySize, ByteSize(5 << 20)},
		{"sources", len(c.Sources), 2},
		{"source interval", c.Sources[0].Interval.D(), 15 * time.Minute},
		{"source pos", c.Sources[1].Pos.String(), filepath.Join("testdata", "valid", "sources.yaml") + ":8"},
		{"departments", len(c.Departments), 2},
		{"receiver secret", c.Receivers[0].Webhook.Secret.Reveal(), "office-key"},
		{"receiver kind", c.Receivers[2].Kind(), "log"},
		{"route child", c.Route.Routes[0].Department, "housing"},
		{"route child pos", c.Route.Routes[0].Pos.Line, 4},
		{"own taxonomy", c.Taxonomy.Topics[0].ID, "real_estate"},
		{"built-in places used", c.Places.File, "<built-in places.yaml>"},
		{"retry give up", c.Alert.Retry.GiveUpAfter.D(), 72 * time.Hour},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s: got %v, want %v", ck.name, ck.got, ck.want)
		}
	}
}

// TestLoadInvalid checks that every problem of a broken configuration is
// reported at once, each with its file and line.
func TestLoadInvalid(t *testing.T) {
	_, err := Load("testdata/invalid/yuqing.yaml")
	ps, ok := err.(Problems)
	if !ok {
		t.Fatalf("want Problems, got %T: %v", err, err)
	}
	got := strings.ReplaceAll(ps.Error(), string(filepath.Separator), "/") + "\n"
	golden := "testdata/invalid/want.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("problems differ from %s (run with -update to accept):\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

func TestDefaultIsValid(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatalf("built-in configuration has problems:\n%v", err)
	}
	if len(c.Taxonomy.Topics) == 0 || len(c.Departments) == 0 || c.Route.Department == "" {
		t.Fatalf("built-in configuration is incomplete: %d topics, %d departments, root %q",
			len(c.Taxonomy.Topics), len(c.Departments), c.Route.Department)
	}
}

func TestExampleIsValid(t *testing.T) {
	if _, err := Load("../configs/yuqing.example.yaml"); err != nil {
		t.Fatalf("configs/yuqing.example.yaml has problems:\n%v", err)
	}
}

func TestSecretsAreRedacted(t *testing.T) {
	t.Setenv("YUQING_TEST_PG_PASSWORD", "s3cret")
	t.Setenv("YUQING_TEST_OFFICE_SECRET", "office-key")
	c, err := Load("testdata/valid/yuqing.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := yaml.Marshal(struct {
		Main      *Config    `yaml:",inline"`
		Receivers []Receiver `yaml:"receivers"`
	}{c, c.Receivers})
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"s3cret", "office-key"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("dump contains secret %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(string(out), "<redacted>") {
		t.Errorf("dump does not show redacted secrets:\n%s", out)
	}
}

func TestMissingEnvIsAProblem(t *testing.T) {
	_, err := Load("testdata/valid/yuqing.yaml")
	if err == nil || !strings.Contains(err.Error(), "environment variable YUQING_TEST_PG_PASSWORD is not set") {
		t.Fatalf("want a problem naming the missing variable, got %v", err)
	}
}

func TestValues(t *testing.T) {
	durations := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"90s", 90 * time.Second, true},
		{"7d", 7 * 24 * time.Hour, true},
		{"1.5d", 36 * time.Hour, true},
		{"-5m", 0, false},
		{"soon", 0, false},
	}
	for _, d := range durations {
		got, err := ParseDuration(d.in)
		if (err == nil) != d.ok || (d.ok && got.D() != d.want) {
			t.Errorf("ParseDuration(%q) = %v, %v", d.in, got, err)
		}
	}
	sizes := []struct {
		in   string
		want ByteSize
		ok   bool
	}{
		{"10MiB", 10 << 20, true},
		{"1GB", 1e9, true},
		{"4096", 4096, true},
		{"12 KiB", 12 << 10, true},
		{"big", 0, false},
	}
	for _, s := range sizes {
		got, err := ParseByteSize(s.in)
		if (err == nil) != s.ok || got != s.want {
			t.Errorf("ParseByteSize(%q) = %v, %v", s.in, got, err)
		}
	}
	if got := ByteSize(64 << 20).String(); got != "64MiB" {
		t.Errorf("ByteSize string = %q", got)
	}
}
