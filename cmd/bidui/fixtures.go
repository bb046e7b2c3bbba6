package main

import (
	"context"
	"fmt"
	"time"

	"github.com/bidui/bidui/fixtures"
)

const fixturesUsage = `
Usage: bidui fixtures --size town|county|city --out DIR [--seed N] [--format xlsx|csv|mixed]

Generates a synthetic population with planted problems: the files each department would send (全国系统
export, 低保 and 特困 rosters, 医保, 学籍, 研判台账) into DIR/inbox, and the answer key beside the inbox:
DIR/answer_key.json (per rule, the ID numbers a correct run reports and the near misses it must not) and
DIR/answer_key_rows.csv (per data row of every file, the true person and the corruption planted on it).
Sizes: town (about 10 000 residents), county (about 400 000), city (about 4 000 000, CSV only). The same
seed and options give byte-identical files. All names and ID numbers are synthetic.

Examples:
  bidui fixtures --size town --out /tmp/town
  bidui fixtures --size county --seed 7 --format csv --out /tmp/county
  bidui run --inbox /tmp/town/inbox --db /tmp/town/bidui.duckdb --out /tmp/town/out --as-of 2023-06-10
`

func runFixtures(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fixtures", fixturesUsage)
	size := fs.String("size", "town", "town, county or city")
	out := fs.String("out", "", "folder to write into (required)")
	seed := fs.Int64("seed", 1, "random seed")
	format := fs.String("format", "", "xlsx, csv or mixed (default mixed; city: csv)")
	asOf := fs.String("as-of", "2023-06-10", "reference date the population is dated around")
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return usagef("fixtures: --out DIR is required and no other arguments are taken (see bidui fixtures -h)")
	}
	day, err := time.Parse("2006-01-02", *asOf)
	if err != nil {
		return usagef("fixtures: --as-of %q: want YYYY-MM-DD", *asOf)
	}
	opt := fixtures.Options{Size: fixtures.Size(*size), Seed: *seed, Format: fixtures.Format(*format), AsOf: day}
	if err := opt.Validate(); err != nil {
		return usagef("fixtures: %v", err)
	}
	start := time.Now()
	res, err := fixtures.Write(*out, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "合成数据：%d 个县区，%d 个乡镇，%d 个村，%d 户，%d 人，%d 个文件 → %s（%.1f 秒）\n答案：%s, %s\n",
		res.Counties, res.Towns, res.Villages, res.Households, res.Residents, len(res.Files), res.Inbox,
		time.Since(start).Seconds(), fixtures.FileAnswerKey, fixtures.FileAnswerRows)
	return nil
}
