package main

import (
	"context"
	"errors"

	"github.com/bidui/bidui/pipeline"
)

// errPartialCheck makes `bidui check` exit 3 when some file or sheet has a problem.
var errPartialCheck = pipeline.ErrPartial

// errNotYet is returned by the subcommands that are specified but not built yet.
var errNotYet = errors.New("not built yet")

const importUsage = `
Usage: bidui import FILE...

Loads files into the database without running rules. Not built yet: use ` + "`bidui check FILE...`" + ` to see
what a file would load, and ` + "`bidui run`" + ` to load the inbox.
`

func runImport(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "import", importUsage)
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	return usagef("import: %v; use `bidui check FILE...` for a dry run or `bidui run` to load the inbox", errNotYet)
}
