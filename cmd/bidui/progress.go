package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// termProgress draws one self-overwriting status line on a terminal.
type termProgress struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
	last  time.Time
	shown bool
}

func newTermProgress(w io.Writer) *termProgress {
	return &termProgress{w: w, start: time.Now()}
}

// Step implements pipeline.Progress. Frames are drawn at most ten times a second, except the last of a stage.
func (p *termProgress) Step(stage string, done, total int, item string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if done < total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	line := fmt.Sprintf("[%5.1fs] %-7s %d/%d %s", now.Sub(p.start).Seconds(), stage, done, total, item)
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	p.shown = true
}

// Clear implements pipeline.Progress.
func (p *termProgress) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}
