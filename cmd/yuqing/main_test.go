package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestCommandLine(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantOut  string // in stdout
		wantErr  string // in stderr
	}{
		{"no command shows usage", nil, "", 2, "Commands:", ""},
		{"help", []string{"help"}, "", 0, "yuqing demo", ""},
		{"unknown command", []string{"frobnicate"}, "", 2, "", `unknown command "frobnicate"`},
		{"command help teaches", []string{"run", "-h"}, "", 0, "", "Usage: yuqing run -c FILE"},
		{"bad flag", []string{"check-config", "--nope"}, "", 2, "", "flag provided but not defined"},
		{"stray argument", []string{"version", "extra"}, "", 2, "", "want 0 argument(s)"},
		{"feeds wants test", []string{"feeds", "probe", "x"}, "", 2, "", "want: feeds test URL|FILE"},
		{"feeds test failure is one line", []string{"feeds", "test", "/no/such/feed.xml"}, "", 1, "", "yuqing feeds test: ingest: fetch file:///no/such/feed.xml"},
		{"example configuration checks", []string{"check-config", "-c", "../../configs/yuqing.example.yaml"}, "", 0, "OK — 2 sources", ""},
		{"missing configuration", []string{"check-config", "-c", "/no/such.yaml"}, "", 1, "", "no such file"},
		{"version", []string{"version"}, "", 0, "yuqing ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(tt.stdin), &out, &errOut)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out.String(), errOut.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantOut, out.String())
			}
			if !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, errOut.String())
			}
			if strings.Count(strings.TrimSpace(errOut.String()), "\n") > 0 && tt.wantCode == 1 {
				t.Errorf("a failure should be one line on stderr:\n%s", errOut.String())
			}
		})
	}
}
