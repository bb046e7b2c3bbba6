package sources

import "github.com/bidui/bidui"

// gsPlace are the county, town and village headers of the 全国系统, which the other kinds accept too.
var (
	gsCounty  = []string{"县", "县(市、区、旗)", "县（市、区）"}
	gsTown    = []string{"乡", "乡(镇)", "乡镇", "镇"}
	gsVillage = []string{"村", "行政村"}
)

// gsMeasures are the 全国系统's 帮扶措施 columns, one free-text cell each, in the order the system exports them.
var gsMeasures = []string{"产业帮扶", "就业帮扶", "金融帮扶", "公益岗位帮扶", "健康帮扶", "教育帮扶", "综合保障",
	"社会帮扶", "义务教育保障", "住房安全保障", "饮水安全保障", "搬迁", "生产生活条件改善", "基础设施建设"}

// gsKind is the 全国系统 person table (自定义基础表 / 监测对象信息 / 脱贫人口信息): one row per person, with the
// household's fields repeated on every member row.
var gsKind = register(&kindSpec{
	kind: bidui.KindGS,
	fields: append([]field{
		text("county", gsCounty...),
		text("town", gsTown...),
		text("village", gsVillage...),
		required(text("household_no", "户编号")),
		text("person_no", "人编号", "人口编号"),
		required(text("name", "姓名")),
		required(id("id_number", "id_raw", "证件号码", "身份证号", "身份证号码", "公民身份号码")),
		text("id_type", "证件类型"),
		text("sex", "性别"),
		date("birth_date", "出生日期"),
		text("relation", "与户主关系"),
		text("household_type", "户类型"),
		text("monitor_type", "监测对象类别", "易返贫致贫户(监测对象)类型"),
		text("policy_status", "脱贫户属性", "是否享受政策"),
		year("poverty_exit_year", "脱贫年度"),
		text("school_status", "在校生状况", "在校生情况"),
		text("out_of_school_reason", "义务教育阶段未上学原因", "失学或辍学原因"),
		text("education_level", "文化程度"),
		text("health", "健康状况"),
		text("labour", "劳动技能"),
		yesNo("resident_medical", "是否参加城乡居民基本医疗保险", "是否参加新型农村合作医疗（城乡居民基本医疗保险）"),
		yesNo("employee_medical", "是否参加城镇职工基本医疗保险"),
		text("dibao", "享受低保政策情况", "是否享受低保", "是否享受农村居民最低生活保障"),
		text("tekun", "享受特困供养政策情况", "是否特困供养人员", "是否特困供养"),
		yesNo("no_labour_household", "整户无劳动能力兜底保障户", "是否整户无劳动能力兜底保障户"),
		riskField("risk_1", "致贫/返贫风险1"),
		riskField("risk_2", "致贫/返贫风险2"),
		riskField("risk_3", "致贫/返贫风险3"),
		riskField("risk_4", "致贫/返贫风险4"),
		riskField("risk_5", "致贫/返贫风险5"),
		riskField("risk_type", "风险类型"),
		yesNo("risk_eliminated", "风险是否已消除", "风险是否消除", "是否风险消除"),
		date("identified_on", "识别监测时间", "风险识别时间", "识别时间"),
		date("eliminated_on", "消除监测时间", "风险消除时间"),
		text("elimination_mode", "风险消除方式"),
		number("income_per_capita", "人均纯收入（元）", "人均纯收入", "家庭年人均纯收入"),
		number("self_pay", "合规自付支出"),
		text("dev_support", "实施开发式帮扶措施情况", "是否已实施开发式帮扶"),
		yesNo("housing_unsafe", "是否危房户"),
		yesNo("water_safe", "是否解决安全饮用水"),
	}, measureFields()...),
	keys: []string{"id_number", "name"},
	person: &personRows{name: "name", county: "county", town: "town", village: "village", household: "household_no",
		birth: "birth_date"},
})

func measureFields() []field {
	fs := make([]field, len(gsMeasures))
	for i, c := range gsMeasures {
		fs[i] = measureField(c)
	}
	return fs
}
