// Command bidui reconciles departmental datasets about rural residents against the national anti-poverty-return
// monitoring system export. See `bidui help`.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/bidui/bidui/pipeline"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = "dev"

// recordedVersion is the version a run records and compares with the published database's before it carries
// unchanged files, links and rule hits over: version, or, for a build without one (a plain go build says
// dev), dev+ and the start of the executable's SHA-256, so that a rebuilt bidui never takes the previous
// build's results for its own. A build from a modified checkout (git describe says …-dirty) is treated the
// same way: two of them share a version but not their code.
func recordedVersion() string {
	if version != "dev" && !strings.HasSuffix(version, "-dirty") {
		return version
	}
	exe, err := os.Executable()
	if err != nil {
		return version
	}
	f, err := os.Open(exe)
	if err != nil {
		return version
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return version
	}
	return version + "+" + hex.EncodeToString(h.Sum(nil))[:12]
}

// Exit codes of outputs.md.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitPartial = 3
	exitLocked  = 75
)

func main() {
	// Everything bidui writes (database, lock, workbooks, CSV) is personal data: owner only, whatever the
	// umask of the shell or service that started it.
	syscall.Umask(0o077)
	// Past a file-size limit (ulimit -f) a write must fail with EFBIG, which the run reports and recovers
	// from, instead of the default SIGXFSZ killing the process mid-write.
	signal.Ignore(syscall.SIGXFSZ)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := startProfile(os.Getenv("BIDUI_CPUPROFILE"))
	err := Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stopProfile()
	stop()
	code := exitCode(err)
	if err != nil && code != exitPartial {
		fmt.Fprintln(os.Stderr, "bidui:", err)
	}
	os.Exit(code)
}

// startProfile writes a CPU profile of the whole command to path (BIDUI_CPUPROFILE; BENCH.md says how it
// is read) until the returned function is called. An empty path, or one that cannot be created, profiles
// nothing.
func startProfile(path string) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bidui: cpu profile:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "bidui: cpu profile:", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// usageError is a mistake on the command line; it exits with code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func exitCode(err error) int {
	var ue *usageError
	var ce *pipeline.ConfigError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue), errors.As(err, &ce):
		return exitUsage
	case errors.Is(err, pipeline.ErrLocked):
		return exitLocked
	case errors.Is(err, pipeline.ErrPartial):
		return exitPartial
	}
	return exitFailed
}

// command is one subcommand: its name, a one-line description, and its entry point.
type command struct {
	name  string
	short string
	run   func(ctx context.Context, env *env, args []string) error
}

// env is what a subcommand may use of the process: streams, not globals.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func commands() []command {
	return []command{
		{"run", "run the nightly reconciliation on the inbox", runRun},
		{"import", "load files into the database without running rules", runImportFiles},
		{"check", "dry run: say what each file is and what would load, writing nothing", runCheck},
		{"rules", "list the rules", runRules},
		{"sql", "run a read-only query against the published database", runSQL},
		{"runs", "show the run history", runRuns},
		{"match-report", "show how rows were linked to persons; precision and recall against an answer key", runMatchReport},
		{"demo", "generate a synthetic town, run on it, say where the results are", runDemo},
		{"fixtures", "generate synthetic test data with an answer key", runFixtures},
		{"version", "print the version", runVersion},
	}
}

// Run executes the command line args (without the program name). It is main without os.Exit, for tests.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(stdout)
		if len(args) == 0 {
			return usagef("no command given")
		}
		return nil
	}
	if args[0] == "--version" || args[0] == "-version" {
		return runVersion(ctx, e, args[1:])
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	printUsage(stderr)
	return usagef("unknown command %q", args[0])
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "bidui (比对) reconciles departmental data against the 全国系统 export.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: bidui <command> [flags]")
	fmt.Fprintln(w)
	width := 0
	for _, c := range commands() {
		width = max(width, len(c.name))
	}
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.short)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run `bidui <command> -h` for a command's flags and examples; `bidui --version` prints the version.")
}

// invokedAs is how to call this bidui again from the same folder in a hint printed to the user: the path it
// was started by (bin/bidui under make demo, ./bidui, an absolute path) when that names bidui, else bidui,
// the command on PATH.
func invokedAs() string {
	if len(os.Args) > 0 && filepath.Base(os.Args[0]) == "bidui" {
		return shellWord(os.Args[0])
	}
	return "bidui"
}

// shellWord is s as one word of a POSIX shell command line: as it is when it holds no character the shell
// would act on, else in single quotes.
func shellWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~=%") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func runVersion(_ context.Context, e *env, _ []string) error {
	fmt.Fprintln(e.stdout, "bidui", version)
	return nil
}
