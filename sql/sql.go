// Package sql embeds the SQL files of bidui: schema migrations (schema/NNNN_name.sql, applied in order),
// the analysts' views (views/*.sql, created after the migrations), the rule catalogue (rules/*.sql, one
// file per rule with a metadata header, and the check table checks/*.toml) and the matching cascade (match/*.sql, run in name order). Import it under another name, e.g. biduisql, beside database/sql.
package sql

import (
	"embed"
	"io/fs"
)

//go:embed schema/*.sql
var schema embed.FS

//go:embed views/*.sql
var views embed.FS

//go:embed rules/*.sql
var rules embed.FS

//go:embed checks/*.toml
var checks embed.FS

//go:embed match/*.sql
var match embed.FS

// Schema returns the migrations, named NNNN_name.sql, at the root of the returned file system.
func Schema() fs.FS { return sub(schema, "schema") }

// Views returns the view definitions at the root of the returned file system.
func Views() fs.FS { return sub(views, "views") }

// Rules returns the rule files at the root of the returned file system.
func Rules() fs.FS { return sub(rules, "rules") }

// Checks returns the files of the check table (checks/<family>.toml, entries [[check]]) at the root of the
// returned file system.
func Checks() fs.FS { return sub(checks, "checks") }

// Match returns the statements of the matching cascade (package match runs them), NN_step.sql at the root of
// the returned file system.
func Match() fs.FS { return sub(match, "match") }

func sub(f embed.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the directory is embedded above; a failure here is a build defect
	}
	return s
}
