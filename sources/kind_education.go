package sources

import "github.com/bidui/bidui"

var enrollmentEnum = enum(map[string][]string{
	"enrolled":     {"在读", "在校", "正常", "在籍", "在籍在读", "在校就读", "就读", "在校生", "正常在读"},
	"not_enrolled": {"休学", "辍学", "失学", "毕业", "转出", "死亡", "已毕业", "退学", "开除", "在籍休学", "已辍学", "结业", "肄业", "离校", "非在校生"},
})

// educationKind is the 教育 学籍 export (with 资助 when the school system adds it).
var educationKind = register(&kindSpec{
	kind: bidui.KindEducation,
	fields: []field{
		required(text("name", "姓名", "学生姓名")),
		required(id("id_number", "id_raw", "身份证号", "身份证件号", "证件号码", "身份证号码")),
		required(text("school", "学校名称", "就读学校", "学校")),
		text("stage", "学段"),
		text("grade", "年级"),
		enumField("enrollment", enrollmentEnum, "学籍状态", "在校状态"),
		text("aid", "资助项目", "享受资助"),
	},
	keys:   []string{"id_number", "name"},
	person: &personRows{name: "name"},
})
