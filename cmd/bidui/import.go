package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/bidui/bidui/pipeline"
)

const importFilesUsage = `
Usage: bidui import [--config bidui.toml] [--db FILE] [--json] FILE...

Loads files into the published database without running the rules, to try a new department file: its rows
(src_<kind>), rejects and links can then be queried with bidui sql beside the latest run's. The files are
recorded under the latest run; findings do not change until the next bidui run, which reads the inbox
afresh (put the file in the inbox to keep it). A file already loaded (same bytes) is refused. Like bidui run
it takes the run lock and replaces the published database only when everything succeeded.

Exit codes: 0 success; 1 failed (the published database is unchanged); 2 usage or config error; 3 loaded,
but some file failed or was not recognised; 75 a run holds the lock.

Examples:
  bidui import ~/下载/医保参保名单.xlsx
  bidui import --db /srv/bidui/bidui.duckdb 教育学籍.csv && bidui sql "SELECT * FROM src_education LIMIT 5"
`

func runImportFiles(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "import", importFilesUsage)
	var db dbFlags
	var lf logFlags
	db.register(fs)
	lf.register(fs)
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("import: no file given (see bidui import -h)")
	}
	cfg, err := db.load(fs, nil)
	if err != nil {
		return err
	}
	log, frames := lf.logger(e.stderr)
	opt := pipeline.Options{Log: log, Version: version}
	var prog *termProgress
	if frames {
		prog = newTermProgress(e.stderr)
		opt.Progress = prog
	}
	sum, err := pipeline.Import(ctx, cfg, fs.Args(), opt)
	if prog != nil {
		prog.Clear()
	}
	if err != nil && !errors.Is(err, pipeline.ErrPartial) {
		return err
	}
	if lf.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if encErr := enc.Encode(sum); encErr != nil {
			return encErr
		}
		return err
	}
	fmt.Fprintf(e.stdout, "已导入，记入第 %d 次运行（未运行规则）\n\n", sum.RunID)
	printFiles(e.stdout, sum)
	printLinks(e.stdout, sum)
	fmt.Fprintf(e.stdout, "\n数据库：%s\n", sum.DB)
	return err
}
