package sources

import "github.com/bidui/bidui"

// gsHouseholdKind is one row per household of the 乡村建设 module: its place, 户编号, the 户主's name and ID, and
// its living conditions. Its 卫生厕所是否能正常使用 column, which no other kind has, tells it from the person
// table, whose 户编号, 姓名 and 证件号码 it repeats.
var gsHouseholdKind = register(&kindSpec{
	kind: bidui.KindGSHousehold,
	fields: []field{
		text("county", gsCounty...), text("town", gsTown...), text("village", gsVillage...),
		required(text("household_no", "户编号")),
		text("name", "户主姓名", "姓名"),
		id("id_number", "id_raw", "证件号码", "户主证件号码", "身份证号码", "户主身份证号"),
		text("household_type", "户类型"),
		text("monitor_type", "监测对象类别", "易返贫致贫户(监测对象)类型"),
		text("toilet", "有无卫生厕所", "是否有卫生厕所"),
		required(yesNo("toilet_usable", "卫生厕所是否能正常使用")),
		yesNo("housing_safe", "住房是否安全"),
		yesNo("water_safe", "是否饮水安全", "是否解决安全饮用水"),
		yesNo("road_hardened", "入户道路是否硬化", "入户路是否硬化"),
		yesNo("electricity", "是否通生活用电"),
	},
	keys: []string{"id_number", "household_no"},
	person: &personRows{name: "name", county: "county", town: "town", village: "village",
		household: "household_no"},
})
