//go:build !unix

package report

import "os/exec"

// killProcessGroup: elsewhere only Chromium's main process is killed.
func killProcessGroup(*exec.Cmd) {}
