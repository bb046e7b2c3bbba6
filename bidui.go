// Package bidui holds the vocabulary that the stages of a reconciliation run share: source kinds, rule levels
// and severities, finding statuses. The stages themselves live in sibling packages (sources, match, rules,
// report) that depend on this package and not on each other; pipeline and cmd/bidui wire them together.
package bidui

import (
	"fmt"
	"strings"
)

// Kind is a source kind: what a department file (or one sheet of it) holds. Each kind has a staging table
// named by Table.
type Kind string

// The source kinds of the source data contract (spec/sources.md).
const (
	KindGS           Kind = "gs"           // 全国系统 person table
	KindDibao        Kind = "dibao"        // 民政 农村低保名册
	KindTekun        Kind = "tekun"        // 民政 特困人员名册
	KindMedical      Kind = "medical"      // 医保 参保及费用
	KindEducation    Kind = "education"    // 教育 学籍
	KindReview       Kind = "review"       // 防止返贫监测预警研判台账
	KindVerification Kind = "verification" // returned village workbooks
)

// Kinds lists every source kind in the order a run reports them: the kinds above, then any kind that
// registered itself with RegisterKind, in the order it did.
var Kinds = []Kind{KindGS, KindDibao, KindTekun, KindMedical, KindEducation, KindReview, KindVerification}

// labels are the kinds' names as the offices know them, for summaries and finding details.
var labels = map[Kind]string{
	KindGS:           "全国系统",
	KindDibao:        "低保名册",
	KindTekun:        "特困名册",
	KindMedical:      "医保数据",
	KindEducation:    "学籍数据",
	KindReview:       "研判台账",
	KindVerification: "核实反馈",
}

// RegisterKind adds a source kind that the list above does not name, with its label, and returns it. The
// importer calls it from the file that describes the kind (sources/kind_<name>.go), during package
// initialisation, so that a new kind is declared in one place. It panics when name is not a lower-case
// identifier or is already registered: both are programming errors.
func RegisterKind(name, label string) Kind {
	k := Kind(name)
	if !isKindName(name) {
		panic(fmt.Sprintf("bidui: kind name %q is not a lower-case identifier", name))
	}
	if _, dup := labels[k]; dup {
		panic(fmt.Sprintf("bidui: kind %q registered twice", name))
	}
	labels[k] = label
	Kinds = append(Kinds, k)
	optional[k] = true
	return k
}

// optional are the kinds registered with RegisterKind.
var optional = map[Kind]bool{}

// Optional reports whether a county may go without files of kind k for good: the kinds beyond the source
// contract's first seven (registered with RegisterKind) come from departments that not every county receives
// files from, so a rule skipped only because the inbox has none of them does not make a run partial.
func (k Kind) Optional() bool { return optional[k] }

// isKindName: a kind names a table (src_<kind>) and appears in SQL as a literal, so it is kept to [a-z0-9_].
func isKindName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// ParseKind returns the kind named s, or an error naming s when it is not a known kind.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown source kind %q (known: %s)", s, kindList())
}

// Table is the name of the staging table that holds the normalised rows of kind k.
func (k Kind) Table() string { return "src_" + string(k) }

// Label is the kind's name as the offices know it, for summaries and finding details.
func (k Kind) Label() string {
	if l, ok := labels[k]; ok {
		return l
	}
	return string(k)
}

func kindList() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// Finding statuses, as stored in findings_history and shown by the findings view.
const (
	StatusNew      = "new"      // first seen in this run
	StatusOpen     = "open"     // seen in an earlier run too
	StatusWaived   = "waived"   // a returned workbook says 情况属实无需修正
	StatusResolved = "resolved" // seen before, not any more
)

// Unplaced is the village (and town) name of findings whose location no source knows.
const Unplaced = "未落村"

// File statuses, as stored in the files table.
const (
	FileLoaded       = "loaded"       // rows are in the staging table
	FileFailed       = "failed"       // the file or sheet could not be read; nothing of it is loaded
	FileUnrecognised = "unrecognised" // the sheet matched no kind; reported and skipped
	FileCarried      = "carried"      // unchanged since the previous run; rows carried over
	FileIgnored      = "ignored"      // a sheet bidui itself wrote that holds no data (说明, 入户核实表 of a returned workbook)
)

// Sheet names of the village workbooks bidui exports, which come back as kind verification.
const (
	SheetFindings = "问题清单"
	SheetVisit    = "入户核实表" // the list regrouped by household, for paper: never read back
	SheetNotes    = "说明"
)

// The answers in 核实结果 of a returned village workbook, as its drop-down offers them.
const (
	VerifiedCorrected = "已修正"      // the village says it corrected the data
	VerifiedAccepted  = "情况属实无需修正" // the situation is real and needs no correction: the finding is waived
	VerifiedOther     = "其他"       // anything else, said in 核实说明: the finding stays as it is
)
