package main

import (
	"fmt"
	"strings"

	"github.com/bidui/bidui/pipeline"
)

// The measurements, as named in the report's table.
const (
	floorCSV  = "floor: DuckDB read_csv (all_varchar) + exact-ID hash join to gs"
	floorXLSX = "floor: excelize streaming read"
	wholeRun  = "bidui run (whole)"
	rerun     = "bidui run, rerun on the unchanged inbox"
	// oneFileChanged is a run after which one department file came again with other bytes (changedInbox):
	// that file is parsed, the others carried, and matching and rules run again.
	oneFileChanged = "bidui run, one file changed"
)

// stage names the measurement of one stage of a whole run, from the run's summary.
func stage(name string) string { return "bidui stage " + name }

// floorOf is the floor measurement of an input format.
func floorOf(format string) string {
	if format == "xlsx" {
		return floorXLSX
	}
	return floorCSV
}

// A target is what one measurement is compared with: a ratio to another measurement of the same input format
// (its seconds divided by the base's) and the most it may reach, or a peak memory. An empty format or size
// applies to all. A ratio with no limit is shown in the table but not judged.
type target struct {
	format, size string
	what         string  // the measurement judged
	base         string  // the measurement it is divided by ("" for a memory target)
	maxRatio     float64 // 0: the ratio is shown only
	maxMiB       float64 // peak resident memory, median (0: none)
}

// targets are the performance targets, in one place. The ratios are against the floor of the same format
// (what reading the files at all costs on this machine), so that they hold on a faster or slower machine.
// A rerun on an unchanged inbox must be a small part of a first run: it parses nothing.
var targets = []target{
	{format: "csv", size: "county", what: wholeRun, base: floorCSV, maxRatio: 2.0},
	{format: "csv", what: wholeRun, base: floorCSV},
	{format: "csv", what: stage(pipeline.StageImport), base: floorCSV},
	{format: "csv", size: "county", what: stage(pipeline.StageMatch), base: floorCSV, maxRatio: 0.5},
	{format: "csv", size: "county", what: stage(pipeline.StageRules), base: floorCSV, maxRatio: 0.5},
	{format: "xlsx", what: stage(pipeline.StageImport), base: floorXLSX, maxRatio: 1.0},
	{what: rerun, base: wholeRun, maxRatio: 0.15},
	{what: oneFileChanged, base: wholeRun, maxRatio: 0.4},
	{size: "county", what: wholeRun, maxMiB: 1024},
	{size: "city", what: wholeRun, maxMiB: 4096},
}

// judgement is what the targets say about one measurement: the ratio shown (base "" when none) and the
// limits that apply at this size.
type judgement struct {
	base     string
	maxRatio float64
	maxMiB   float64
}

// judge looks up the targets of measurement what, on input format at fixtures size. A ratio is shown at
// every size a target names it for; its limit applies only at the target's size.
func judge(size, format, what string) judgement {
	var j judgement
	for _, t := range targets {
		if t.what != what || (t.format != "" && t.format != format) {
			continue
		}
		if t.base != "" && j.base == "" {
			j.base = t.base
		}
		if t.size != "" && t.size != size {
			continue
		}
		if t.maxRatio > 0 && t.base == j.base {
			j.maxRatio = t.maxRatio
		}
		if t.maxMiB > 0 {
			j.maxMiB = t.maxMiB
		}
	}
	return j
}

// verdicts renders the ratio of a measurement to its base and whether its targets are met: ratio is "" when
// it has none; met is false when any target is missed.
func (j judgement) verdicts(seconds, baseSeconds, peakMiB float64, hasPeak bool) (ratio, verdict string, met bool) {
	met = true
	var parts []string
	if j.base != "" && baseSeconds > 0 {
		x := seconds / baseSeconds
		ratio = fmt.Sprintf("%.2f× %s", x, shortName(j.base))
		if j.maxRatio > 0 {
			ok := x <= j.maxRatio
			met = met && ok
			parts = append(parts, fmt.Sprintf("≤ %.2f×: %s", j.maxRatio, metWord(ok)))
		}
	}
	if j.maxMiB > 0 && hasPeak {
		ok := peakMiB <= j.maxMiB
		met = met && ok
		parts = append(parts, fmt.Sprintf("peak ≤ %.1f GiB: %s", j.maxMiB/1024, metWord(ok)))
	}
	return ratio, strings.Join(parts, "; "), met
}

func metWord(met bool) string {
	if met {
		return "met"
	}
	return "NOT met"
}

// shortName is how a ratio's base is named in the table.
func shortName(what string) string {
	switch what {
	case floorCSV:
		return "DuckDB floor"
	case floorXLSX:
		return "excelize floor"
	}
	return what
}
