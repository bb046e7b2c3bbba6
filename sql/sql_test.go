package sql_test

import (
	"context"
	dbsql "database/sql"
	"math/rand/v2"
	"testing"

	"github.com/bidui/bidui"
	biduisql "github.com/bidui/bidui/sql"
	_ "github.com/duckdb/duckdb-go/v2"
)

func migrated(t *testing.T) *dbsql.DB {
	t.Helper()
	db, err := dbsql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := biduisql.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestMigrateTwiceIsANoOp(t *testing.T) {
	db := migrated(t)
	if err := biduisql.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	var n, max int
	if err := db.QueryRow(`SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &max); err != nil {
		t.Fatal(err)
	}
	ms, err := biduisql.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if n != len(ms) || max != biduisql.LatestVersion() {
		t.Errorf("schema_migrations has %d rows up to %d; want %d up to %d", n, max, len(ms), biduisql.LatestVersion())
	}
	if ms[0].Name != "core" {
		t.Errorf("first migration named %q, want core", ms[0].Name)
	}
}

// TestIDValidMacroAgreesWithGo checks the id_valid SQL macro against bidui.ValidID on valid IDs and on
// every kind of damage: one digit changed, two swapped, lower-case x, wrong length, impossible dates.
func TestIDValidMacroAgreesWithGo(t *testing.T) {
	db := migrated(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var ids []string
	for i := 0; i < 2000; i++ {
		first17 := []byte("370323")
		y, m, d := 1900+rng.IntN(125), 1+rng.IntN(12), 1+rng.IntN(31)
		first17 = append(first17, []byte(pad(y, 4)+pad(m, 2)+pad(d, 2)+pad(rng.IntN(1000), 3))...)
		c, _ := bidui.IDCheckChar(string(first17))
		id := []byte(string(first17) + string(c))
		switch i % 6 {
		case 1:
			p := rng.IntN(18)
			id[p] = byte('0' + (int(id[p]-'0')+1+rng.IntN(8))%10)
		case 2:
			p := rng.IntN(17)
			id[p], id[p+1] = id[p+1], id[p]
		case 3:
			if id[17] == 'X' {
				id[17] = 'x'
			}
		case 4:
			id = id[:15+rng.IntN(5)]
		}
		ids = append(ids, string(id))
	}
	ids = append(ids, "", "XXXXXXXXXXXXXXXXXX", "37032319800101123 ", "-37032319800101123", "3703231980010112３4", "中华人民共和国居民身份证号码十八位", "a")
	for _, id := range ids {
		var got bool
		if err := db.QueryRow(`SELECT id_valid(?)`, id).Scan(&got); err != nil {
			t.Fatalf("id_valid(%q): %v", id, err)
		}
		if want := bidui.ValidID(id); got != want {
			t.Errorf("id_valid(%q) = %v, ValidID = %v", id, got, want)
		}
	}
	var null bool
	if err := db.QueryRow(`SELECT id_valid(NULL)`).Scan(&null); err != nil || null {
		t.Errorf("id_valid(NULL) = %v, %v; want false", null, err)
	}
}

func pad(n, width int) string {
	s := ""
	for i := 0; i < width; i++ {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}
