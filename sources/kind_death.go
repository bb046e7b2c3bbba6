package sources

import (
	"strings"

	"github.com/bidui/bidui"
)

// kindDeath is the list of deceased persons that 公安 (户籍注销), 民政 (殡葬火化) or 卫健 (死亡医学证明) send.
var kindDeath = bidui.RegisterKind("death", "死亡名单")

// ReasonDeathNoDate: a row of a death list that says the person died but gives no date that could be read
// (死亡日期, 火化日期, 注销日期 all blank or unreadable); the row loads and feeds no rule.
const ReasonDeathNoDate = "death_no_date"

// deathDates are the death list's date fields, in the order a death_no_date reject names their column.
var deathDates = []string{"death_date", "cremated_on", "deregistered_on"}

// deathKind is the death list: one row per deceased person (an unfiltered 公安 list: per 注销, whatever its
// reason). A row is a death when its 注销原因 is blank or says 死亡 (宣告死亡 too; 宣告失踪 is not); died_on, the
// earliest of its dates, is computed by the rule inputs (sql/views/rule_inputs_death_pension.sql). 卫健's 死亡原因
// stays in extra and never reaches an output.
var deathKind = register(&kindSpec{
	kind: kindDeath,
	fields: []field{
		text("county", gsCounty...),
		text("town", gsTown...),
		text("village", gsVillage...),
		text("address", "户籍地址", "住址"),
		required(text("name", "姓名", "死者姓名", "逝者姓名", "死亡人员姓名")),
		required(id("id_number", "id_raw", "身份证号", "公民身份号码", "身份证件号码", "证件号码", "死者身份证号")),
		date("death_date", "死亡日期", "死亡时间"),
		date("cremated_on", "火化日期", "火化时间"),
		date("deregistered_on", "户口注销日期", "注销户口日期", "销户日期", "注销日期", "注销时间"),
		text("dereg_reason", "注销原因", "注销类别", "变动原因"),
		text("source_dept", "数据来源", "来源单位"),
	},
	keys:        []string{"id_number", "name"},
	outputs:     []string{"is_death"},
	anyOf:       [][]string{deathDates},
	yieldsTo:    []bidui.Kind{"disability", "pension", "housing"},
	refuse:      refuseDeregistrations,
	newFinisher: deathFinisher,
	person:      &personRows{name: "name", county: "county", town: "town", village: "village"},
})

// refuseDeregistrations: a list whose only date is a 注销日期 and which does not say why each 户口 was
// cancelled may be a list of 迁出, 参军 or 出国: none of its rows can be taken for a death.
func refuseDeregistrations(found map[string]string) string {
	_, death := found["death_date"]
	_, cremated := found["cremated_on"]
	_, reason := found["dereg_reason"]
	if death || cremated || reason {
		return ""
	}
	return "its only date is " + found["deregistered_on"] + " and it has no 注销原因 column: a list of every 户口注销 " +
		"(迁出, 参军, 出国 …) cannot be read as deaths; send it with its 注销原因 column, or the deaths only"
}

// deathFinisher decides whether a row is a death, fills 数据来源 when the list does not say it, and rejects a
// death without any usable date.
func deathFinisher(s *sheetInfo) func(rec record) {
	dept := "卫健"
	switch {
	case s.has["cremated_on"]:
		dept = "民政"
	case s.has["deregistered_on"]:
		dept = "公安"
	}
	dateCol := ""
	for _, f := range deathDates {
		if s.has[f] {
			dateCol = f
			break
		}
	}
	return func(rec record) {
		reason, _ := rec["dereg_reason"].(string)
		rec["is_death"] = isDeathReason(reason)
		if v, _ := rec["source_dept"].(string); v == "" {
			rec["source_dept"] = dept
		}
		if rec["is_death"] == false {
			return
		}
		for _, f := range deathDates {
			if rec[f] != nil {
				return
			}
		}
		s.reject(dateCol, "", ReasonDeathNoDate)
	}
}

// isDeathReason: a blank 注销原因 (a list of deaths) or one that says 死亡 (死亡注销, 宣告死亡). 宣告失踪 and every
// other reason (迁出, 参军, 出国定居 …) is not a death.
func isDeathReason(reason string) bool {
	r := squeeze(fold(reason))
	return r == "" || strings.Contains(r, "死亡")
}
