package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestDeathStrictLink runs bidui on a 全国系统 export and a 公安 death list in which four people died long
// before as_of: 赵大 by his exact ID and name; 冯八 with one digit of his ID wrong; 陈九 without an ID (the only
// 陈九 of his village); 郑七's exact ID under another name. Only 赵大 is reported by SW-01. 冯八's and 陈九's rows
// are not linked but sent to match_review naming the person they may be; 郑七's row stays linked (ID-03's
// business) without being taken for a death.
func TestDeathStrictLink(t *testing.T) {
	cfg := site(t)
	id := func(name string) string { return expandID("@" + name).(string) }
	feng := id("feng")
	fengWrong := feng[:14] + string('0'+(feng[14]-'0'+1)%10) + feng[15:] // the check digit no longer fits
	gs := "县,乡镇,村,户编号,姓名,证件号码,与户主关系\n" +
		"某县,某镇,东村,G1,赵大," + id("zhao") + ",户主\n" +
		"某县,某镇,东村,G2,冯八," + feng + ",户主\n" +
		"某县,某镇,西村,G3,陈九," + id("chen") + ",户主\n" +
		"某县,某镇,西村,G4,郑七," + id("zheng") + ",户主\n"
	deaths := "XX县死亡注销户口人员\n姓名,身份证号,村,注销户口日期,注销原因\n" +
		"赵大," + id("zhao") + ",东村,2023-01-05,死亡\n" +
		"冯八," + fengWrong + ",东村,2023-01-05,死亡\n" +
		"陈九,,西村,2023-01-05,死亡\n" +
		"王小明," + id("zheng") + ",西村,2023-01-05,死亡\n"
	for name, body := range map[string]string{"全国系统.csv": gs, "公安_死亡名单.csv": deaths} {
		if err := os.WriteFile(filepath.Join(cfg.Inbox, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Run(context.Background(), cfg, Options{}); err != nil && !errors.Is(err, ErrPartial) {
		t.Fatal(err)
	}
	var got string
	execQuery(t, cfg.DB, `SELECT string_agg(name || '：' || detail, '；' ORDER BY name) FROM findings WHERE rule = 'SW-01'`, &got)
	if want := "赵大：公安死亡名单：2023-01-05注销户口；全国系统：仍在册，人员状态空白"; got != want {
		t.Errorf("SW-01 findings: %q, want %q", got, want)
	}
	execQuery(t, cfg.DB, `SELECT string_agg(d.name || '→' || p.name || '：' || r.reason, '；' ORDER BY d.row_no)
		FROM match_review r JOIN src_death d USING (file_id, row_no) JOIN persons p ON [p.person_key] = r.candidates
		WHERE r.kind = 'death'`, &got)
	if want := "冯八→冯八：死亡名单按纠正后的证件号码可能是此人（证件号码第15位与全国系统不同，姓名一致（冯八））；" +
		"死亡信息只按证件号码完全一致且姓名一致的记录认定，请核对后由来源单位更正；" +
		"陈九→陈九：死亡名单仅凭姓名可能是此人（无有效证件号码，同村，该姓名在已知人员中唯一，姓名一致（陈九））；" +
		"死亡信息只按证件号码完全一致且姓名一致的记录认定，请核对后由来源单位更正"; got != want {
		t.Errorf("death rows in match_review:\n got %q\nwant %q", got, want)
	}
	execQuery(t, cfg.DB, `SELECT string_agg(d.name || '|' || l.method || '|' || r.strict, '；' ORDER BY d.row_no)
		FROM links l JOIN src_death d USING (file_id, row_no) JOIN rule_death r USING (file_id, row_no) WHERE l.kind = 'death'`, &got)
	if want := "赵大|exact_id|true；王小明|exact_id|false"; got != want {
		t.Errorf("linked death rows (name|method|strict): %q, want %q", got, want)
	}
	execQuery(t, cfg.DB, `SELECT string_agg(rule || '：' || detail, '；' ORDER BY rule) FROM findings WHERE name = '郑七'`, &got)
	if want := "ID-03：同一证件号码登记的姓名：全国系统「郑七」，死亡名单「王小明」"; got != want {
		t.Errorf("findings on 郑七: %q, want %q", got, want)
	}
}
