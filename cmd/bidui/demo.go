package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/bidui/bidui/fixtures"
	"github.com/bidui/bidui/pipeline"
)

const demoUsage = `
Usage: bidui demo [--config FILE] [--db FILE] [--json] [DIR]

Writes a synthetic town (bidui fixtures --size town: about 10 000 residents in 30 villages; the 全国系统
export, the 低保 and 特困 rosters, 医保, 学籍 and the 研判台账, with every rule's problems planted and
narrowly missed, and damaged IDs and names) into DIR/inbox, runs on it with the reference date
2023-06-10, and prints the summary and where the files are. DIR defaults to bidui-demo. All data is
synthetic; DIR/answer_key.json says which findings a correct run must produce. Running it again runs
again on the same inbox (findings become 持续). --config takes the [policy] and [export] settings of a
config file (its inbox, out and as_of are the demo's); --db puts the database elsewhere than DIR/bidui.duckdb.

Examples:
  bidui demo
  bidui demo /tmp/town && bidui sql --db /tmp/town/bidui.duckdb "SELECT * FROM findings"
`

// demoAsOf is the reference date of the demo town: the data is dated around the 2023 集中排查.
const demoAsOf = "2023-06-10"

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "demo", demoUsage)
	var lf logFlags
	lf.register(fs)
	seed := fs.Int64("seed", 1, "random seed of the generated town")
	var d dbFlags
	d.register(fs)
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	dir := "bidui-demo"
	switch fs.NArg() {
	case 0:
	case 1:
		dir = fs.Arg(0)
	default:
		return usagef("demo: at most one folder (see bidui demo -h)")
	}
	asOf := pipeline.MustDate(demoAsOf)
	town, err := fixtures.Write(dir, fixtures.Options{Size: fixtures.SizeTown, Seed: *seed, AsOf: asOf.Time()})
	if err != nil {
		return fmt.Errorf("demo: generate town: %w", err)
	}
	fmt.Fprintf(e.stdout, "合成数据：%d 个村，%d 户，%d 人 → %s\n\n", town.Villages, town.Households, town.Residents, town.Inbox)
	cfg := pipeline.DefaultConfig()
	if d.config != "" {
		if err := cfg.LoadConfigFile(d.config); err != nil {
			return err
		}
	}
	cfg.Inbox = town.Inbox
	cfg.DB = filepath.Join(dir, "bidui.duckdb")
	if d.db != "" {
		cfg.DB = d.db
	}
	cfg.Out = filepath.Join(dir, "out")
	cfg.AsOf = asOf
	if err := cfg.Validate(); err != nil {
		return err
	}
	if err := execRun(ctx, e, cfg, lf); err != nil {
		return err
	}
	if !lf.json {
		// Runnable as printed, from the folder the demo was started in: make demo runs bin/bidui, which is not
		// on PATH.
		fmt.Fprintf(e.stdout, "\n试试：%s sql --db %s \"SELECT village, name, detail FROM findings ORDER BY village LIMIT 20\"\n",
			invokedAs(), shellWord(cfg.DB))
	}
	return nil
}
