package pipeline

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/bidui/bidui"
	"github.com/bidui/bidui/report"
)

// Summary is what a run did, for the end-of-run report, `bidui runs` and the runs.summary column.
type Summary struct {
	RunID    int64            `json:"run_id"`
	AsOf     string           `json:"as_of"`
	Status   string           `json:"status"` // ok | partial
	DB       string           `json:"db"`
	OutDir   string           `json:"out_dir"`
	Files    []FileSummary    `json:"files"`
	Persons  int64            `json:"persons"`
	Links    map[string]int64 `json:"links_by_method"`
	Unlinked map[string]int64 `json:"unlinked_by_kind,omitempty"`
	Review   map[string]int64 `json:"ambiguous_by_kind,omitempty"` // rows in match_review, never linked
	Merged   int64            `json:"merged_ids"`                  // valid-looking IDs folded into another person
	Rules    []RuleSummary    `json:"rules"`
	Villages []VillageSummary `json:"villages"`
	Written  []string         `json:"written"`
	// Workbooks is the number of village workbooks among Written.
	Workbooks int `json:"village_workbooks"`
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
	// read had changed (match: the same inbox; rules: also the same parameters).
	Replayed []string `json:"replayed,omitempty"`
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
	Error    string `json:"error,omitempty"`
}

// RuleSummary is one rule's outcome and its findings by status.
type RuleSummary struct {
	Code     string `json:"code"`
	Title    string `json:"title"`
	Status   string `json:"status"` // ran | skipped | failed
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

// countByRule reads the findings of run runID by rule and status from the finding_counts view.
func countByRule(ctx context.Context, db *sql.DB, runID int64) (map[string]RuleSummary, error) {
	rows, err := db.QueryContext(ctx, `SELECT rule,
		coalesce(sum(findings) FILTER (WHERE status = 'new'), 0)::BIGINT, coalesce(sum(findings) FILTER (WHERE status = 'open'), 0)::BIGINT,
		coalesce(sum(findings) FILTER (WHERE status = 'resolved'), 0)::BIGINT, coalesce(sum(findings) FILTER (WHERE status = 'waived'), 0)::BIGINT
		FROM finding_counts WHERE run_id = ? GROUP BY rule`, runID)
	if err != nil {
		return nil, fmt.Errorf("count findings by rule: %w", err)
	}
	defer rows.Close()
	out := map[string]RuleSummary{}
	for rows.Next() {
		var rs RuleSummary
		if err := rows.Scan(&rs.Code, &rs.New, &rs.Open, &rs.Resolved, &rs.Waived); err != nil {
			return nil, err
		}
		out[rs.Code] = rs
	}
	return out, rows.Err()
}

// countByVillage reads the findings of run runID by place and status from the finding_counts view, an unknown
// town and village named as the workbooks name them, in name order.
func countByVillage(ctx context.Context, db *sql.DB, runID int64) ([]VillageSummary, error) {
	rows, err := db.QueryContext(ctx, `SELECT coalesce(town, ?) AS town, coalesce(village, ?) AS village,
		coalesce(sum(findings) FILTER (WHERE status = 'new'), 0)::BIGINT, coalesce(sum(findings) FILTER (WHERE status = 'open'), 0)::BIGINT,
		coalesce(sum(findings) FILTER (WHERE status = 'resolved'), 0)::BIGINT, coalesce(sum(findings) FILTER (WHERE status = 'waived'), 0)::BIGINT
		FROM finding_counts WHERE run_id = ? GROUP BY ALL ORDER BY town, village`, report.UnknownTown, bidui.Unplaced, runID)
	if err != nil {
		return nil, fmt.Errorf("count findings by village: %w", err)
	}
	defer rows.Close()
	var out []VillageSummary
	for rows.Next() {
		var v VillageSummary
		if err := rows.Scan(&v.Town, &v.Village, &v.New, &v.Open, &v.Resolved, &v.Waived); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
