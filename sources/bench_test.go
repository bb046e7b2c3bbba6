package sources

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	biduisql "github.com/bidui/bidui/sql"
	"github.com/xuri/excelize/v2"
)

// benchRows is the size of the 全国系统 export the import benchmarks read: a large town.
const benchRows = 20000

var benchHeader = []string{"县", "乡镇", "行政村", "户编号", "人口编号", "姓名", "证件号码", "性别", "与户主关系",
	"出生日期", "户类型", "监测对象类别", "风险是否消除", "识别监测时间", "人均纯收入", "致贫/返贫风险1", "产业帮扶",
	"就业帮扶", "是否参加城乡居民基本医疗保险", "备注"}

// benchRow returns the i-th person of the generated export.
func benchRow(i int) []string {
	birth := fmt.Sprintf("19%02d%02d%02d", 40+i%60, 1+i%12, 1+i%28)
	hh := i / 4
	monitored, eliminated := "", ""
	if hh%10 == 0 {
		monitored, eliminated = "脱贫不稳定户", "否"
	}
	return []string{"某县", "某镇", fmt.Sprintf("%d村", hh%20), fmt.Sprintf("37032300100%07d", hh),
		fmt.Sprintf("37032300100%07d%d", hh, i%4+1), fmt.Sprintf("张%d", i), testID(birth, 100+i%800),
		[]string{"男", "女"}[i%2], []string{"户主", "配偶", "之子", "之女"}[i%4], birth[:4] + "-" + birth[4:6] + "-" + birth[6:],
		"脱贫户", monitored, eliminated, "202305", "12,345.6", "因病", "种植", "", "是", ""}
}

// benchFiles writes the export as xlsx and as UTF-8 CSV (the form DuckDB's read_csv reads natively).
func benchFiles(b *testing.B) (xlsxPath, csvPath string) {
	b.Helper()
	dir := b.TempDir()
	xlsxPath = filepath.Join(dir, "gs.xlsx")
	csvPath = filepath.Join(dir, "gs.csv")

	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	row := func(cells []string) []any {
		out := make([]any, len(cells))
		for i, c := range cells {
			out[i] = c
		}
		return out
	}
	if err := sw.SetRow("A1", row(benchHeader)); err != nil {
		b.Fatal(err)
	}
	cf, err := os.Create(csvPath)
	if err != nil {
		b.Fatal(err)
	}
	w := csv.NewWriter(cf)
	if err := w.Write(benchHeader); err != nil {
		b.Fatal(err)
	}
	for i := range benchRows {
		r := benchRow(i)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row(r)); err != nil {
			b.Fatal(err)
		}
		if err := w.Write(r); err != nil {
			b.Fatal(err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		b.Fatal(err)
	}
	if err := cf.Close(); err != nil {
		b.Fatal(err)
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(xlsxPath); err != nil {
		b.Fatal(err)
	}
	_ = f.Close()
	return xlsxPath, csvPath
}

func benchDB(b *testing.B) *sql.DB {
	b.Helper()
	db, err := sql.Open("duckdb", filepath.Join(b.TempDir(), "bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := biduisql.Migrate(context.Background(), db); err != nil {
		b.Fatal(err)
	}
	return db
}

// benchImport loads path b.N times (the staging table emptied between loads, outside the timer).
func benchImport(b *testing.B, path string) {
	db := benchDB(b)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	var id int64
	b.ResetTimer()
	for range b.N {
		results, err := Load(ctx, conn, path, func() int64 { id++; return id }, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(results) != 1 || results[0].RowsLoaded != benchRows {
			b.Fatalf("results %+v", results)
		}
		b.StopTimer()
		if _, err := conn.ExecContext(ctx, `DELETE FROM src_gs; DELETE FROM rejects`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkImportXLSX: the whole import of an xlsx export (read, detect, normalise, append).
func BenchmarkImportXLSX(b *testing.B) {
	xlsxPath, _ := benchFiles(b)
	benchImport(b, xlsxPath)
}

// BenchmarkImportCSV: the whole import of the same export as CSV.
func BenchmarkImportCSV(b *testing.B) {
	_, csvPath := benchFiles(b)
	benchImport(b, csvPath)
}

// BenchmarkReadExcelize is the floor under BenchmarkImportXLSX: excelize's row iterator over the same
// file, doing nothing with the rows.
func BenchmarkReadExcelize(b *testing.B) {
	xlsxPath, _ := benchFiles(b)
	b.ResetTimer()
	for range b.N {
		f, err := excelize.OpenFile(xlsxPath, excelize.Options{RawCellValue: true})
		if err != nil {
			b.Fatal(err)
		}
		rows, err := f.Rows("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			if _, err := rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
				b.Fatal(err)
			}
			n++
		}
		_ = rows.Close()
		_ = f.Close()
		if n != benchRows+1 {
			b.Fatalf("%d rows", n)
		}
	}
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReadDuckDBCSV is the floor under BenchmarkImportCSV: DuckDB's read_csv of the same file into a
// table, every column as text.
func BenchmarkReadDuckDBCSV(b *testing.B) {
	_, csvPath := benchFiles(b)
	db := benchDB(b)
	ctx := context.Background()
	conn, err := db.Conn(ctx) // the temporary table lives on one connection
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	b.ResetTimer()
	for range b.N {
		var n int64
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE raw AS
			SELECT * FROM read_csv(?, all_varchar = true, header = true)`, csvPath); err != nil {
			b.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM raw`).Scan(&n); err != nil {
			b.Fatal(err)
		}
		if n != benchRows {
			b.Fatalf("%d rows", n)
		}
	}
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
