package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/bidui/bidui"
	"github.com/bidui/bidui/pipeline"
)

// fixtures returns the folder of the generated fixtures of format, generating them once.
func fixtures(ctx context.Context, o *options, format string, stderr io.Writer) (string, error) {
	dir := filepath.Join(o.cache, fmt.Sprintf("%s-%s-seed1", o.size, format))
	done := filepath.Join(dir, ".complete")
	if _, err := os.Stat(done); err == nil {
		return dir, nil
	}
	_ = os.RemoveAll(dir)
	fmt.Fprintf(stderr, "generating %s fixtures (%s) in %s\n", o.size, format, dir)
	cmd := exec.CommandContext(ctx, o.bidui, "fixtures", "--size", o.size, "--format", format, "--seed", "1", "--out", dir)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("generate fixtures with %s: %w", o.bidui, err)
	}
	return dir, os.WriteFile(done, nil, 0o644)
}

// readAsOf reads the as-of date the fixtures in dir were generated for.
func readAsOf(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "answer_key.json"))
	if err != nil {
		return "", err
	}
	var key struct {
		AsOf string `json:"as_of"`
	}
	if err := json.Unmarshal(b, &key); err != nil {
		return "", fmt.Errorf("%s: %w", filepath.Join(dir, "answer_key.json"), err)
	}
	return key.AsOf, nil
}

// measureFloor runs the floor of format o.reps times, each in its own process (this binary's floor form).
func measureFloor(ctx context.Context, o *options, format, inbox string, stderr io.Writer) (measurement, error) {
	m := measurement{format: format, what: floorOf(format)}
	self, err := os.Executable()
	if err != nil {
		return m, err
	}
	for i := range o.reps {
		fmt.Fprintf(stderr, "%s floor %d/%d\n", format, i+1, o.reps)
		out, secs, rss, err := measure(exec.CommandContext(ctx, self, "floor", format, inbox))
		if err != nil {
			return m, fmt.Errorf("%s floor: %w", format, err)
		}
		if _, err := fmt.Sscan(out, &m.rows); err != nil {
			return m, fmt.Errorf("%s floor printed %q, not a row count", format, out)
		}
		m.seconds, m.rssMiB = append(m.seconds, secs), append(m.rssMiB, rss)
	}
	return m, nil
}

// measureRuns runs bidui on a fresh database o.reps times, each followed by a rerun on the unchanged inbox and
// a run on the inbox with one file changed (changedInbox). It returns the whole run, each stage of it in the
// order they ran, the rerun and the run with one file changed.
func measureRuns(ctx context.Context, o *options, format, inbox, asOf string, stderr io.Writer) ([]measurement, error) {
	work, err := os.MkdirTemp("", "bidui-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	changedDir := filepath.Join(work, "inbox-one-changed")
	changed, err := changedInbox(inbox, changedDir)
	if err != nil {
		return nil, fmt.Errorf("inbox with one file changed: %w", err)
	}
	db, out := filepath.Join(work, "bidui.duckdb"), filepath.Join(work, "out")
	runOn := func(inbox string) (*pipeline.Summary, float64, float64, error) {
		stdout, secs, rss, err := measure(exec.CommandContext(ctx, o.bidui,
			"run", "--inbox", inbox, "--db", db, "--out", out, "--as-of", asOf, "--json"))
		if err != nil {
			return nil, 0, 0, err
		}
		sum, err := parseSummary(stdout)
		return sum, secs, rss, err
	}
	whole := measurement{format: format, what: wholeRun}
	again := measurement{format: format, what: rerun}
	oneChanged := measurement{format: format, what: oneFileChanged}
	stages := map[string]*measurement{}
	var order []string
	for i := range o.reps {
		fmt.Fprintf(stderr, "%s bidui run %d/%d\n", format, i+1, o.reps)
		for _, p := range []string{db, db + ".lock", out} {
			_ = os.RemoveAll(p)
		}
		sum, secs, rss, err := runOn(inbox)
		if err != nil {
			return nil, fmt.Errorf("bidui run: %w", err)
		}
		if len(sum.Stages) == 0 {
			return nil, fmt.Errorf("bidui run --json printed a summary without stage times")
		}
		whole.add(rowsLoaded(sum), secs, rss)
		for _, st := range sum.Stages {
			m, ok := stages[st.Stage]
			if !ok {
				m = &measurement{format: format, what: stage(st.Stage), rows: whole.rows}
				stages[st.Stage] = m
				order = append(order, st.Stage)
			}
			m.seconds = append(m.seconds, st.Seconds)
		}
		fmt.Fprintf(stderr, "%s bidui rerun %d/%d\n", format, i+1, o.reps)
		if sum, secs, rss, err = runOn(inbox); err != nil {
			return nil, fmt.Errorf("bidui rerun: %w", err)
		}
		again.add(rowsLoaded(sum), secs, rss)
		fmt.Fprintf(stderr, "%s bidui run with %s changed %d/%d\n", format, changed, i+1, o.reps)
		if sum, secs, rss, err = runOn(changedDir); err != nil {
			return nil, fmt.Errorf("bidui run with %s changed: %w", changed, err)
		}
		// Measured only if the run did what it is named for: parse the changed file, carry the others.
		if parsed, carried := parsedAndCarried(sum); parsed == 0 || carried == 0 {
			return nil, fmt.Errorf("bidui run with %s changed parsed %d sheets and carried %d: want some of each", changed, parsed, carried)
		}
		oneChanged.add(rowsLoaded(sum), secs, rss)
	}
	ms := []measurement{whole}
	for _, s := range order {
		ms = append(ms, *stages[s])
	}
	return append(ms, again, oneChanged), nil
}

// parseSummary reads the summary `bidui run --json` prints.
func parseSummary(stdout string) (*pipeline.Summary, error) {
	var s pipeline.Summary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		return nil, fmt.Errorf("bidui run --json printed no summary: %w", err)
	}
	return &s, nil
}

// parsedAndCarried counts the sheets of a run that were parsed and loaded, and those carried over unparsed.
func parsedAndCarried(s *pipeline.Summary) (parsed, carried int) {
	for _, f := range s.Files {
		switch f.Status {
		case bidui.FileLoaded:
			parsed++
		case bidui.FileCarried:
			carried++
		}
	}
	return parsed, carried
}

// rowsLoaded is the number of rows a run loaded or carried, over all files.
func rowsLoaded(s *pipeline.Summary) int64 {
	var n int64
	for _, f := range s.Files {
		n += f.Loaded
	}
	return n
}
