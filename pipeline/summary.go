package pipeline

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
