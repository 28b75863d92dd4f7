//go:build unix

package report

import (
	"os/exec"
	"syscall"
)

// killProcessGroup makes cancelling cmd kill Chromium with its renderer and
// GPU processes, which would otherwise outlive it.
func killProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
