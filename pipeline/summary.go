package pipeline

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"github.com/bidui/bidui"
	"github.com/bidui/bidui/report"
)

// Summary is what a run did, for the end-of-run report, `bidui runs` and the runs.summary column.
type Summary struct {
	RunID  int64         `json:"run_id"`
	AsOf   string        `json:"as_of"`
	Status string        `json:"status"` // ok | partial
	DB     string        `json:"db"`
	OutDir string        `json:"out_dir"`
	Files  []FileSummary `json:"files"`
	// NotRead are the inbox entries not read, with the reason: hidden and lock files, folders, links to
	// nothing or to a folder, pipes, unreadable files, and a second file with the same bytes as another.
	NotRead []NotRead `json:"not_read,omitempty"`
	// DuplicateRows are rows of a file that an earlier file of the same kind has too: counted once.
	DuplicateRows []DuplicateRows `json:"duplicate_rows,omitempty"`
	// Disagreements are pairs of files of one kind with different rows for the same persons.
	Disagreements []Disagreement `json:"disagreements,omitempty"`
	// NotPublished, when set, says why the run published nothing (no file loaded).
	NotPublished string           `json:"not_published,omitempty"`
	Persons      int64            `json:"persons"`
	Links        map[string]int64 `json:"links_by_method"`
	Unlinked     map[string]int64 `json:"unlinked_by_kind,omitempty"`
	Review       map[string]int64 `json:"ambiguous_by_kind,omitempty"` // rows in match_review, never linked
	Merged       int64            `json:"merged_ids"`                  // valid-looking IDs folded into another person
	Rules        []RuleSummary    `json:"rules"`
	Villages     []VillageSummary `json:"villages"`
	Written      []string         `json:"written"`
	// Workbooks is the number of village workbooks among Written.
	Workbooks int `json:"village_workbooks"`
	// WorkbooksReused is how many of the Workbooks were copied unchanged from the output folder they replace.
	WorkbooksReused int `json:"village_workbooks_reused"`
	// Waived and Feedback count this run's findings answered by the villages: 情况属实无需修正 (waived) and
	// 已修正 but still raised (已反馈修正仍存在). UnknownAnswers are answers naming no finding ever issued.
	Waived         int64           `json:"waived"`
	Feedback       int64           `json:"feedback_still_present"`
	UnknownAnswers []UnknownAnswer `json:"unknown_answers,omitempty"`
	// UnreadAnswers are answers to issued findings whose 核实结果 is none of the drop-down's words (or empty
	// beside a 核实说明): not applied, listed for a person to read.
	UnreadAnswers []UnknownAnswer `json:"unread_answers,omitempty"`
	Stages        []StageTime     `json:"stages"` // in the order they ran; publish is missing from runs.summary
	// Replayed names the stages whose results were carried over from the previous run because nothing they
	// read had changed (match: the same inbox, or files sent again with other bytes but the same rows; rules:
	// also the same parameters), and ReplayedBecause says which of the two.
	Replayed        []string `json:"replayed,omitempty"`
	ReplayedBecause string   `json:"replayed_because,omitempty"`
	// FromPublished says that the new database started as a file copy of the published one, because the
	// latest run read exactly this inbox: its rows were renumbered rather than copied.
	FromPublished bool `json:"from_published_copy,omitempty"`
	// Params are the rules' parameters, as_of among them.
	Params   map[string]any `json:"params,omitempty"`
	Problems []string       `json:"problems,omitempty"` // why the run is partial
}

// FileSummary is one sheet of one input file.
type FileSummary struct {
	FileID   int64  `json:"file_id"`
	Path     string `json:"path"`
	Kind     string `json:"kind,omitempty"`
	Sheet    string `json:"sheet,omitempty"`
	Status   string `json:"status"`
	Read     int64  `json:"rows_read"`
	Loaded   int64  `json:"rows_loaded"`
	Skipped  int64  `json:"rows_skipped"`
	Rejected int64  `json:"rows_rejected"`
	Rejects  int64  `json:"rejected_values"`
	// Duplicate are rows an earlier file of the same kind had too, not loaded (not among Loaded).
	Duplicate int64  `json:"rows_duplicate,omitempty"`
	Error     string `json:"error,omitempty"`
}

// RuleSummary is one rule's outcome and its findings by status.
type RuleSummary struct {
	Code     string `json:"code"`
	Title    string `json:"title"`
	Category string `json:"category"` // 部门比对 | 研判程序 | 数据质量
	Status   string `json:"status"`   // ran | skipped | failed
	Reason   string `json:"reason,omitempty"`
	New      int64  `json:"new"`
	Open     int64  `json:"open"`
	Resolved int64  `json:"resolved"`
	Waived   int64  `json:"waived"`
}

// VillageSummary counts one village's findings by status.
type VillageSummary struct {
	Town     string `json:"town"`
	Village  string `json:"village"`
	New      int64  `json:"new"`
	Open     int64  `json:"open"`
	Resolved int64  `json:"resolved"`
	Waived   int64  `json:"waived"`
}

// StageTime is how long one stage of a run took.
type StageTime struct {
	Stage   string  `json:"stage"`
	Seconds float64 `json:"seconds"`
}

// UnknownAnswer is a row of a returned workbook whose 编号 names no finding bidui ever issued.
type UnknownAnswer struct {
	FindingID string `json:"finding_id"`
	FileID    int64  `json:"file_id"`
	Sheet     string `json:"sheet"`
	Row       int    `json:"row"`
	Result    string `json:"result"`
}

// countFindings reads the findings of run runID from the finding_counts view: by rule and status, and by place
// and status, an unknown town and village named as the workbooks name them, in name order.
func countFindings(ctx context.Context, db *sql.DB, runID int64) (map[string]RuleSummary, []VillageSummary, error) {
	rows, err := db.QueryContext(ctx, `SELECT coalesce(town, ?), coalesce(village, ?), rule, status, findings
		FROM finding_counts WHERE run_id = ?`, report.UnknownTown, bidui.Unplaced, runID)
	if err != nil {
		return nil, nil, fmt.Errorf("count findings: %w", err)
	}
	defer rows.Close()
	byRule := map[string]RuleSummary{}
	byPlace := map[[2]string]VillageSummary{}
	for rows.Next() {
		var town, village, rule, status string
		var n int64
		if err := rows.Scan(&town, &village, &rule, &status, &n); err != nil {
			return nil, nil, fmt.Errorf("count findings: %w", err)
		}
		rs := byRule[rule]
		rs.Code = rule
		addStatus(status, n, &rs.New, &rs.Open, &rs.Resolved, &rs.Waived)
		byRule[rule] = rs
		v := byPlace[[2]string{town, village}]
		v.Town, v.Village = town, village
		addStatus(status, n, &v.New, &v.Open, &v.Resolved, &v.Waived)
		byPlace[[2]string{town, village}] = v
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("count findings: %w", err)
	}
	villages := slices.SortedFunc(maps.Values(byPlace), func(a, b VillageSummary) int {
		return cmp.Or(cmp.Compare(a.Town, b.Town), cmp.Compare(a.Village, b.Village))
	})
	return byRule, villages, nil
}

// addStatus adds n findings of status to the count of that status.
func addStatus(status string, n int64, newN, open, resolved, waived *int64) {
	switch status {
	case bidui.StatusNew:
		*newN += n
	case bidui.StatusOpen:
		*open += n
	case bidui.StatusResolved:
		*resolved += n
	case bidui.StatusWaived:
		*waived += n
	}
}
