package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/bidui/bidui"
	"github.com/bidui/bidui/rules"
	biduisql "github.com/bidui/bidui/sql"
)

const rulesUsage = `
Usage: bidui rules [-v]

Lists the rules built into this bidui: code, title, severity, the source kinds each needs (it is skipped
when one is missing or failed) and the action it asks for. -v adds the condition and the policy basis.

Examples:
  bidui rules
  bidui rules -v
`

func runRules(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "rules", rulesUsage)
	verbose := fs.Bool("v", false, "show each rule's condition and basis")
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	catalogue, err := rules.LoadCatalogue(biduisql.Rules(), biduisql.Checks())
	if err != nil {
		return err
	}
	tw := newTable(e.stdout)
	fmt.Fprintln(tw, "code\ttitle\tseverity\tlevel\tneeds\tuses\taction\t")
	for _, r := range catalogue {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Code, r.Title, r.Severity, r.Level, kinds(r.Needs), kinds(r.Uses), r.Action)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if *verbose {
		for _, r := range catalogue {
			fmt.Fprintf(e.stdout, "\n%s %s\n  条件：%s\n  依据：%s\n  文件：sql/rules/%s\n", r.Code, r.Title, r.Description, r.Basis, r.File)
		}
	}
	return nil
}

func kinds(ks []bidui.Kind) string {
	if len(ks) == 0 {
		return "-"
	}
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ",")
}
