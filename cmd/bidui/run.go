package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"unicode"

	"github.com/bidui/bidui/pipeline"
)

const runUsage = `
Usage: bidui run [--config bidui.toml] [--inbox DIR] [--db FILE] [--out DIR] [--as-of YYYY-MM-DD] [--reparse] [--json]

Reconciles every file in the inbox: imports them, links rows to persons, runs the rules, writes one
correction workbook per village under out/<as-of>/, and publishes the new database atomically. A run that
fails leaves the published database as it was. A file whose bytes are unchanged since the last run (same
sha256, same bidui version) is not parsed again: its rows are carried over. When the whole inbox is
unchanged, or when the files that changed give the same rows as before (a roster sent again, saved again),
the last run's links are carried over too, and with the same as-of and policy its rule hits as well
(--reparse turns all of this off).

A rule that cannot run (its source missing or failed) leaves its findings as they were: they stay open,
keep their last-checked date and are listed marked 本次未复核 with the reason. A run in which no file loads
publishes nothing. The same bytes under a second name are read once, and rows that an earlier file of the
same kind has too count once; what the inbox holds but the run does not read is listed with the reason.
--as-of may not be after tomorrow, nor before the published run's as-of.

Exit codes: 0 success; 1 the run failed; 2 usage or config error (--as-of refused among them); 3 completed,
but some files failed or rules were skipped, or no file loaded and nothing was published; 75 another run
holds the lock.

Examples:
  bidui run
  bidui run --inbox /srv/bidui/inbox --db /srv/bidui/bidui.duckdb --out /srv/bidui/out
  bidui run --as-of 2023-06-10 --json 2>run.log
`

// runFlags are the flags of `bidui run`, also used by `bidui demo`.
type runFlags struct {
	dbFlags
	logFlags
	inbox, out, asOf string
	reparse          bool
}

func (f *runFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.inbox, "inbox", "", "folder of input files (default from config, else inbox)")
	fs.StringVar(&f.out, "out", "", "folder for the workbooks (default from config, else out)")
	fs.StringVar(&f.asOf, "as-of", "", "reference date YYYY-MM-DD (default from config, else today)")
	fs.BoolVar(&f.reparse, "reparse", false, "parse every inbox file, link and run every rule again, even when nothing changed since the last run")
}

func runRun(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "run", runUsage)
	var f runFlags
	f.dbFlags.register(fs)
	f.logFlags.register(fs)
	f.register(fs)
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("run: unexpected argument %q (see bidui run -h)", fs.Arg(0))
	}
	cfg, err := f.load(fs, func(c *pipeline.Config) error {
		set := map[string]bool{}
		fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
		if set["inbox"] {
			c.Inbox = f.inbox
		}
		if set["out"] {
			c.Out = f.out
		}
		c.Reparse = f.reparse
		if set["as-of"] {
			d, err := pipeline.ParseDate(f.asOf)
			if err != nil {
				return &pipeline.ConfigError{Key: "--as-of", Msg: err.Error()}
			}
			c.AsOf = d
		}
		return nil
	})
	if err != nil {
		return err
	}
	return execRun(ctx, e, cfg, f.logFlags)
}

// execRun runs the pipeline and prints its summary: text on stdout, or JSON with --json.
func execRun(ctx context.Context, e *env, cfg pipeline.Config, lf logFlags) error {
	return execPipeline(e, lf, printSummary, func(opt pipeline.Options) (*pipeline.Summary, error) {
		return pipeline.Run(ctx, cfg, opt)
	})
}

// execPipeline calls run (pipeline.Run or pipeline.Import) with the logger, the progress display on a
// terminal and the test hook, then prints the summary with print, or as JSON with --json. A run that completed
// with problems (pipeline.ErrPartial) is printed and its error returned, for exit code 3.
func execPipeline(e *env, lf logFlags, print func(io.Writer, *pipeline.Summary),
	run func(pipeline.Options) (*pipeline.Summary, error)) error {
	log, frames := lf.logger(e.stderr)
	opt := pipeline.Options{Log: log, Version: recordedVersion()}
	if stop := os.Getenv("BIDUI_STOP_AT"); stop != "" {
		// Fault injection for the crash tests: stop this process (SIGSTOP) at the named point of the run
		// (pipeline.Points), so that a test can kill it there. Not for operators.
		opt.AtPoint = func(p string) {
			if p == stop {
				// Directed at this thread, the stop takes effect before the kill call returns to the
				// stage; sent to the process it could land a few instructions later.
				runtime.LockOSThread()
				_ = syscall.Tgkill(os.Getpid(), syscall.Gettid(), syscall.SIGSTOP)
				runtime.UnlockOSThread()
			}
		}
	}
	var prog *termProgress
	if frames {
		prog = newTermProgress(e.stderr)
		opt.Progress = prog
	}
	sum, err := run(opt)
	if prog != nil {
		prog.Clear()
	}
	if err != nil && !errors.Is(err, pipeline.ErrPartial) {
		return err
	}
	if errors.Is(err, pipeline.ErrNothingLoaded) {
		fmt.Fprintln(e.stderr, "bidui:", err)
	}
	if lf.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if encErr := enc.Encode(sum); encErr != nil {
			return encErr
		}
	} else {
		print(e.stdout, sum)
	}
	return err
}

// printSummary writes the end-of-run report: files by kind, links by method, findings by rule, skipped rules
// and the paths written.
func printSummary(w io.Writer, s *pipeline.Summary) {
	status := "完成"
	if s.Status != "ok" {
		status = "完成（有问题，见下）"
	}
	if s.NotPublished != "" {
		status = "未发布"
	}
	fmt.Fprintf(w, "bidui 第 %d 次运行 %s，基准日 %s\n\n", s.RunID, status, s.AsOf)

	printFiles(w, s)
	if s.NotPublished != "" {
		fmt.Fprintf(w, "\n! %s\n", s.NotPublished)
		return
	}
	printLinks(w, s)

	fmt.Fprintln(w, "\n问题（按规则）")
	tw := newTable(w)
	fmt.Fprintln(tw, "  规则\t标题\t状态\t新增\t持续\t已消除\t已核实\t")
	for _, r := range s.Rules {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%d\t%d\t%d\t\n", r.Code, r.Title, statusWord(r.Status), r.New, r.Open, r.Resolved, r.Waived)
	}
	tw.Flush()
	for _, r := range s.Rules {
		if r.Reason != "" {
			fmt.Fprintf(w, "  ! %s %s：%s\n", r.Code, statusWord(r.Status), r.Reason)
		}
	}

	if len(s.Villages) > 0 {
		fmt.Fprintln(w, "\n问题（按村）")
		tw = newTable(w)
		fmt.Fprintln(tw, "  乡镇\t村\t新增\t持续\t已消除\t已核实\t")
		for _, v := range s.Villages {
			fmt.Fprintf(tw, "  %s\t%s\t%d\t%d\t%d\t%d\t\n", v.Town, v.Village, v.New, v.Open, v.Resolved, v.Waived)
		}
		tw.Flush()
	}

	if len(s.Replayed) > 0 {
		what := "匹配结果"
		if slices.Contains(s.Replayed, pipeline.StageRules) {
			what = "匹配结果与规则命中"
		}
		fmt.Fprintf(w, "\n收件箱与上次运行相同：沿用上次的%s（--reparse 可全部重算）\n", what)
	}
	if len(s.Stages) > 0 {
		var parts []string
		for _, st := range s.Stages {
			parts = append(parts, fmt.Sprintf("%s %.1fs", st.Stage, st.Seconds))
		}
		fmt.Fprintf(w, "\n用时：%s\n", strings.Join(parts, "，"))
	}
	if s.Waived > 0 || s.Feedback > 0 || len(s.UnknownAnswers) > 0 || len(s.UnreadAnswers) > 0 {
		fmt.Fprintf(w, "\n村级反馈：%d 条情况属实无需修正（已核实），%d 条已反馈修正仍存在\n", s.Waived, s.Feedback)
		paths := map[int64]string{}
		for _, f := range s.Files {
			paths[f.FileID] = filepath.Base(f.Path)
		}
		list := func(title string, answers []pipeline.UnknownAnswer) {
			if len(answers) == 0 {
				return
			}
			fmt.Fprintf(w, "  %d 条%s：\n", len(answers), title)
			for i, u := range answers {
				if i == 10 {
					fmt.Fprintf(w, "    …以及另外 %d 条\n", len(answers)-10)
					break
				}
				fmt.Fprintf(w, "    %s 工作表 %s 第 %d 行：编号 %q（%s）\n", paths[u.FileID], u.Sheet, u.Row, u.FindingID, u.Result)
			}
		}
		list("编号不存在", s.UnknownAnswers)
		list("核实结果无法识别，未处理（请用下拉选项：已修正 / 情况属实无需修正 / 其他）", s.UnreadAnswers)
	}
	fmt.Fprintf(w, "\n数据库：%s\n", s.DB)
	fmt.Fprintf(w, "输出：%s\n", s.OutDir)
	// The town-wide files first, then the village workbooks, which can be hundreds.
	var villages []string
	for _, p := range s.Written {
		if filepath.Dir(p) == filepath.Clean(s.OutDir) {
			fmt.Fprintf(w, "  %s\n", p)
		} else {
			villages = append(villages, p)
		}
	}
	fmt.Fprintf(w, "  %d 个村级工作簿：\n", len(villages))
	const shown = 20
	for i, p := range villages {
		if i == shown {
			fmt.Fprintf(w, "    …以及另外 %d 个\n", len(villages)-shown)
			break
		}
		fmt.Fprintf(w, "    %s\n", p)
	}
}

// printFiles writes the table of files read, with their errors.
func printFiles(w io.Writer, s *pipeline.Summary) {
	fmt.Fprintln(w, "导入文件")
	tw := newTable(w)
	fmt.Fprintln(tw, "  类型\t文件\t工作表\t状态\t读取\t载入\t跳过\t拒收行\t问题值\t")
	files := append([]pipeline.FileSummary(nil), s.Files...)
	sort.SliceStable(files, func(i, j int) bool { return files[i].Kind < files[j].Kind })
	for _, f := range files {
		kind := f.Kind
		if kind == "" {
			kind = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t\n", kind, escapeControl(filepath.Base(f.Path)), escapeControl(f.Sheet), statusWord(f.Status),
			f.Read, f.Loaded, f.Skipped, f.Rejected, f.Rejects)
	}
	tw.Flush()
	for _, f := range files {
		if f.Error != "" {
			fmt.Fprintf(w, "  ! %s\n", escapeControl(f.Error))
		}
	}
	for _, d := range s.DuplicateRows {
		fmt.Fprintf(w, "  ! %s 有 %d 行与 %s 完全相同，只计一次\n", escapeControl(filepath.Base(d.File)), d.Rows, escapeControl(filepath.Base(d.Of)))
	}
	for _, d := range s.Disagreements {
		fmt.Fprintf(w, "  ! %s 与 %s 对同一人（同一年度）的记录不一致：%d 人，请核对哪份为准\n",
			escapeControl(filepath.Base(d.Files[0])), escapeControl(filepath.Base(d.Files[1])), d.Persons)
	}
	if len(s.NotRead) > 0 {
		fmt.Fprintf(w, "\n未读取（%d 项）\n", len(s.NotRead))
		for _, n := range s.NotRead {
			fmt.Fprintf(w, "  %s：%s\n", escapeControl(filepath.Base(n.Path)), escapeControl(n.Reason))
		}
	}
}

// escapeControl writes the control characters of s (a file name can hold any but / and NUL) as Go escapes,
// so that a name cannot move the cursor, clear the terminal or forge a line of the summary.
func escapeControl(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		if unicode.IsControl(c) {
			q := strconv.QuoteRune(c)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// printLinks writes the line about persons linked.
func printLinks(w io.Writer, s *pipeline.Summary) {
	fmt.Fprintf(w, "\n人员匹配：%d 人", s.Persons)
	var methods []string
	for m := range s.Links {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	for _, m := range methods {
		fmt.Fprintf(w, "；%s %d 行", m, s.Links[m])
	}
	if len(s.Unlinked) > 0 {
		var parts []string
		for k, n := range s.Unlinked {
			parts = append(parts, fmt.Sprintf("%s %d", k, n))
		}
		sort.Strings(parts)
		fmt.Fprintf(w, "；未匹配 %s 行", strings.Join(parts, "，"))
	}
	if len(s.Review) > 0 {
		var parts []string
		for k, n := range s.Review {
			parts = append(parts, fmt.Sprintf("%s %d", k, n))
		}
		sort.Strings(parts)
		fmt.Fprintf(w, "；未能确定对应人员、待人工确认（match_review）%s 行", strings.Join(parts, "，"))
	}
	if s.Merged > 0 {
		fmt.Fprintf(w, "；%d 个受损证件号并入真实人员", s.Merged)
	}
	fmt.Fprintln(w)
}
