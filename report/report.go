// Package report writes what a run hands to people: one correction workbook per village (问题清单) for the
// village cadres to verify and send back, the town summary 汇总.xlsx, and the findings as findings.csv and
// findings.parquet for whoever works on in a spreadsheet or another tool (spec/outputs.md, "Files written by
// a run"). It reads the findings view, findings_history, rule_catalogue and runs of the run's database and
// nothing else, so it can be rerun on any published database.
package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"
)

// Options controls how the files are written.
type Options struct {
	// MaskIDs writes 370323********123X instead of the full ID number, for copies that are posted publicly
	// (公示): in the 证件号码 column and in the text of 问题说明 of the workbooks, and in findings.csv and
	// findings.parquet in id_number and wherever else a text column holds an ID (detail, subject), with
	// person_key left empty (a salted hash of the ID, which candidate IDs could be matched against), so that
	// no file of the folder shows or gives away a full ID.
	MaskIDs bool

	// Previous is an earlier output folder (the published out/<as_of> that this run's folder is to replace),
	// or "" for none. A village workbook whose inputs are the same as when Previous was written is copied from
	// it instead of being built again (VillageFile.Reused); a missing folder, or one without a readable
	// manifest, only means that every workbook is built.
	Previous string

	// Build names the build of bidui that writes the files (its version), so that a workbook built by another
	// build is never copied forward: it may have another layout.
	Build string
}

// Written lists the files a report stage wrote.
type Written struct {
	Villages []VillageFile
	Summary  string // 汇总.xlsx; "" when not written (WriteVillageWorkbooks)
	CSV      string // findings.csv; "" when not written
	Parquet  string // findings.parquet; "" when not written
}

// Paths returns every file written: the village workbooks in town, village order, then 汇总.xlsx,
// findings.csv and findings.parquet.
func (w *Written) Paths() []string {
	var out []string
	for _, v := range w.Villages {
		out = append(out, v.Path)
	}
	for _, p := range []string{w.Summary, w.CSV, w.Parquet} {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// VillageFile is one village workbook: the town and village as the findings name them (UnknownTown and
// bidui.Unplaced when unknown), the path of the file (dir joined with the sanitised names), how many
// findings it lists, and whether it was copied from Options.Previous rather than built.
type VillageFile struct {
	Town, Village, Path string
	Findings            int
	Reused              bool
}

// Reused counts the village workbooks copied from Options.Previous.
func (w *Written) Reused() int {
	n := 0
	for _, v := range w.Villages {
		if v.Reused {
			n++
		}
	}
	return n
}

// The files written beside the town folders.
const (
	summaryFile = "汇总.xlsx"
	csvFile     = "findings.csv"
	parquetFile = "findings.parquet"
)

// Write writes every file of a run's output folder into dir, creating dir (mode 0700) when it is missing: the
// village workbooks (as WriteVillageWorkbooks); the summary 汇总.xlsx, whose tables list every town's villages
// with a 乡镇 column and whose 图表 sheet has a bar chart per town; findings.csv and findings.parquet (every
// column of the findings view, masked as opt says); last, the hidden manifest .workbooks.json, which lets a later
// Write with this folder as Options.Previous copy the workbooks that did not change. Files are created with
// mode 0600 and folders 0700 whatever the umask, since they hold personal data.
//
// Each file is written to a hidden temporary file beside its final name and renamed into place, so a file at
// an output path is always complete. It returns every file written; on error (a query, a write, a cancelled
// ctx) it returns nil and the error, and the files written before the error stay in dir — callers write into
// a fresh folder and publish it whole.
func Write(ctx context.Context, db *sql.DB, dir string, opt Options) (*Written, error) {
	root, err := openOutput(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	w := &Written{}
	var workbooks map[string]workbookRecord
	if w.Villages, workbooks, err = writeVillages(ctx, db, root, dir, opt); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := writeSummary(ctx, db, root, summaryFile); err != nil {
		return nil, fmt.Errorf("write %s: %w", summaryFile, err)
	}
	w.Summary = filepath.Join(dir, summaryFile)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := writeCSV(ctx, db, root, csvFile, opt); err != nil {
		return nil, fmt.Errorf("write %s: %w", csvFile, err)
	}
	w.CSV = filepath.Join(dir, csvFile)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := writeParquet(ctx, db, root, dir, parquetFile, opt); err != nil {
		return nil, fmt.Errorf("write %s: %w", parquetFile, err)
	}
	w.Parquet = filepath.Join(dir, parquetFile)
	if err := writeManifest(root, workbooks); err != nil {
		return nil, fmt.Errorf("write %s: %w", manifestFile, err)
	}
	return w, nil
}

// WriteVillageWorkbooks writes only the village workbooks of Write: it reads the findings view of db and
// writes one workbook per (town, village) under dir as <town>/<village>.xlsx, creating dir when it is missing.
// Findings with no village go to <town>/未落村.xlsx, and to 未知乡镇/未落村.xlsx when the town is unknown too
// (UnknownTown, bidui.Unplaced). Town and village names are sanitised before they become path elements (no
// separators, `..`, control characters or characters Windows forbids, not a Windows device name, at most 80
// bytes before a numbered suffix, never empty), every file is created through an os.Root on dir, so no name
// can place a file outside dir; two names that sanitise alike get numbered suffixes instead of sharing a file.
//
// It returns the workbooks written in town, village order (unknown places last) in Written.Villages, and
// writes the manifest last, as Write does; errors and partial output are as for Write.
func WriteVillageWorkbooks(ctx context.Context, db *sql.DB, dir string, opt Options) (*Written, error) {
	root, err := openOutput(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	villages, workbooks, err := writeVillages(ctx, db, root, dir, opt)
	if err != nil {
		return nil, err
	}
	if err := writeManifest(root, workbooks); err != nil {
		return nil, fmt.Errorf("write %s: %w", manifestFile, err)
	}
	return &Written{Villages: villages}, nil
}

// writeVillages writes the village workbooks under root, which is opened on dir: the findings are read in
// town, village order and paths allotted in that order (so names that sanitise alike are numbered the same
// way every run), while the workbooks themselves are built and saved, or copied from opt.Previous when their
// fingerprint there is the same, by one worker per CPU. It returns the workbooks in order and the manifest
// records of their files, by path.
func writeVillages(ctx context.Context, db *sql.DB, root *os.Root, dir string, opt Options) ([]VillageFile,
	map[string]workbookRecord, error) {
	rules, err := readCatalogue(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	asOf, err := readAsOf(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	heads, err := readHeads(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	prev := openPrevious(opt.Previous)
	defer prev.close()
	type job struct {
		rel string
		v   *village
		out *VillageFile // filled in only by the worker that takes the job
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan job, 2*runtime.GOMAXPROCS(0))
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		workbooks = map[string]workbookRecord{}
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				if ctx.Err() != nil {
					continue // drain
				}
				fp := workbookFingerprint(j.rel, j.v, rules, heads, asOf, opt)
				written, reused := prev.copyWorkbook(root, j.rel, fp)
				if !reused {
					var err error
					if written, err = writeWorkbook(root, j.rel, j.v, rules, heads, asOf, opt); err != nil {
						cancel(fmt.Errorf("write workbook of %s %s: %w", townLabel(j.v.town), villageLabel(j.v.name), err))
						continue
					}
					written.Fingerprint = fp
				}
				j.out.Reused = reused
				mu.Lock()
				workbooks[j.rel] = written
				mu.Unlock()
			}
		})
	}
	var files []*VillageFile
	alloc := newPaths()
	err = eachVillage(ctx, db, func(v *village) error {
		rel := alloc.village(v.town, v.name)
		f := &VillageFile{
			Town: townLabel(v.town), Village: villageLabel(v.name), Path: filepath.Join(dir, filepath.FromSlash(rel)),
			Findings: len(v.findings),
		}
		files = append(files, f)
		select {
		case jobs <- job{rel, v, f}:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	})
	close(jobs)
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return nil, nil, cause // a workbook that failed, or the caller's deadline
	}
	if err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	out := make([]VillageFile, len(files))
	for i, f := range files {
		out[i] = *f
	}
	return out, workbooks, nil
}

// docProps are the document properties of an exported workbook. The run's as_of date stands for the created
// and modified time instead of the wall clock, so the same database gives byte-identical workbooks.
func docProps(title, subject string, asOf time.Time) *excelize.DocProperties {
	p := &excelize.DocProperties{
		Title: title, Subject: subject, Creator: "bidui", LastModifiedBy: "bidui", Language: "zh-CN",
	}
	if !asOf.IsZero() {
		p.Created = asOf.UTC().Format("2006-01-02T15:04:05Z")
		p.Modified = p.Created
	}
	return p
}
