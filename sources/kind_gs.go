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
		yesNo("water_safe", "是否解决安全饮用水", "是否饮水安全"),
	}, append(measureFields(), widthFields()...)...),
	keys: []string{"id_number", "name"},
	person: &personRows{name: "name", county: "county", town: "town", village: "village", household: "household_no",
		birth: "birth_date"},
})

func measureFields() []field {
	fs := make([]field, len(gsMeasures))
	for i, c := range gsMeasures {
		fs[i] = measureField(c)
	}
	// 公益性岗位帮扶 is how some exports head the 公益岗位帮扶 column.
	fs[3].headers = append(fs[3].headers, "公益性岗位帮扶")
	return fs
}

// widthFields are the rest of the person table's columns that the data-quality checks read: the person's
// own facts, the household's living conditions, the income block (also as it was at identification, 识别时…,
// and after elimination, 风险消除后…) and the contacts. An export of 自定义 columns has any subset of them.
func widthFields() []field {
	fs := []field{
		text("ethnicity", "民族"),
		text("political", "政治面貌"),
		yesNo("unsupported_child", "是否事实无人抚养儿童"),
		text("graduate_unemployed_reason", "大专或本科毕业生未就业原因"),
		year("disability_cert_year", "残疾证办证年度"),
		text("work_place", "务工所在地"),
		number("work_months", "务工时间（月）"),
		text("work_employer", "务工企业名称"),
		yesNo("work_abroad", "是否国外务工"),
		text("work_channel", "就业渠道", "就业渠道（易地搬迁后扶使用）"),
		text("public_post", "公益性岗位"),
		number("public_post_months", "公益性岗位(月数)", "公益性岗位月数"),
		yesNo("serious_illness_insurance", "是否参加大病保险"),
		yesNo("medical_aid", "是否接受医疗救助"),
		yesNo("commercial_medical", "是否参加商业补充医疗保险"),
		yesNo("resident_pension", "是否参加城乡居民基本养老保险"),
		yesNo("employee_pension", "是否参加城镇职工基本养老保险"),
		text("person_status", "人员状态", "人口状态"),
		text("member_phone", "家庭成员联系电话"),
		text("risk_other_note", "其他备注", "风险其他备注"),
		yesNo("housing_safe", "住房是否安全"),
		yesNo("dropout", "是否义务教育阶段适龄儿童少年失学辍学"),
		yesNo("member_uninsured", "是否有家庭成员未参加城乡居民（职工）基本医疗保险"),
		text("toilet", "有无卫生厕所"),
		yesNo("road_hardened", "入户道路是否硬化"),
		yesNo("electricity", "是否通生活用电"),
		number("house_area", "住房面积", "住房面积（平方米）"),
		number("road_distance", "与村主干路距离", "与村主干路距离（公里）"),
		number("farmland_area", "耕地面积（亩）", "耕地面积"),
		number("forest_area", "林地面积（亩）", "林地面积"),
		number("returned_farmland_area", "退耕还林面积（亩）", "退耕还林面积"),
		number("orchard_area", "林果面积（亩）", "林果面积"),
		number("pasture_area", "牧草地面积（亩）", "牧草地面积"),
		number("water_area", "水面面积（亩）", "水面面积"),
		text("household_phone", "户联系电话"),
		text("collector", "信息采集人"),
		text("collector_phone", "信息采集人联系电话"),
		text("public_post_measure_note", "公益性岗位帮扶其他备注"),
	}
	fs = append(fs, incomeFields("", "")...)
	fs = append(fs, incomeFields("ident_", "识别时")...)
	fs = append(fs, incomeFields("elim_", "风险消除后")...)
	fs = append(fs,
		yesNo("elim_dropout", "风险消除后是否义务教育阶段适龄儿童少年失学辍学"),
		yesNo("elim_house_damaged", "风险消除后是否住房损毁"),
		yesNo("elim_member_uninsured", "风险消除后是否有家庭成员未参加城乡居民（职工）基本医疗保险"),
		yesNo("elim_water_damaged", "风险消除后是否饮水设施损毁"),
	)
	return fs
}

// incomeFields is the income block (元 a year) under the given column-name and header prefixes. The plain
// block's 人均纯收入 and 合规自付支出 are mapped above as income_per_capita and self_pay.
func incomeFields(name, header string) []field {
	block := []struct {
		name    string
		headers []string
	}{
		{"wage_income", []string{"工资性收入"}},
		{"public_post_income", []string{"公益性岗位收入"}},
		{"other_wage_income", []string{"其他工资性收入"}},
		{"business_income", []string{"生产经营性收入"}},
		{"property_income", []string{"财产性收入"}},
		{"dividend_income", []string{"资产收益扶贫分红收入"}},
		{"transfer_income", []string{"转移性收入"}},
		{"pension_income", []string{"养老金或离退休金"}},
		{"family_planning_income", []string{"计划生育金"}},
		{"eco_compensation", []string{"生态补偿金"}},
		{"dibao_income", []string{"最低生活保障金"}},
		{"tekun_income", []string{"特困人员救助供养金"}},
		{"other_transfer_income", []string{"其他转移性收入"}},
		{"business_expense", []string{"生产经营性支出"}},
		{"claims_income", []string{"理赔收入"}},
		{"net_income", []string{"纯收入", "家庭纯收入"}},
		{"household_size", []string{"年度家庭人口数", "家庭人口数"}},
		{"income_per_capita", []string{"人均纯收入", "家庭人均纯收入"}},
		{"self_pay", []string{"合规自付支出"}},
	}
	var fs []field
	for _, b := range block {
		if name == "" && (b.name == "income_per_capita" || b.name == "self_pay") {
			continue
		}
		var hs []string
		for _, h := range b.headers {
			hs = append(hs, header+h, header+h+"（元）")
		}
		fs = append(fs, number(name+b.name, hs...))
	}
	return fs
}
