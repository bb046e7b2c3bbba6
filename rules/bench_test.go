package rules

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkRules runs the whole catalogue on a synthetic town of 400 000 gs persons (100 000 households) with
// their department rows; one op is one Run (every rule into rule_hits). The slowest rules of the last run are
// logged with -v.
func BenchmarkRules(b *testing.B) {
	db := benchDB(b)
	synthTown(b, db, benchPersons)
	rs := loadCatalogue(b)
	params := testParams("2023-06-10")
	log := slog.New(slog.DiscardHandler)
	var outcomes []Outcome
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		var err error
		outcomes, err = Run(context.Background(), db, rs, Availability{}, params, int64(i+1), log)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	sort.Slice(outcomes, func(i, j int) bool { return outcomes[i].Duration > outcomes[j].Duration })
	var parts []string
	for _, o := range outcomes {
		if o.Status != Ran {
			b.Fatalf("%s %s: %s", o.Rule.Code, o.Status, o.Reason)
		}
		parts = append(parts, fmt.Sprintf("%s %dms/%d", o.Rule.Code, o.Duration.Milliseconds(), o.Findings))
	}
	b.Logf("rules (time/findings): %s", strings.Join(parts, ", "))
}

// benchDB is testDB spilling to a temporary directory of the benchmark, not to .tmp beside the package.
func benchDB(b *testing.B) *sql.DB {
	db := testDB(b)
	// SET takes no bound parameters; the path is the benchmark's own temporary directory.
	if _, err := db.Exec(fmt.Sprintf(`SET temp_directory = '%s'`, strings.ReplaceAll(b.TempDir(), "'", "''"))); err != nil {
		b.Fatal(err)
	}
	return db
}

// benchPersons is the size of the benchmarks' town; BIDUI_BENCH_PERSONS overrides it.
var benchPersons = func() int {
	if n, err := strconv.Atoi(os.Getenv("BIDUI_BENCH_PERSONS")); err == nil && n > 0 {
		return n
	}
	return 400_000
}()

// BenchmarkSettle settles the findings of the whole catalogue on the same town, run after run.
func BenchmarkSettle(b *testing.B) {
	db := benchDB(b)
	synthTown(b, db, benchPersons)
	rs := loadCatalogue(b)
	outcomes, err := Run(context.Background(), db, rs, Availability{}, testParams("2023-06-10"), 1, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		if _, err := db.Exec(`INSERT INTO runs (run_id, started_at, as_of, status) VALUES (?, now(), DATE '2023-06-10', 'ok')`, i+1); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := SettleRun(context.Background(), db, int64(i+1), mustDay("2023-06-10"), outcomes); err != nil {
			b.Fatal(err)
		}
	}
}
