package main

import (
	"context"
	"fmt"
	"io"

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
	return execPipeline(e, lf, printImport, func(opt pipeline.Options) (*pipeline.Summary, error) {
		return pipeline.Import(ctx, cfg, fs.Args(), opt)
	})
}

// printImport writes what an import loaded.
func printImport(w io.Writer, sum *pipeline.Summary) {
	fmt.Fprintf(w, "已导入，记入第 %d 次运行（未运行规则）\n\n", sum.RunID)
	printFiles(w, sum)
	printLinks(w, sum)
	fmt.Fprintf(w, "\n数据库：%s\n", sum.DB)
}
