// Command bidui-bench measures a whole bidui run against the floor of what the machine can do: DuckDB reading
// the same CSV files (read_csv, all_varchar) plus one exact-ID hash join of every source against gs, and
// excelize's bare streaming read of the same xlsx files. It runs each measurement several times in separate
// processes (so that peak memory is per measurement), prints a table of medians with each ratio checked
// against the targets of targets.go, and writes it to BENCH.md with the command, the machine and the date.
//
// `make bench` runs it for the county tier; `make bench-city` for the city tier (CSV only). See usage for the
// flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

const usage = `Usage:
  bidui-bench [--size town|county|city] [--reps N] [--cache DIR] [--out FILE] [--bidui BINARY] [--csv-only]
  bidui-bench floor csv|xlsx INBOX

The first form generates the fixtures of --size once (kept in --cache), then measures, --reps times each and
in a process of its own: the floor of each input format, a whole bidui run on a fresh database (with the
seconds of each stage from its --json summary), a rerun on the unchanged inbox, and a run on a copy of the
inbox where one department file (the largest) has new bytes but the same rows. It prints a table of
medians, ratios and targets and writes it to --out, keeping the hand-written part of the old file from the
heading "## Reading it" on. Relative paths are taken from the current folder: run it from the repository's
root, as make does. Exit status 0 when it measured, whether or not targets were met; 1 when a measurement
failed; 2 on a usage error.

The second form is one floor measurement, which the first form runs in a process of its own: it reads every
file of the format in INBOX the cheapest way and prints the number of rows read.

Flags:
  --size     fixtures size: town, county or city (default county)
  --reps     repetitions of each measurement; the table shows medians (default 5)
  --cache    folder for the generated fixtures, kept between runs (default .bench)
  --out      the report to write (default BENCH.md)
  --bidui    the bidui binary to measure (default bin/bidui; make build writes it)
  --csv-only measure CSV inputs only (implied by --size city: the city tier has no xlsx)

Examples:
  make build && go run ./cmd/bidui-bench --size county --reps 5 --out BENCH.md     # make bench
  go run ./cmd/bidui-bench --size city --reps 3 --csv-only --out BENCH-city.md    # make bench-city
  go run ./cmd/bidui-bench --size town --reps 1 --cache /tmp/bench --out /tmp/BENCH-town.md
  go run ./cmd/bidui-bench floor csv .bench/county-csv-seed1/inbox
`

// errUsage marks an error in the command line: it is printed with the usage text and exits with status 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, errUsage):
		fmt.Fprintf(os.Stderr, "bidui-bench: %v\n\n%s", err, usage)
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "bidui-bench:", err)
		os.Exit(1)
	}
}

// run parses args and runs the command they name: the whole benchmark, or one floor measurement.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd, err := parseArgs(args)
	if err != nil {
		return err
	}
	if cmd.help {
		fmt.Fprint(stdout, usage)
		return nil
	}
	if cmd.floor != nil {
		n, err := floor(ctx, cmd.floor.format, cmd.floor.inbox)
		if err != nil {
			return fmt.Errorf("floor %s %s: %w", cmd.floor.format, cmd.floor.inbox, err)
		}
		fmt.Fprintln(stdout, n)
		return nil
	}
	return bench(ctx, cmd.bench, stdout, stderr)
}

// command is a parsed command line: help, or exactly one of bench and floor.
type command struct {
	help  bool
	bench *options
	floor *floorArgs
}

// options are the flags of the whole benchmark.
type options struct {
	size, cache, out, bidui string
	reps                    int
	csvOnly                 bool
	args                    []string // as given, for the report's Command line
}

// formats are the input formats measured: the city tier has no xlsx fixtures.
func (o options) formats() []string {
	if o.csvOnly || o.size == "city" {
		return []string{"csv"}
	}
	return []string{"csv", "xlsx"}
}

// floorArgs are the arguments of `bidui-bench floor`.
type floorArgs struct {
	format, inbox string
}

var sizes = []string{"town", "county", "city"}

// parseArgs reads the command line. Every mistake is an errUsage naming what is wrong.
func parseArgs(args []string) (command, error) {
	if len(args) > 0 && args[0] == "floor" {
		if len(args) != 3 {
			return command{}, fmt.Errorf("%w: floor takes a format (csv or xlsx) and an inbox folder, not %q", errUsage, strings.Join(args[1:], " "))
		}
		if f := args[1]; f != "csv" && f != "xlsx" {
			return command{}, fmt.Errorf("%w: floor format %q: want csv or xlsx", errUsage, f)
		}
		return command{floor: &floorArgs{format: args[1], inbox: args[2]}}, nil
	}
	o := options{args: args}
	fs := flag.NewFlagSet("bidui-bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the usage text is printed once, by main
	fs.StringVar(&o.size, "size", "county", "")
	fs.IntVar(&o.reps, "reps", 5, "")
	fs.StringVar(&o.cache, "cache", ".bench", "")
	fs.StringVar(&o.out, "out", "BENCH.md", "")
	fs.StringVar(&o.bidui, "bidui", "bin/bidui", "")
	fs.BoolVar(&o.csvOnly, "csv-only", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return command{help: true}, nil
		}
		return command{}, fmt.Errorf("%w: %v", errUsage, err)
	}
	switch {
	case fs.NArg() > 0:
		return command{}, fmt.Errorf("%w: unexpected argument %q (the only subcommand is floor)", errUsage, fs.Arg(0))
	case !slices.Contains(sizes, o.size):
		return command{}, fmt.Errorf("%w: --size %q: want %s", errUsage, o.size, strings.Join(sizes, ", "))
	case o.reps < 1:
		return command{}, fmt.Errorf("%w: --reps %d: want at least 1", errUsage, o.reps)
	}
	return command{bench: &o}, nil
}

// bench generates the fixtures, measures every format, prints the report and writes it to o.out.
func bench(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	var table []measurement
	for _, format := range o.formats() {
		dir, err := fixtures(ctx, o, format, stderr)
		if err != nil {
			return err
		}
		asOf, err := readAsOf(dir)
		if err != nil {
			return err
		}
		inbox := filepath.Join(dir, "inbox")
		fl, err := measureFloor(ctx, o, format, inbox, stderr)
		if err != nil {
			return err
		}
		runs, err := measureRuns(ctx, o, format, inbox, asOf, stderr)
		if err != nil {
			return err
		}
		table = append(table, fl)
		table = append(table, runs...)
	}
	report := render(header{
		command: strings.Join(append([]string{"go run ./cmd/bidui-bench"}, o.args...), " "),
		target:  makeTarget(o.size),
		date:    time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		machine: machine(),
		reps:    o.reps,
	}, o.size, table)
	fmt.Fprint(stdout, report)
	// The hand-written reading of the figures below the table is kept, to be brought up to date by hand.
	if old, err := os.ReadFile(o.out); err == nil {
		if i := strings.Index(string(old), readingHeading); i >= 0 {
			report += "\n" + string(old[i:])
		}
	}
	return os.WriteFile(o.out, []byte(report), 0o644)
}

// makeTarget is the make target that runs the benchmark at size.
func makeTarget(size string) string {
	if size == "city" {
		return "make bench-city"
	}
	return "make bench"
}

// readingHeading opens the hand-written part of the report, which a new measurement keeps.
const readingHeading = "## Reading it"
