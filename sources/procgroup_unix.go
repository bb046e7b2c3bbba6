//go:build unix

package sources

import (
	"errors"
	"os/exec"
	"syscall"
)

// ownProcessGroup starts cmd in a process group of its own, so that killGroup reaches its children.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killGroup kills the process group of a started command: soffice.bin and oosplash outlive their parent
// when only it is killed.
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}
