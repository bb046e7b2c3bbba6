package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
)

// header is what the report says about how it was measured.
type header struct {
	command, target, date, machine string
	reps                           int
}

// render formats the measurements as Markdown: the header, one table line per measurement with its ratio
// and its targets at fixtures size, and a count of the targets met.
func render(h header, size string, table []measurement) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\n")
	fmt.Fprintf(&b, "Command: `%s` (`%s`)  \n", h.command, h.target)
	fmt.Fprintf(&b, "Date: %s  \n", h.date)
	fmt.Fprintf(&b, "Machine: %s  \n", h.machine)
	fmt.Fprintf(&b, "Medians of %d runs, each in its own process; peak memory is the process's maximum resident set.\n\n", h.reps)
	fmt.Fprintln(&b, "| input | measurement | rows | seconds (median) | rows/s | peak MiB (median) | ratio | target |")
	fmt.Fprintln(&b, "|---|---|---:|---:|---:|---:|---:|---|")
	byName := map[string]measurement{}
	for _, m := range table {
		byName[m.format+"|"+m.what] = m
	}
	judged, met := 0, 0
	for _, m := range table {
		sec := m.median()
		rate := "-"
		if sec > 0 && m.rows > 0 {
			rate = fmt.Sprintf("%.0f", float64(m.rows)/sec)
		}
		rss := "-"
		if len(m.rssMiB) > 0 {
			rss = fmt.Sprintf("%.0f", median(m.rssMiB))
		}
		j := judge(size, m.format, m.what)
		var baseSec float64
		if base, ok := byName[m.format+"|"+j.base]; ok && j.base != "" {
			baseSec = base.median()
		}
		ratio, verdict, ok := j.verdicts(sec, baseSec, median(m.rssMiB), len(m.rssMiB) > 0)
		if verdict != "" {
			judged++
			if ok {
				met++
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %.2f | %s | %s | %s | %s |\n", m.format, m.what, m.rows, sec, rate, rss, ratio, verdict)
	}
	fmt.Fprintf(&b, "\nMeasurements meeting all their targets: %d of %d (the targets are in cmd/bidui-bench/targets.go).\n", met, judged)
	return b.String()
}

// machine describes the machine: cores, processor, memory, OS and Go version.
func machine() string {
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "MemTotal:") {
				var kb int64
				fmt.Sscan(strings.TrimSpace(strings.TrimPrefix(l, "MemTotal:")), &kb)
				mem = fmt.Sprintf(", %.1f GiB memory", float64(kb)/(1<<20))
			}
		}
	}
	cpu := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				_, v, _ := strings.Cut(l, ":")
				cpu = ", " + strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%d cores%s%s, %s/%s, %s", runtime.NumCPU(), cpu, mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// A measurement is one line of the report: what was measured on which input format, the rows it handled,
// and the seconds and peak memory of each repetition.
type measurement struct {
	format, what string
	rows         int64
	seconds      []float64
	rssMiB       []float64 // empty for a stage, which has no process of its own
}

func (m measurement) median() float64 { return median(m.seconds) }

// add records one repetition of a measurement that ran in a process of its own.
func (m *measurement) add(rows int64, seconds, rssMiB float64) {
	m.rows = rows
	m.seconds, m.rssMiB = append(m.seconds, seconds), append(m.rssMiB, rssMiB)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
