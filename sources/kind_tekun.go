package sources

import "github.com/bidui/bidui"

// supportModeEnum is the 供养方式 of the 特困 roster, stored as the roster's own words (分散供养 / 集中供养):
// 分散, 居家分散供养 and 集中供养（敬老院） are the same two.
var supportModeEnum = enum(map[string][]string{
	"分散供养": {"分散供养", "分散", "居家供养", "居家"},
	"集中供养": {"集中供养", "集中", "机构供养"},
}).containing([2]string{"分散", "分散供养"}, [2]string{"居家", "分散供养"}, [2]string{"集中", "集中供养"},
	[2]string{"敬老院", "集中供养"}, [2]string{"福利院", "集中供养"}, [2]string{"供养机构", "集中供养"})

// tekunKind is the 民政 特困人员名册: one row per person in special-hardship support.
var tekunKind = register(&kindSpec{
	kind: bidui.KindTekun,
	fields: []field{
		text("county", civilCounty...),
		text("town", civilTown...),
		text("village", civilVillage...),
		required(text("name", "姓名")),
		required(id("id_number", "id_raw", "身份证号", "身份证号码", "证件号码")),
		required(enumField("support_mode", supportModeEnum, "供养方式")),
		date("approved_on", "认定日期", "审批日期", "纳入时间"),
		withDefault(enumField("status", statusEnum, "状态", "保障状态"), "active"),
		date("stopped_on", "停保日期", "退保时间", "终止时间"),
		text("stop_reason", "停保原因", "退保原因"),
	},
	keys:        []string{"id_number", "name"},
	newFinisher: func(s *sheetInfo) func(rec record) { return func(rec record) { rosterStatus(s, rec) } },
	person:      &personRows{name: "name", county: "county", town: "town", village: "village"},
})
