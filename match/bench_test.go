package match

import (
	"testing"
)

// benchSetup fills a county-sized set of staging tables in SQL: 200 000 gs persons, 150 000 medical rows,
// 30 000 dibao rows and 20 000 education rows about them (400 000 rows), with one department row in 25
// damaged: swapped digits, one wrong digit, the 15-digit form, Excel's E+17, a missing ID, or a homophone name.
const benchSetup = `
CREATE MACRO bench_id(i) AS '370323' || strftime(DATE '1940-01-01' + (i % 25000)::INTEGER, '%Y%m%d')
    || lpad(((i // 25000) * 111 + 7)::VARCHAR, 3, '0');
CREATE MACRO bench_valid(f) AS f || substr('10X98765432',
    (list_sum(list_transform(range(17), j -> substr(f, j + 1, 1)::INTEGER * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][j + 1])) % 11)::BIGINT + 1, 1);
CREATE MACRO bench_name(i) AS ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '高', '罗'][i % 20 + 1]
    || ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞', '平',
        '刚', '桂', '英', '华', '玉', '兰', '文', '辉', '建', '国', '红', '云', '海', '燕', '林', '峰', '飞', '鹏', '亮', '欣'][(i // 20) % 40 + 1]
    || ['', '华', '明', '兰', '梅', '宇', '晨', '婷', '浩', '然'][(i // 800) % 10 + 1];
CREATE TABLE bench_people AS SELECT i, bench_valid(bench_id(i)) AS id, bench_name(i) AS name, 'V' || (i % 300) AS village
    FROM range(200000) t(i);
INSERT INTO src_gs (file_id, row_no, name, id_raw, id_number, village, household_no)
    SELECT 1, i + 2, name, id, id, village, 'H' || (i // 4) FROM bench_people;
CREATE TABLE bench_rows AS
    SELECT r, p.id, p.name, p.village, r % 25 AS damage
    FROM range(200000) t(r) JOIN bench_people p ON p.i = (r * 7919) % 200000;
CREATE MACRO bench_damaged(id, damage) AS CASE damage
    WHEN 0 THEN substr(id, 1, 8) || substr(id, 10, 1) || substr(id, 9, 1) || substr(id, 11)
    WHEN 1 THEN substr(id, 1, 11) || ((substr(id, 12, 1)::INTEGER + 1) % 10)::VARCHAR || substr(id, 13)
    WHEN 2 THEN substr(id, 1, 6) || substr(id, 9, 9)
    WHEN 3 THEN substr(id, 1, 1) || '.' || substr(id, 2, 14) || 'E+17'
    WHEN 4 THEN NULL
    ELSE id END;
INSERT INTO src_medical (file_id, row_no, name, id_raw, id_number)
    SELECT 2, r + 2, CASE WHEN damage = 5 THEN replace(replace(name, '明', '鸣'), '华', '桦') ELSE name END,
           bench_damaged(id, damage), CASE WHEN damage = 3 THEN NULL ELSE bench_damaged(id, damage) END
    FROM bench_rows WHERE r < 150000;
INSERT INTO src_dibao (file_id, row_no, name, id_raw, id_number, village)
    SELECT 3, r + 2, name, bench_damaged(id, damage), CASE WHEN damage = 3 THEN NULL ELSE bench_damaged(id, damage) END, village
    FROM bench_rows WHERE r >= 150000 AND r < 180000;
INSERT INTO src_education (file_id, row_no, name, id_raw, id_number)
    SELECT 4, r + 2, name, bench_damaged(id, damage), CASE WHEN damage = 3 THEN NULL ELSE bench_damaged(id, damage) END
    FROM bench_rows WHERE r >= 180000;
DROP TABLE bench_rows; DROP TABLE bench_people;
`

// BenchmarkLink links 400 000 staging rows (see benchSetup) per iteration.
func BenchmarkLink(b *testing.B) {
	db := testDB(b)
	if _, err := db.Exec(benchSetup); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var st *Stats
	for i := 0; i < b.N; i++ {
		var err error
		if st, err = link(db); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(st.Persons), "persons")
	var linked int64
	for _, n := range st.ByMethod {
		linked += n
	}
	b.ReportMetric(float64(linked), "links")
	b.ReportMetric(400000*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
