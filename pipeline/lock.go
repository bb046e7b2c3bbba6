package pipeline

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
)

// ErrLocked is returned when another run holds the lock of the database.
var ErrLocked = errors.New("another bidui run holds the lock")

// LockError says which lock is held, and by whom when the holder wrote its pid.
type LockError struct {
	Path   string
	Holder string // the holder's description from the lock file, may be empty
}

func (e *LockError) Error() string {
	if e.Holder != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Path, ErrLocked, e.Holder)
	}
	return fmt.Sprintf("%s: %s", e.Path, ErrLocked)
}

func (e *LockError) Unwrap() error { return ErrLocked }

// lock is an exclusive advisory lock (flock) on <db>.lock. The kernel releases it when the process dies, so a
// killed run never leaves a stale lock behind.
type lock struct {
	f *os.File
}

// acquireLock takes the lock at path without waiting. It returns a *LockError when another process holds it.
func acquireLock(path, holder string) (*lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			b, _ := os.ReadFile(path)
			return nil, &LockError{Path: path, Holder: strings.TrimSpace(string(b))}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// Say who holds it, for the message the next run prints; the content is informational only.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(holder+"\n"), 0)
	}
	return &lock{f: f}, nil
}

// release drops the lock. The lock file stays: removing it would race with a run that just opened it.
func (l *lock) release() {
	if l == nil || l.f == nil {
		return
	}
	_ = l.f.Truncate(0)
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	_ = l.f.Close()
	l.f = nil
}
