package sql

import (
	"context"
	dbsql "database/sql"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// A Migration is one numbered schema file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations in version order. It fails when a file name does not start with
// a number or two files share one.
func Migrations() ([]Migration, error) {
	return readMigrations(Schema())
}

func readMigrations(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	seen := map[int]string{}
	for _, name := range names {
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", name)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migration %s: version %d already used by %s", name, v, other)
		}
		seen[v] = name
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: strings.TrimSuffix(path.Base(name[len(num)+1:]), ".sql"), SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// LatestVersion is the version of the newest embedded migration.
func LatestVersion() int {
	ms, err := Migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// Migrate applies the embedded migrations that db has not recorded yet, each in its own transaction and
// recorded in schema_migrations, then (re)creates the views. A migration that fails is rolled back and
// stops Migrate with an error naming it; nothing after it is applied.
func Migrate(ctx context.Context, db *dbsql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var current int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	ms, err := Migrations()
	if err != nil {
		return err
	}
	if n := len(ms); n > 0 && current > ms[n-1].Version {
		return fmt.Errorf("database schema version %d is newer than this bidui knows (%d): upgrade bidui", current, ms[n-1].Version)
	}
	for _, m := range ms {
		if m.Version <= current {
			continue
		}
		if err := apply(ctx, db, m); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	return CreateViews(ctx, db)
}

func apply(ctx context.Context, db *dbsql.DB, m Migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name); err != nil {
		return err
	}
	return tx.Commit()
}

// CreateViews creates or replaces every embedded view, in file name order; a file that reads what a later
// file defines (checks.sql reads rule_inputs.sql's rule_gs) is run again after the others, until every file
// has run or a round makes no progress (then the first file's error is returned). Every statement of a view
// file is CREATE OR REPLACE or IF NOT EXISTS, so running one again is harmless.
func CreateViews(ctx context.Context, db *dbsql.DB) error {
	names, err := fs.Glob(Views(), "*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for len(names) > 0 {
		var later []string
		var first error
		for _, name := range names {
			body, err := fs.ReadFile(Views(), name)
			if err != nil {
				return err
			}
			if _, err := db.ExecContext(ctx, string(body)); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if first == nil {
					first = fmt.Errorf("view %s: %w", name, err)
				}
				later = append(later, name)
			}
		}
		if len(later) == len(names) {
			return first
		}
		names = later
	}
	return nil
}
