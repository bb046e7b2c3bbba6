package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/bidui/bidui/pipeline"
	"golang.org/x/term"
)

// newFlagSet returns a flag set whose -h prints usage (with examples) to e.stdout and whose errors are usage
// errors, not exits.
func newFlagSet(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprint(e.stdout, strings.TrimLeft(usage, "\n"))
		fmt.Fprintln(e.stdout, "\nFlags:")
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args and turns flag errors into usage errors; -h is not an error. The usage is printed
// once, for -h only: the flag package would also print it on every error, and again on -h.
func parseFlags(fs *flag.FlagSet, args []string) (done bool, err error) {
	usage := fs.Usage
	fs.Usage = func() {}
	err = fs.Parse(args)
	fs.Usage = usage
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return true, nil
		}
		return false, usagef("%s: %v (see bidui %s -h)", fs.Name(), err, fs.Name())
	}
	return false, nil
}

// dbFlags are the flags of every subcommand that touches the database.
type dbFlags struct {
	config string
	db     string
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.config, "config", "", "config file (default: bidui.toml when it exists)")
	fs.StringVar(&d.db, "db", "", "the published DuckDB file (default from config, else bidui.duckdb)")
}

// load builds the configuration: defaults, then the config file, then the flags that were set, then Validate.
// overrides may set more fields from flags.
func (d *dbFlags) load(fs *flag.FlagSet, overrides func(*pipeline.Config) error) (pipeline.Config, error) {
	cfg := pipeline.DefaultConfig()
	path := d.config
	if path == "" {
		if _, err := os.Stat("bidui.toml"); err == nil {
			path = "bidui.toml"
		}
	}
	if path != "" {
		if err := cfg.LoadConfigFile(path); err != nil {
			return cfg, err
		}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["db"] {
		cfg.DB = d.db
	}
	if overrides != nil {
		if err := overrides(&cfg); err != nil {
			return cfg, err
		}
	}
	return cfg, cfg.Validate()
}

// logFlags choose how a command logs.
type logFlags struct {
	json    bool
	verbose bool
}

func (l *logFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&l.json, "json", false, "log JSON lines to stderr and print the summary as JSON")
	fs.BoolVar(&l.verbose, "v", false, "log every step on a terminal too (without a terminal they are always logged)")
}

// logger returns the run's logger and whether progress frames may be drawn on w: only on a terminal, and
// never with --json. On a terminal the progress display replaces the info lines unless -v is given.
func (l *logFlags) logger(w io.Writer) (*slog.Logger, bool) {
	tty := isTerminal(w)
	level := slog.LevelInfo
	if tty && !l.verbose && !l.json {
		level = slog.LevelWarn
	}
	opts := &slog.HandlerOptions{Level: level}
	if l.json {
		return slog.New(slog.NewJSONHandler(w, opts)), false
	}
	return slog.New(slog.NewTextHandler(w, opts)), tty && !l.verbose
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
