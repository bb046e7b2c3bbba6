package sources

import (
	"strings"

	"github.com/bidui/bidui"
)

// gsWorkKind is one row per work spell of a person: a spell already under way or ended (已外出务工信息), or a
// planned one (计划外出务工信息), which is marked planned. The two files differ in the wording of their yes/no
// column (是否已务工 against 是否计划务工) and of the county (务工所在县 against 计划务工所在县); that column,
// which no other kind has, is what tells a work file from the person table, whose 户编号, 姓名 and 证件号码 it
// repeats. Dates are often written 2023年05月 (month precision).
var gsWorkKind = register(&kindSpec{
	kind: bidui.KindGSWork,
	fields: []field{
		text("county", gsCounty...), text("town", gsTown...), text("village", gsVillage...), text("household_no", "户编号"),
		text("person_no", "人编号", "人口编号"),
		required(text("name", "姓名")),
		required(id("id_number", "id_raw", "证件号码", "身份证号", "身份证号码", "公民身份号码")),
		text("household_type", "户类型"),
		text("monitor_type", "监测对象类别", "易返贫致贫户(监测对象)类型"),
		required(yesNo("working", "是否已务工", "是否计划务工", "是否计划外出务工")),
		date("start_on", "开始时间", "务工开始时间"),
		date("end_on", "结束时间", "务工结束时间"),
		text("work_county", "务工所在县", "计划务工所在县"),
		text("channel", "就业渠道"),
		number("monthly_wage", "务工月收入"),
		text("employer", "务工企业名称"), text("industry", "所属行业"), text("point_to_point", "是否点对点输送"),
		number("transport_subsidy", "年度交通费补助"),
		text("service_need", "就业服务需求"),
	},
	keys:        []string{"id_number", "name"},
	outputs:     []string{"planned"},
	newFinisher: gsWorkFinisher,
	person: &personRows{name: "name", county: "county", town: "town", village: "village",
		household: "household_no"},
})

// gsWorkFinisher marks the rows of a 计划外出务工 file: its yes/no column asks 是否计划(外出)务工.
func gsWorkFinisher(s *sheetInfo) func(rec record) {
	planned := strings.Contains(s.columns["working"], "计划")
	return func(rec record) { rec["planned"] = planned }
}
