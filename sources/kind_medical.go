package sources

import "github.com/bidui/bidui"

var insuredEnum = enum(map[string][]string{
	"insured":     {"参保缴费", "正常参保", "正常", "参保", "已参保", "已缴费", "已参保缴费", "参保正常", "缴费正常", "正常缴费", "参保中"},
	"not_insured": {"暂停", "终止", "未参保", "中断", "停保", "未缴费", "断保", "退保", "注销", "未参加"},
}, [2]string{"暂停", "not_insured"}, [2]string{"终止", "not_insured"}, [2]string{"中断", "not_insured"},
	[2]string{"停", "not_insured"}, [2]string{"断", "not_insured"}).containing(
	[2]string{"未参加", "not_insured"},
	[2]string{"中断", "not_insured"}, [2]string{"终止", "not_insured"}, [2]string{"暂停", "not_insured"}, [2]string{"停保", "not_insured"},
	[2]string{"未参保", "not_insured"}, [2]string{"未缴费", "not_insured"}, [2]string{"正常", "insured"}, [2]string{"已参保", "insured"},
	[2]string{"已缴费", "insured"}).negatable("insured", "not_insured")

var insuranceTypeEnum = enum(nil,
	[2]string{"城乡居民", "resident"}, [2]string{"居民", "resident"}, [2]string{"新型农村合作医疗", "resident"}, [2]string{"新农合", "resident"},
	[2]string{"城镇职工", "employee"}, [2]string{"职工", "employee"})

// medicalKind is the 医保 export: insurance status per person and year, with out-of-pocket costs.
var medicalKind = register(&kindSpec{
	kind: bidui.KindMedical,
	fields: []field{
		required(text("name", "姓名", "参保人姓名")),
		required(id("id_number", "id_raw", "身份证号", "证件号码", "公民身份号码", "身份证号码")),
		required(enumField("insured_status", insuredEnum, "参保状态", "参保缴费状态")),
		enumField("insurance_type", insuranceTypeEnum, "险种类型", "参保险种"),
		text("insured_region", "参保地", "参保地行政区划", "统筹区"),
		year("year", "参保年度", "年度"),
		text("subsidy_category", "资助参保类别", "资助类型", "资助身份"),
		number("self_pay_inpatient", "住院个人自付", "住院自付金额"),
		number("self_pay_outpatient", "门诊个人自付", "门诊自付金额"),
		number("self_pay_total", "个人自付合计", "年度个人自付", "个人负担"),
		number("total_cost", "医疗总费用", "总费用"),
	},
	keys:        []string{"id_number", "name"},
	newFinisher: medicalFinisher,
	person:      &personRows{name: "name"},
})

// medicalFinisher fills self_pay_total from its parts when the file has no total column; a file that has
// one keeps what it says, blank included.
func medicalFinisher(s *sheetInfo) func(rec record) {
	if s.has["self_pay_total"] {
		return nil
	}
	return func(rec record) {
		in, inSet := rec["self_pay_inpatient"].(float64)
		out, outSet := rec["self_pay_outpatient"].(float64)
		if inSet || outSet {
			rec["self_pay_total"] = in + out
		}
	}
}
