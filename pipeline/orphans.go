package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// killOrphans kills what a killed run left running in its temporary folder dir: a LibreOffice converting an
// .xls there (its command line names its profile in dir) outlives the run in a process group of its own.
// Only a lock holder calls it, so no live run uses dir. It reads /proc; where there is none it does nothing.
func killOrphans(dir string) []int {
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	own := syscall.Getpgrp()
	needle := []byte(filepath.Clean(dir) + string(filepath.Separator))
	var killed []int
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", p.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, needle) {
			continue
		}
		if pgid, err := syscall.Getpgid(pid); err == nil && pgid != own && pgid > 1 {
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
		} else {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		killed = append(killed, pid)
	}
	return killed
}
