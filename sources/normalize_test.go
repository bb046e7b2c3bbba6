package sources

import (
	"testing"
	"time"
)

func TestNormalizeID(t *testing.T) {
	id := testID("19800101", 121)
	idX := testIDX("19800101", 100)
	idXLower := idX[:17] + "x"
	fullWidth := toFullWidth(idXLower)
	tests := []struct {
		name, raw, want, reason string
	}{
		{"plain", id, id, ""},
		{"blank", "", "", ""},
		{"spaces only", " \u3000 ", "", ""},
		{"surrounding white space", " \t" + id + "\u00a0", id, ""},
		{"inner spaces", id[:6] + " " + id[6:14] + "\u3000" + id[14:], id, ""},
		{"line break inside", id[:9] + "\n" + id[9:], id, ""},
		{"lower-case x", idXLower, idX, ""},
		{"full-width digits and x", fullWidth, idX, ""},
		{"formula wrapper", `="` + id + `"`, id, ""},
		{"formula without quotes", "=" + id, id, ""},
		{"leading apostrophe", "'" + id, id, ""},
		{"curly apostrophe", "‘" + id, id, ""},
		{"quoted", `"` + id + `"`, id, ""},
		{"zero fraction from a tool", id + ".0", id, ""},
		{"disability card, 20 chars", id + "11", id, ""},
		{"disability card, 22 chars", idX + "4201", idX, ""},
		{"disability card, lower x", idXLower + "21", idX, ""},
		{"Excel scientific", "3.70323198001011E+17", "", ReasonIDExcelRounded},
		{"Excel scientific, lower e", "3.70323198001011e+17", "", ReasonIDExcelRounded},
		{"Excel scientific, no plus", "3.70323198001011E17", "", ReasonIDExcelRounded},
		{"15 digits and 000", id[:15] + "000", "", ReasonIDExcelRounded},
		{"15-digit old ID in exact E notation (Apache POI)", "3.70323800101123E14", "370323800101123", ""},
		{"Excel's display of a 15-digit number", "3.70323E+14", "", ReasonIDExcelRounded},
		{"a real ID ending in 000 stays", realIDEnding000(t), realIDEnding000(t), ""},
		{"15-digit old ID kept for matching", "370323800101121", "370323800101121", ""},
		{"passport kept as evidence", "E12345678", "E12345678", ""},
		{"typo kept as evidence", "37032319800101", "37032319800101", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, reason := normalizeID(tc.raw)
			if got != tc.want || reason != tc.reason {
				t.Errorf("normalizeID(%q) = %q, %q; want %q, %q", tc.raw, got, reason, tc.want, tc.reason)
			}
		})
	}
}

// realIDEnding000 finds a valid ID whose last three characters are 000 (sequence x00, check character 0).
func realIDEnding000(t *testing.T) string {
	for _, birth := range []string{"19800101", "19800102", "19800103", "19800104", "19800105", "19800106",
		"19800107", "19800108", "19800109", "19800110", "19800111", "19800112", "19800113"} {
		for seq := 100; seq < 1000; seq += 100 {
			if id := testID(birth, seq); id[15:] == "000" {
				return id
			}
		}
	}
	t.Fatal("no valid ID ending in 000 among the tried ones")
	return ""
}

func TestParseDate(t *testing.T) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		raw       string
		want      time.Time
		precision string
		ok        bool
	}{
		{"2023-05-12", day(2023, 5, 12), PrecisionDay, true},
		{"2023/5/12", day(2023, 5, 12), PrecisionDay, true},
		{"2023/05/02", day(2023, 5, 2), PrecisionDay, true},
		{"20230512", day(2023, 5, 12), PrecisionDay, true},
		{"2023.5.12", day(2023, 5, 12), PrecisionDay, true},
		{"2023年5月12日", day(2023, 5, 12), PrecisionDay, true},
		{"2023年5月12号", day(2023, 5, 12), PrecisionDay, true},
		{"2023年5月12", day(2023, 5, 12), PrecisionDay, true},
		{" 2023 年 5 月 12 日 ", day(2023, 5, 12), PrecisionDay, true},
		{"２０２３－０５－１２", day(2023, 5, 12), PrecisionDay, true},
		{"202305", day(2023, 5, 1), PrecisionMonth, true},
		{"2023-05", day(2023, 5, 1), PrecisionMonth, true},
		{"2023/5", day(2023, 5, 1), PrecisionMonth, true},
		{"2023.05", day(2023, 5, 1), PrecisionMonth, true},
		{"2023年5月", day(2023, 5, 1), PrecisionMonth, true},
		{"45058", day(2023, 5, 12), PrecisionDay, true},      // Excel serial
		{"45058.4375", day(2023, 5, 12), PrecisionDay, true}, // serial with a time of day
		{"29221", day(1980, 1, 1), PrecisionDay, true},       // serial
		{"59", day(1900, 2, 28), PrecisionDay, true},         // before Excel's phantom leap day
		{"61", day(1900, 3, 1), PrecisionDay, true},          // after it
		{"2023-05-12 10:20:30", day(2023, 5, 12), PrecisionDay, true},
		{"2023-05-12T10:20:30", day(2023, 5, 12), PrecisionDay, true},
		{"2023/5/12 8:05", day(2023, 5, 12), PrecisionDay, true},
		{"2023-05-12 10:20:30.5", day(2023, 5, 12), PrecisionDay, true},
		{"2024-02-29", day(2024, 2, 29), PrecisionDay, true},
		{"2023-05-12T00:00:00.000Z", day(2023, 5, 12), PrecisionDay, true},
		{"2023-05-12T10:20:30+08:00", day(2023, 5, 12), PrecisionDay, true},
		{"20230512102030", day(2023, 5, 12), PrecisionDay, true}, // a system's timestamp
		{"20230512256000", time.Time{}, "", false},
		{"", time.Time{}, "", true},
		{"  ", time.Time{}, "", true},
		{"-", time.Time{}, "", true},
		{"/", time.Time{}, "", true},
		{"——", time.Time{}, "", true},
		{"2023-02-29", time.Time{}, "", false},
		{"2023/02/30", time.Time{}, "", false},
		{"1982-13-45", time.Time{}, "", false},
		{"2021年3月32日", time.Time{}, "", false},
		{"202313", time.Time{}, "", false},
		{"2023", time.Time{}, "", false}, // a year is not serial 2023
		{"60", time.Time{}, "", false},   // 1900-02-29 never was
		{"0", time.Time{}, "", false},
		{"上周", time.Time{}, "", false},
		{"6月15日", time.Time{}, "", false}, // no year
		{"6.12", time.Time{}, "", false},  // a month and a day, not serial 6
		{"0612", time.Time{}, "", false},  // likewise, not serial 612
		{"6.5", time.Time{}, "", false},
		{"2023-05-12 下午", time.Time{}, "", false},
		{"12/05/2023", time.Time{}, "", false}, // day first is ambiguous: not guessed
	}
	for _, tc := range tests {
		got, precision, ok := parseDate(tc.raw)
		if !got.Equal(tc.want) || precision != tc.precision || ok != tc.ok {
			t.Errorf("parseDate(%q) = %s, %q, %v; want %s, %q, %v", tc.raw, got.Format("2006-01-02"), precision,
				ok, tc.want.Format("2006-01-02"), tc.precision, tc.ok)
		}
	}
}

func TestParseBool(t *testing.T) {
	tests := []struct {
		raw        string
		v, set, ok bool
	}{
		{"是", true, true, true}, {"否", false, true, true},
		{"√", true, true, true}, {"", false, false, true}, {" ", false, false, true},
		{"1", true, true, true}, {"0", false, true, true},
		{"Y", true, true, true}, {"N", false, true, true}, {"y", true, true, true}, {"n", false, true, true},
		{"Ｙ", true, true, true},
		{"有", true, true, true}, {"无", false, true, true},
		{"TRUE", true, true, true}, {"false", false, true, true},
		{"已消除", true, true, true}, {"未消除", false, true, true}, {"不是", false, true, true},
		{"×", false, true, true},
		{"是的吧", false, false, false}, {"可能", false, false, false}, {"2", false, false, false},
	}
	for _, tc := range tests {
		v, set, ok := parseBool(tc.raw)
		if v != tc.v || set != tc.set || ok != tc.ok {
			t.Errorf("parseBool(%q) = %v, %v, %v; want %v, %v, %v", tc.raw, v, set, ok, tc.v, tc.set, tc.ok)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		raw     string
		v       float64
		set, ok bool
	}{
		{"8000", 8000, true, true},
		{"8,000", 8000, true, true},
		{"1,234,567.89", 1234567.89, true, true},
		{"1200元", 1200, true, true},
		{"¥ 1,200", 1200, true, true},
		{"￥1200.50", 1200.5, true, true},
		{"５０", 50, true, true},
		{"１，２００．５", 1200.5, true, true},
		{" 200 元 ", 200, true, true},
		{"-35.5", -35.5, true, true},
		{"0", 0, true, true},
		{"", 0, false, true},
		{"-", 0, false, true},
		{"1.2万", 12000, true, true},
		{"0.7万元", 7000, true, true},
		{"万", 0, false, false},
		{"八千", 0, false, false},
		{"元", 0, false, false},
		{"NaN", 0, false, false},
		{"1e400", 0, false, false},
	}
	for _, tc := range tests {
		v, set, ok := parseNumber(tc.raw)
		if v != tc.v || set != tc.set || ok != tc.ok {
			t.Errorf("parseNumber(%q) = %v, %v, %v; want %v, %v, %v", tc.raw, v, set, ok, tc.v, tc.set, tc.ok)
		}
	}
}

func TestParseInteger(t *testing.T) {
	tests := []struct {
		raw     string
		v       int32
		set, ok bool
	}{
		{"2023", 2023, true, true},
		{"2023年", 2023, true, true},
		{"2023年度", 2023, true, true},
		{"3人", 3, true, true},
		{"3口", 3, true, true},
		{"３", 3, true, true},
		{"3.0", 3, true, true},
		{"", 0, false, true},
		{"二〇二三", 0, false, false},
		{"三", 0, false, false},
		{"3.5", 0, false, false},
		{"99999999999", 0, false, false},
	}
	for _, tc := range tests {
		v, set, ok := parseInteger(tc.raw)
		if v != tc.v || set != tc.set || ok != tc.ok {
			t.Errorf("parseInteger(%q) = %v, %v, %v; want %v, %v, %v", tc.raw, v, set, ok, tc.v, tc.set, tc.ok)
		}
	}
}

func TestParseYear(t *testing.T) {
	for _, tc := range []struct {
		raw     string
		v       int32
		set, ok bool
	}{
		{"2016", 2016, true, true},
		{"2016年", 2016, true, true},
		{"2016年度", 2016, true, true},
		{"42370", 2016, true, true}, // the serial of a date cell showing 2016/1/1
		{"2016-01-01", 2016, true, true},
		{"2016年1月", 2016, true, true},
		{"", 0, false, true},
		{"16", 0, false, false},
		{"3016", 0, false, false},
		{"去年", 0, false, false},
	} {
		v, set, ok := parseYear(tc.raw)
		if v != tc.v || set != tc.set || ok != tc.ok {
			t.Errorf("parseYear(%q) = %v, %v, %v; want %v, %v, %v", tc.raw, v, set, ok, tc.v, tc.set, tc.ok)
		}
	}
}

func TestEnumerations(t *testing.T) {
	tests := []struct {
		name    string
		e       *enumeration
		raw     string
		want    string
		set, ok bool
	}{
		{"status", statusEnum, "在保", "active", true, true},
		{"status", statusEnum, "正常", "active", true, true},
		{"status", statusEnum, "停保", "stopped", true, true},
		{"status", statusEnum, "退保", "stopped", true, true},
		{"status", statusEnum, "终止", "stopped", true, true},
		{"status", statusEnum, "注销", "stopped", true, true},
		{"status", statusEnum, " 在 保 ", "active", true, true},
		{"status", statusEnum, "", "", false, true},
		{"status", statusEnum, "保障中", "active", true, true},
		{"status", statusEnum, "停发", "stopped", true, true},
		{"status", statusEnum, "已取消", "stopped", true, true},
		{"status", statusEnum, "停保（迁出）", "stopped", true, true},
		{"status", statusEnum, "在保（分类施保）", "active", true, true},
		{"status", statusEnum, "迁出", "stopped", true, true},
		{"status", statusEnum, "死亡注销", "stopped", true, true},
		{"status", statusEnum, "保着", "", false, false},
		{"area", areaEnum, "农村", "农村", true, true},
		{"area", areaEnum, "城镇", "城市", true, true},
		{"insured", insuredEnum, "参保缴费", "insured", true, true},
		{"insured", insuredEnum, "正常参保", "insured", true, true},
		{"insured", insuredEnum, "正常", "insured", true, true},
		{"insured", insuredEnum, "暂停", "not_insured", true, true},
		{"insured", insuredEnum, "终止参保", "not_insured", true, true},
		{"insured", insuredEnum, "未参保", "not_insured", true, true},
		{"insured", insuredEnum, "中断", "not_insured", true, true},
		{"insured", insuredEnum, "已参保缴费", "insured", true, true},
		{"insured", insuredEnum, "未参加", "not_insured", true, true},
		{"insured", insuredEnum, "断保", "not_insured", true, true},
		{"insured", insuredEnum, "停止参保", "not_insured", true, true},
		{"insured", insuredEnum, "正常参保缴费", "insured", true, true},
		{"insured", insuredEnum, "正常缴费（已到账）", "insured", true, true},
		{"insured", insuredEnum, "参保(个人缴费)", "insured", true, true},
		{"insured", insuredEnum, "参保中断", "not_insured", true, true},
		{"insured", insuredEnum, "不知道", "", false, false},
		{"insurance type", insuranceTypeEnum, "城乡居民基本医疗保险", "resident", true, true},
		{"insurance type", insuranceTypeEnum, "职工基本医疗保险", "employee", true, true},
		{"insurance type", insuranceTypeEnum, "商业保险", "", false, false},
		{"enrollment", enrollmentEnum, "在读", "enrolled", true, true},
		{"enrollment", enrollmentEnum, "在校", "enrolled", true, true},
		{"enrollment", enrollmentEnum, "休学", "not_enrolled", true, true},
		{"enrollment", enrollmentEnum, "辍学", "not_enrolled", true, true},
		{"enrollment", enrollmentEnum, "毕业", "not_enrolled", true, true},
		{"enrollment", enrollmentEnum, "在籍在读", "enrolled", true, true},
		{"enrollment", enrollmentEnum, "在籍休学", "not_enrolled", true, true},
		{"enrollment", enrollmentEnum, "不好说", "", false, false},
		{"conclusion", conclusionEnum, "纳入监测", "include", true, true},
		{"conclusion", conclusionEnum, "拟纳入", "include", true, true},
		{"conclusion", conclusionEnum, "不纳入", "exclude", true, true},
		{"conclusion", conclusionEnum, "不符合", "exclude", true, true},
		{"conclusion", conclusionEnum, "不符合监测条件", "exclude", true, true},
		{"conclusion", conclusionEnum, "暂不纳入", "exclude", true, true},
		{"conclusion", conclusionEnum, "经研判，纳入监测", "include", true, true},
		{"conclusion", conclusionEnum, "建议纳入监测", "include", true, true},
		{"conclusion", conclusionEnum, "经研判不纳入", "exclude", true, true},
		{"conclusion", conclusionEnum, "待定", "", false, false},
		// A contained word written negated is its opposite (or unknown when the enumeration has none).
		{"conclusion", conclusionEnum, "未纳入", "exclude", true, true},
		{"conclusion", conclusionEnum, "没有纳入", "exclude", true, true},
		{"conclusion", conclusionEnum, "无需纳入", "exclude", true, true},
		{"conclusion", conclusionEnum, "暂缓纳入", "exclude", true, true},
		{"conclusion", conclusionEnum, "未予纳入", "exclude", true, true},
		{"conclusion", conclusionEnum, "取消纳入", "exclude", true, true},
		{"conclusion", conclusionEnum, "未纳入监测", "exclude", true, true},
		{"conclusion", conclusionEnum, "不拟纳入", "exclude", true, true},
		{"conclusion", conclusionEnum, "经核实无误纳入监测", "include", true, true},
		{"insured", insuredEnum, "非正常", "not_insured", true, true},
		{"insured", insuredEnum, "不正常", "not_insured", true, true},
		{"insured", insuredEnum, "未中断", "insured", true, true},
		{"insured", insuredEnum, "未停保", "insured", true, true},
		{"insured", insuredEnum, "未终止", "insured", true, true},
		{"insured", insuredEnum, "未参加医保", "not_insured", true, true},
		{"status", statusEnum, "未停保", "active", true, true},
		{"status", statusEnum, "取消停保", "active", true, true},
		{"status", statusEnum, "取消", "stopped", true, true},
		{"status", statusEnum, "取消低保", "stopped", true, true},
		{"enrollment", enrollmentEnum, "未在读", "", false, false},
		{"support mode", supportModeEnum, "分散供养", "分散供养", true, true},
		{"support mode", supportModeEnum, "分 散 供 养", "分散供养", true, true},
		{"support mode", supportModeEnum, "分散", "分散供养", true, true},
		{"support mode", supportModeEnum, "分散供养（居家）", "分散供养", true, true},
		{"support mode", supportModeEnum, "居家分散供养", "分散供养", true, true},
		{"support mode", supportModeEnum, "集中供养（县敬老院）", "集中供养", true, true},
		{"support mode", supportModeEnum, "在敬老院", "集中供养", true, true},
		{"support mode", supportModeEnum, "其他", "", false, false},
	}
	for _, tc := range tests {
		v, set, ok := tc.e.lookup(tc.raw)
		if v != tc.want || set != tc.set || ok != tc.ok {
			t.Errorf("%s lookup(%q) = %q, %v, %v; want %q, %v, %v", tc.name, tc.raw, v, set, ok, tc.want, tc.set, tc.ok)
		}
	}
}

func TestExpandScientific(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"3.70323800101123E14", "370323800101123", true},
		{"3.70323001001001E+14", "370323001001001", true},
		{"1.2E1", "12", true},
		{"3.70323198001011E+17", "", false}, // 18 digits, 15 kept
		{"3.70323E+14", "", false},          // a display rounded to 6 digits
		{"3.7032380010112E14", "", false},   // a trailing zero or a lost digit: cannot tell
		{"1.25E1", "", false},               // 12.5 is no whole number
		{"0E5", "", false},
		{"3.7E400", "", false},
	}
	for _, tc := range tests {
		got, ok := expandScientific(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("expandScientific(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
