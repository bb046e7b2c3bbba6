package sources

import (
	"regexp"
	"strings"

	"github.com/bidui/bidui"
)

// KindHousing is the 住建 农村房屋安全鉴定 / 危房改造台账: house appraisals and renovations of 重点对象.
var KindHousing = bidui.RegisterKind("housing", "住建危房台账")

// renoStatusEnum is the 改造状态 of a house: not started (a blank cell too), in progress, or done.
var renoStatusEnum = enum(map[string][]string{
	"not_started": {"未改造", "未开工", "未实施", "待改造", "未启动", "无"},
	"in_progress": {"改造中", "已开工", "在建", "施工中", "正在改造", "实施中", "开工"},
	"done":        {"已竣工", "竣工", "已完成", "已验收", "完成", "已改造", "验收合格", "已完工", "完工", "竣工验收"},
}).containing([2]string{"未开工", "not_started"}, [2]string{"未改造", "not_started"},
	[2]string{"竣工", "done"}, [2]string{"验收", "done"}, [2]string{"完成", "done"}, [2]string{"完工", "done"},
	[2]string{"在建", "in_progress"}, [2]string{"开工", "in_progress"}, [2]string{"改造中", "in_progress"})

// housingKind is the appraisal or renovation ledger: one row per house and appraisal. Its ID is the 户主's,
// or any member's: rows are about the household (rule_housing_unsafe finds it in the 全国系统 through the
// person the ID links to).
var housingKind = register(&kindSpec{
	kind: KindHousing,
	fields: []field{
		text("town", gsTown...),
		text("village", gsVillage...),
		required(text("head_name", "户主姓名", "户主", "农户姓名", "姓名")),
		required(id("id_number", "id_raw", "户主身份证号", "户主身份证号码", "户主证件号码", "身份证号", "证件号码")),
		required(custom("grade", parseHouseGrade, "鉴定等级", "房屋鉴定等级", "安全等级", "鉴定结果", "评定等级")),
		date("appraised_on", "鉴定日期", "鉴定时间", "评定日期"),
		withDefault(enumField("reno_status", renoStatusEnum, "改造状态", "改造进度", "实施状态"), "not_started"),
		text("reno_mode", "改造方式"),
		date("completed_on", "竣工日期", "验收日期"),
		text("object_type", "对象类别", "重点对象类型"),
	},
	keys: []string{"id_number", "head_name"},
	// Like a review row's, the ID may be any member's while the name is the head's.
	person: &personRows{evidence: "head_name", town: "town", village: "village"},
})

// houseGradePattern is a grade by its letter: C, C级, C级危房, D级（整栋危房）, A级安全.
var houseGradePattern = regexp.MustCompile(`^([ABCD])(?:级)?(?:危房|房屋|住房|安全|基本安全|危险)?$`)

// parseHouseGrade reads an appraisal's grade as A–D. 局部危房 is C and 整栋危房 D (the 农村住房安全性鉴定技术导则);
// 安全 and 基本安全 say the house is A or B without saying which, and 危房 alone C or D: grade_unclear.
func parseHouseGrade(raw string) (any, bool, string) {
	s := strings.ToUpper(squeeze(fold(cleanText(raw))))
	if s == "" || placeholder(s) {
		return nil, false, ""
	}
	for _, w := range []string{s, bareHeader(s)} {
		if m := houseGradePattern.FindStringSubmatch(w); m != nil {
			return m[1], true, ""
		}
		switch w {
		case "局部危房":
			return "C", true, ""
		case "整栋危房", "整幢危房", "整体危房":
			return "D", true, ""
		case "安全", "基本安全", "危房":
			return nil, false, ReasonGradeUnclear
		}
	}
	return nil, false, ReasonBadEnum
}
