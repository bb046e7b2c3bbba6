package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bidui/bidui"
	"github.com/bidui/bidui/rules"
	biduisql "github.com/bidui/bidui/sql"
)

const rulesUsage = `
Usage: bidui rules [-v] [--category 部门比对|研判程序|数据质量]

Lists the rules built into this bidui (the .sql rules and the check table alike): code, title, category,
severity, the source kinds each needs (it is skipped when one is missing or failed) and the action it asks
for. -v adds the condition, the policy basis and the national numbers it covers. --category lists one
category only.

Examples:
  bidui rules
  bidui rules -v
  bidui rules --category 数据质量
`

func runRules(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "rules", rulesUsage)
	verbose := fs.Bool("v", false, "show each rule's condition and basis")
	category := fs.String("category", "", "list only the rules of this category: "+strings.Join(rules.Categories, ", "))
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	*category = strings.TrimSpace(*category)
	if *category != "" && !slices.Contains(rules.Categories, *category) {
		return usagef("rules: --category %q is not one of %s", *category, strings.Join(rules.Categories, ", "))
	}
	catalogue, err := rules.LoadCatalogue(biduisql.Rules(), biduisql.Checks())
	if err != nil {
		return err
	}
	if *category != "" {
		catalogue = slices.DeleteFunc(catalogue, func(r rules.Rule) bool { return r.Category != *category })
	}
	tw := newTable(e.stdout)
	fmt.Fprintln(tw, "code\ttitle\tcategory\tseverity\tlevel\tneeds\tuses\taction\t")
	for _, r := range catalogue {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Code, r.Title, r.Category, r.Severity, r.Level, kinds(r.Needs), kinds(r.Uses), r.Action)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if *verbose {
		for _, r := range catalogue {
			file := "sql/rules/" + r.File
			if r.Input != "" {
				file = "sql/checks/" + r.File
			}
			fmt.Fprintf(e.stdout, "\n%s %s\n  类别：%s\n  条件：%s\n  依据：%s\n", r.Code, r.Title, r.Category, r.Description, r.Basis)
			if len(r.NationalCodes) > 0 {
				fmt.Fprintf(e.stdout, "  国家疑点编号：%s\n", strings.Join(r.NationalCodes, "、"))
			}
			fmt.Fprintf(e.stdout, "  文件：%s\n", file)
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
