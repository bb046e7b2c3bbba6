package pipeline

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/bidui/bidui"
	"github.com/bidui/bidui/sources"
	biduisql "github.com/bidui/bidui/sql"
)

// A plan is what a run will do, decided once, before anything is written, from the inbox and the published
// database: which files are parsed and which are carried over from the published run (and from which of its
// sheets), whether the new database starts as a copy of the published file, and whether the published run's
// links and rule hits are replayed. It is the only part of a run that knows the previous run: the stages read
// their instructions from it, and prev.go holds what it does to the new database.
//
// A file is carried when the latest published run, made by this same version of bidui and schema, read a
// file with the same bytes (sha256) and every sheet of it loaded, was carried, unrecognised or ignored (a
// failure is worth trying again), and none lost rows that an earlier file of its kind had too (that file
// may be gone); a newer importer may read the same bytes differently. When every file is
// carried from itself and the published run read no other, the inbox is unchanged: the new database starts
// as a copy of the published one (its rows are renumbered rather than copied) and the links are replayed,
// and with the same parameters (as_of among them) so are the rule hits. When files were parsed again, the
// import stage may still find the rows the published run's (plan.sameRows): the links, and with the same
// parameters the rule hits, are then replayed all the same. Config.Reparse turns all of it off.
type plan struct {
	files []plannedFile // the inbox files to read, in name order
	// notRead are the inbox entries not read (hidden, lock files, folders, links to nothing, duplicates), in
	// the order they were met.
	notRead []NotRead
	// publishedAsOf is the as-of of the published database's latest run (zero when there is none).
	publishedAsOf time.Time
	// published is the published database's path when there is one: its history is carried into the new
	// database. prev is its latest run when rows may be carried from it, else nil.
	published string
	prev      *publishedRun
	attached  bool // the published database is attached to the new one as prev (see history)

	fromCopy    bool // start from a file copy of the published database
	replayMatch bool // carry the published run's persons and links over
	replayRules bool // carry its rule hits over too (implies replayMatch)
	// paramsSame says that this run's parameters are the published run's: its rule hits may be replayed.
	paramsSame bool
	// replayWhy says why the links are replayed, for the log and the summary ("" when they are not).
	replayWhy string
}

// plannedFile is one inbox file and what to do with it.
type plannedFile struct {
	path, sha256 string
	carry        []prevSheet // the published sheets to carry the file from; nil: parse it
}

// publishedRun is the latest run of the published database.
type publishedRun struct {
	id     int64
	params map[string]any // as its summary recorded them; nil when unreadable
	sheets []prevSheet    // its files rows, in file id order
}

// prevSheet is a files row of the published run.
type prevSheet struct {
	id  int64
	res sources.Result // as recorded: Path and SHA256 are the published file's
	// duplicate are its rows that an earlier file had too, and were not loaded.
	duplicate int64
}

// makePlan lists and hashes the inbox and reads the published database's latest run (read-only, closed
// again before it returns). A published database that cannot be read, or one of another schema or version,
// gives no rows to carry: the run then parses every file, and the history step reports what is wrong with
// it.
func makePlan(ctx context.Context, cfg Config, asOf time.Time, version, dbPath string) (*plan, error) {
	paths, skipped, err := inboxFiles(cfg.Inbox, dbPath)
	if err != nil {
		return nil, err
	}
	p := &plan{notRead: skipped}
	// Every file is hashed once: the same bytes under a second name are read once, and a file whose bytes
	// the published run read may be carried.
	first := map[string]string{}
	for _, path := range paths {
		sum, err := fileSHA256(path)
		if err != nil {
			p.notRead = append(p.notRead, NotRead{Path: path, Reason: notReadUnread + "：" + err.Error()})
			continue
		}
		// An empty file holds nothing to count twice, and each says for itself that it is empty.
		if other, ok := first[sum]; ok && sum != emptySHA256 {
			p.notRead = append(p.notRead, NotRead{Path: path, Reason: notReadDuplicate + filepath.Base(other)})
			continue
		}
		first[sum] = path
		p.files = append(p.files, plannedFile{path: path, sha256: sum})
	}
	if _, err := os.Stat(dbPath); err != nil {
		return p, nil
	}
	p.published = dbPath
	p.publishedAsOf = readAsOf(ctx, dbPath)
	if cfg.Reparse {
		return p, nil
	}
	if p.prev = readPublished(ctx, dbPath, version); p.prev == nil {
		return p, nil
	}
	for i := range p.files {
		f := &p.files[i]
		f.carry = p.prev.sheetsOf(f.path, f.sha256)
	}
	p.fromCopy = len(p.files) > 0 && p.prev.sameFiles(p.files)
	p.paramsSame = sameParams(p.prev.params, cfg.Params(asOf))
	if p.fromCopy {
		p.replay("inbox unchanged since the published run")
	}
	return p, nil
}

// replay makes the plan replay the published run's links, and with the same parameters its rule hits, for the
// reason why.
func (p *plan) replay(why string) {
	p.replayMatch, p.replayRules, p.replayWhy = true, p.paramsSame, why
}

// readAsOf returns the as-of of the latest run of the database at path, zero when it cannot be read.
func readAsOf(ctx context.Context, path string) time.Time {
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		return time.Time{}
	}
	defer db.Close()
	var asOf sql.NullTime
	if db.QueryRowContext(ctx, `SELECT as_of FROM runs ORDER BY run_id DESC LIMIT 1`).Scan(&asOf) != nil || !asOf.Valid {
		return time.Time{}
	}
	y, m, d := asOf.Time.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// readPublished reads the latest run of the published database at path, or returns nil when its rows may
// not be carried: it cannot be read, has another schema, or its latest run was made by another version.
func readPublished(ctx context.Context, path, version string) *publishedRun {
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		return nil
	}
	defer db.Close()
	var schema int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&schema); err != nil ||
		schema != biduisql.LatestVersion() {
		return nil
	}
	prev := &publishedRun{}
	var ranBy, summary sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT run_id, version, CAST(summary AS VARCHAR) FROM runs ORDER BY run_id DESC LIMIT 1`).
		Scan(&prev.id, &ranBy, &summary); err != nil || ranBy.String != version {
		return nil
	}
	var recorded struct {
		Params map[string]any `json:"params"`
	}
	if json.Unmarshal([]byte(summary.String), &recorded) == nil {
		prev.params = recorded.Params
	}
	if prev.sheets, err = publishedSheets(ctx, db, prev.id); err != nil {
		return nil
	}
	return prev
}

// sheetsOf returns the published sheets to carry the file at path with bytes sum from, or nil when it must be
// parsed. They are the sheets of one published file with these bytes: the one of the same name if there is
// one (two copies of a file in the inbox are two files), else the first by name.
func (prev *publishedRun) sheetsOf(path, sum string) []prevSheet {
	from := ""
	for _, s := range prev.sheets {
		if s.res.SHA256 == sum && (from == "" || s.res.Path == path || (from != path && s.res.Path < from)) {
			from = s.res.Path
		}
	}
	var sheets []prevSheet
	for _, s := range prev.sheets {
		if s.res.SHA256 != sum || s.res.Path != from {
			continue
		}
		switch {
		case s.duplicate > 0:
			return nil // the file that had its other rows may be gone
		case s.res.Status == bidui.FileLoaded, s.res.Status == bidui.FileCarried, s.res.Status == bidui.FileUnrecognised,
			s.res.Status == bidui.FileIgnored:
		default:
			return nil // a failure is worth trying again
		}
		sheets = append(sheets, s)
	}
	return sheets
}

// sameFiles tells whether files, each carried from itself, are all the files the published run read.
func (prev *publishedRun) sameFiles(files []plannedFile) bool {
	read := map[string]bool{}
	for _, s := range prev.sheets {
		read[s.res.Path] = true
	}
	for _, f := range files {
		if f.carry == nil || f.carry[0].res.Path != f.path {
			return false
		}
	}
	return len(read) == len(files)
}

// publishedSheets reads the files rows of run, in file id order.
func publishedSheets(ctx context.Context, db *sql.DB, run int64) ([]prevSheet, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT file_id, path, coalesce(sha256, ''), format, encoding, kind, sheet, header_row, CAST(columns AS VARCHAR),
		       rows_read, rows_loaded, rows_skipped, rows_rejected, status, error, coalesce(rows_duplicate, 0)
		FROM files WHERE run_id = ? ORDER BY file_id`, run)
	if err != nil {
		return nil, fmt.Errorf("files of the published run: %w", err)
	}
	defer rows.Close()
	var prev []prevSheet
	for rows.Next() {
		var (
			p                                 prevSheet
			format, enc, kind, sheet, columns sql.NullString
			errText                           sql.NullString
			header                            sql.NullInt64
		)
		if err := rows.Scan(&p.id, &p.res.Path, &p.res.SHA256, &format, &enc, &kind, &sheet, &header, &columns, &p.res.RowsRead,
			&p.res.RowsLoaded, &p.res.RowsSkipped, &p.res.RowsRejected, &p.res.Status, &errText, &p.duplicate); err != nil {
			return nil, err
		}
		p.res.Format, p.res.Encoding = format.String, enc.String
		p.res.Kind, p.res.Sheet, p.res.HeaderRow = bidui.Kind(kind.String), sheet.String, int(header.Int64)
		if columns.Valid {
			if err := json.Unmarshal([]byte(columns.String), &p.res.Columns); err != nil {
				return nil, fmt.Errorf("columns of the published file row %d: %w", p.id, err)
			}
		}
		if errText.Valid {
			p.res.Err = carriedError(errText.String)
		}
		prev = append(prev, p)
	}
	return prev, rows.Err()
}

// carriedError is the recorded error text of a carried sheet (an unrecognised one says why).
type carriedError string

func (e carriedError) Error() string { return string(e) }

// sameParams compares the parameters a run recorded (read back from JSON) with this run's.
func sameParams(recorded, now map[string]any) bool {
	if recorded == nil {
		return false
	}
	b, err := json.Marshal(now)
	if err != nil {
		return false
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		return false
	}
	return reflect.DeepEqual(recorded, back)
}

// NotRead is an inbox entry that was not read, and why.
type NotRead struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Reasons an inbox entry is not read (NotRead.Reason starts with one of them).
const (
	notReadHidden    = "隐藏文件"
	notReadLock      = "Excel/WPS/LibreOffice 打开文件时留下的锁文件"
	notReadOwn       = "bidui 自己的数据库文件"
	notReadFolder    = "文件夹（不读取子文件夹）"
	notReadDangling  = "符号链接指向的文件不存在"
	notReadLinkDir   = "符号链接指向文件夹"
	notReadSpecial   = "不是普通文件（管道、套接字或设备）"
	notReadUnread    = "无法读取"
	notReadDuplicate = "与另一文件内容完全相同（sha256 一致），只读一次："
)

// inboxFiles lists the regular files of the inbox in name order, following symbolic links to regular files,
// and says why every other entry is not read: hidden files, the lock files Excel, WPS and LibreOffice leave
// beside open workbooks (~$name.xlsx, .~lock.name#), bidui's own database and its companions (.lock, .wal,
// temporaries) when the database was put in the inbox, folders, links to folders or to nothing, pipes and
// devices.
func inboxFiles(dir, db string) ([]string, []NotRead, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("inbox: %w", err)
	}
	dbAbs, _ := filepath.Abs(db)
	var paths []string
	var skipped []NotRead
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(dir, name)
		why := ""
		switch {
		case strings.HasPrefix(name, "~$") || strings.HasPrefix(name, ".~lock.") && strings.HasSuffix(name, "#"):
			why = notReadLock
		case isOwn(p, dbAbs):
			why = notReadOwn
		case strings.HasPrefix(name, "."):
			why = notReadHidden
		default:
			why = entryKind(p, e)
		}
		if why != "" {
			skipped = append(skipped, NotRead{Path: p, Reason: why})
			continue
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths, skipped, nil
}

// isOwn tells whether the path is bidui's database at dbAbs or one of its companions.
func isOwn(p, dbAbs string) bool {
	abs, err := filepath.Abs(p)
	return err == nil && dbAbs != "" && (abs == dbAbs || strings.HasPrefix(abs, dbAbs+".") ||
		strings.HasPrefix(filepath.Base(abs), "."+filepath.Base(dbAbs)+".") && filepath.Dir(abs) == filepath.Dir(dbAbs))
}

// entryKind is why the inbox entry at p is not read, "" when it is a regular file or a link to one.
func entryKind(p string, e os.DirEntry) string {
	t := e.Type()
	if t&os.ModeSymlink != 0 {
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			return notReadDangling
		case fi.IsDir():
			return notReadLinkDir
		}
		t = fi.Mode().Type()
	}
	switch {
	case t.IsDir():
		return notReadFolder
	case !t.IsRegular():
		return notReadSpecial
	}
	return ""
}

// emptySHA256 is the sha256 of no bytes.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// fileSHA256 returns the hex sha256 of the file at path.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
