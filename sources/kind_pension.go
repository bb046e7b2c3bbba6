package sources

import (
	"strings"

	"github.com/bidui/bidui"
)

// kindPension is 人社's 城乡居民基本养老保险 export: 参保花名册, 年度缴费明细, 待遇领取名单 or 代缴名单.
var kindPension = bidui.RegisterKind("pension", "养老保险数据")

// pensionStatusEnum is the 参保状态 of a pension export.
var pensionStatusEnum = enum(map[string][]string{
	"paying":    {"参保缴费", "正常参保", "正常缴费", "正常", "参保", "已参保", "已缴费", "缴费", "参保中"},
	"receiving": {"待遇领取", "领取待遇", "正常领取", "已领取", "领取", "享受待遇"},
	"suspended": {"暂停缴费", "中断缴费", "暂停", "中断", "停保"},
	"ended":     {"终止", "注销", "终止参保", "已终止", "已注销", "死亡"},
	"none":      {"未参保", "未参加", "未缴费"},
}).containing([2]string{"未参保", "none"}, [2]string{"未参加", "none"}, [2]string{"待遇", "receiving"},
	[2]string{"领取", "receiving"}, [2]string{"暂停", "suspended"}, [2]string{"中断", "suspended"},
	[2]string{"终止", "ended"}, [2]string{"注销", "ended"}, [2]string{"缴费", "paying"}, [2]string{"正常", "paying"})

// pensionBenefitEnum is the 待遇领取状态: whether the pension is paid.
var pensionBenefitEnum = enum(map[string][]string{
	"paid":    {"正常发放", "正常领取", "正常", "发放", "领取", "已发放", "发放中", "领取中"},
	"stopped": {"暂停发放", "停发", "终止", "暂停", "已停发", "终止发放", "停止发放", "已终止"},
}).containing([2]string{"暂停", "stopped"}, [2]string{"停发", "stopped"}, [2]string{"终止", "stopped"},
	[2]string{"停止", "stopped"}, [2]string{"发放", "paid"}, [2]string{"领取", "paid"}).negatable("paid", "stopped")

// pensionSchemeEnum is the 险种: a 城乡居民 file also lists people moved to the employee scheme.
var pensionSchemeEnum = enum(nil,
	[2]string{"城乡居民", "resident"}, [2]string{"居民", "resident"}, [2]string{"新型农村", "resident"}, [2]string{"新农保", "resident"},
	[2]string{"城居保", "resident"}, [2]string{"企业职工", "employee"}, [2]string{"机关事业", "employee"},
	[2]string{"城镇职工", "employee"}, [2]string{"职工", "employee"}).containing(
	[2]string{"城乡居民", "resident"}, [2]string{"企业职工", "employee"}, [2]string{"机关事业", "employee"},
	[2]string{"职工", "employee"})

// pensionKind is the pension export: one row per person and year (参保, 缴费), per pensioner (待遇) or per
// person the government pays for (代缴).
var pensionKind = register(&kindSpec{
	kind: kindPension,
	fields: []field{
		text("county", gsCounty...),
		text("town", gsTown...),
		text("village", gsVillage...),
		required(text("name", "姓名", "参保人姓名")),
		required(id("id_number", "id_raw", "身份证号", "公民身份号码", "社会保障号码", "证件号码")),
		enumField("insured_status", pensionStatusEnum, "参保状态", "参保缴费状态", "个人参保状态"),
		enumField("benefit_status", pensionBenefitEnum, "待遇领取状态", "待遇状态", "发放状态"),
		text("subsidy_category", "代缴类别", "代缴类型", "困难群体类别", "代缴身份"),
		year("year", "年度", "缴费年度", "参保年度"),
		text("level", "缴费档次", "缴费标准"),
		number("personal_paid", "个人缴费金额", "实缴金额"),
		number("subsidy_amount", "代缴金额", "政府代缴金额"),
		withDefault(enumField("scheme", pensionSchemeEnum, "险种", "险种类型"), "resident"),
		date("stopped_on", "终止日期", "停发日期"),
		text("stop_reason", "终止原因", "停发原因"),
	},
	keys:        []string{"id_number", "name"},
	anyOf:       [][]string{{"insured_status", "benefit_status", "subsidy_category"}},
	newFinisher: pensionFinisher,
	person:      &personRows{name: "name", county: "county", town: "town", village: "village"},
})

// A 医保 export has 姓名, 身份证号, 参保状态 and 年度 too: it gives a header row up to the pension export only
// when the pension export reads a column of it that 医保 does not know (缴费档次, 代缴类别, 待遇领取状态 …).
func init() { medicalKind.yieldsTo = append(medicalKind.yieldsTo, kindPension) }

// pensionFinisher reads the 缴费档次 (100元档, 200元/年, 300) as an amount, and a blank 代缴类别 (or 无, 否) of a
// file that has the column as none.
func pensionFinisher(s *sheetInfo) func(rec record) {
	return func(rec record) {
		if s.has["subsidy_category"] {
			c, _ := rec["subsidy_category"].(string)
			switch squeeze(fold(c)) {
			case "", "无", "否", "不代缴", "非代缴", "/", "-":
				rec["subsidy_category"] = "none"
			}
		}
		if raw, ok := rec["level"].(string); ok {
			delete(rec, "level")
			v, set, ok := parseNumber(pensionLevel.Replace(squeeze(fold(raw))))
			switch {
			case !ok:
				s.reject("level", raw, ReasonBadNumber)
			case set:
				rec["level"] = v
			}
		}
	}
}

// pensionLevel strips what a 缴费档次 says around its amount (100元档, 200元档次, 300元/年); a grade without one
// (第三档) is rejected.
var pensionLevel = strings.NewReplacer("档次", "", "档", "", "/年", "", "每年", "", "元年", "元")
