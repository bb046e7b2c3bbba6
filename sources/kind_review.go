package sources

import "github.com/bidui/bidui"

// conclusionEnum: a negative conclusion starts with 不; everything that includes starts with 纳入 or 拟纳入.
var conclusionEnum = enum(map[string][]string{
	"include": {"纳入监测", "拟纳入", "纳入", "拟纳入监测", "识别为监测对象"},
	"exclude": {"不纳入", "不符合", "不予纳入", "不纳入监测"},
}, [2]string{"不", "exclude"}, [2]string{"暂不", "exclude"}, [2]string{"纳入", "include"}, [2]string{"拟纳入", "include"}).containing(
	[2]string{"不纳入", "exclude"}, [2]string{"不予纳入", "exclude"}, [2]string{"暂不", "exclude"}, [2]string{"不符合", "exclude"},
	[2]string{"纳入", "include"}).negatable("include", "exclude")

// reviewKind is the 防止返贫监测预警研判台账 that villages and the town keep: one row per household reviewed.
var reviewKind = register(&kindSpec{
	kind: bidui.KindReview,
	fields: []field{
		text("town", gsTown...),
		text("village", gsVillage...),
		text("head_name", "户主姓名"),
		required(id("id_number", "id_raw", "户主身份证号", "身份证号", "证件号码")),
		required(date("reviewed_on", "研判日期", "研判时间")),
		required(enumField("conclusion", conclusionEnum, "研判结论", "研判结果")),
		text("reason", "理由", "原因", "备注"),
		text("trigger", "预警来源", "线索来源"),
		text("reviewer", "研判人"),
	},
	keys: []string{"id_number", "head_name"},
	// A review row's ID may be any member's while its name is the head's: the name confirms a corrected
	// ID only when the ID is the head's, and names nobody.
	person: &personRows{evidence: "head_name", town: "town", village: "village"},
})
