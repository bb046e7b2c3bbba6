package sources

import (
	"strconv"
	"strings"

	"github.com/bidui/bidui"
)

// The place headers of the 民政 rosters: their own words first, then the 全国系统's.
var (
	civilCounty  = append([]string{"县(市、区)"}, gsCounty...)
	civilTown    = append([]string{"乡镇(街道)"}, gsTown...)
	civilVillage = append([]string{"村(居)委会"}, gsVillage...)
)

// statusEnum is the 保障状态 of the 民政 rosters.
var statusEnum = enum(map[string][]string{
	"active":  {"在保", "正常", "保障中", "在保中", "享受中", "正常享受", "正常保障", "正常发放", "在册"},
	"stopped": {"停保", "退保", "终止", "注销", "停发", "退出", "取消", "暂停", "已停保", "已退保", "已注销", "已退出", "已取消", "死亡"},
}, [2]string{"停", "stopped"}, [2]string{"终止", "stopped"}, [2]string{"注销", "stopped"}).containing(
	[2]string{"注销", "stopped"}, [2]string{"迁出", "stopped"}, [2]string{"死亡", "stopped"}, [2]string{"停保", "stopped"},
	[2]string{"终止", "stopped"}, [2]string{"取消", "stopped"}, [2]string{"退出", "stopped"}).negatable("active", "stopped")

var areaEnum = enum(map[string][]string{
	"农村": {"农村", "农村低保", "乡村"},
	"城市": {"城市", "城镇", "城市低保"},
})

// dibaoKind is the 民政 农村低保名册: one row per member of a household on minimum livelihood.
var dibaoKind = register(&kindSpec{
	kind: bidui.KindDibao,
	fields: []field{
		text("county", civilCounty...),
		text("town", civilTown...),
		text("village", civilVillage...),
		text("head_name", "户主姓名"),
		id("head_id", "head_id_raw", "户主身份证号", "户主证件号码"),
		required(text("name", "姓名", "成员姓名", "保障对象姓名")),
		required(id("id_number", "id_raw", "身份证号", "身份证号码", "成员身份证号", "证件号码")),
		text("relation", "与户主关系"),
		integer("family_size", "保障人数", "家庭保障人口"),
		number("monthly_amount", "月保障金额", "保障金额(元)", "月保障金"),
		required(date("approved_on", "批准日期", "审批日期", "纳入时间", "享受开始时间")),
		withDefault(enumField("status", statusEnum, "状态", "保障状态"), "active"),
		date("stopped_on", "停保日期", "退保时间", "终止时间"),
		text("stop_reason", "停保原因", "退保原因"),
		withDefault(enumField("area_type", areaEnum, "城乡类别"), "农村"),
	},
	keys:        []string{"id_number", "name"},
	outputs:     []string{"household_key"},
	newFinisher: dibaoFinisher,
	person:      &personRows{name: "name", county: "county", town: "town", village: "village", group: "household_key"},
})

// dibaoFinisher derives each member's household: the 户主身份证号 column when the roster has one, else the ID
// of the 户主 row that opens the member's group (rosters list a household's head first, then its members),
// else the member's own ID, else the row itself.
func dibaoFinisher(s *sheetInfo) func(rec record) {
	var groupHead string // ID of the latest 户主 row in file order; "" when it had none
	return func(rec record) {
		rosterStatus(s, rec)
		own, _ := rec["id_number"].(string)
		if rel, _ := rec["relation"].(string); isHeadRelation(rel) {
			groupHead = own
		}
		key, _ := rec["head_id"].(string)
		switch {
		case key != "":
		case groupHead != "":
			key = groupHead
		case own != "":
			key = own
		default:
			key = rowKey(s)
		}
		rec["household_key"] = key
	}
}

// rosterStatus: a 民政 roster lists the people it supports, so a row whose 保障状态 is blank, or a roster without
// that column, means active (the field's default), unless a roster without the column gives a stop date.
func rosterStatus(s *sheetInfo, rec record) {
	if !s.has["status"] && rec["stopped_on"] != nil {
		rec["status"] = "stopped"
	}
}

func isHeadRelation(rel string) bool {
	switch squeeze(fold(rel)) {
	case "户主", "本人", "户主本人":
		return true
	}
	return false
}

// rowKey identifies a row across runs when nothing else can: the file's content, the sheet and the row.
func rowKey(s *sheetInfo) string {
	var b strings.Builder
	b.WriteString("row:")
	b.WriteString(s.sha12)
	b.WriteString(":")
	b.WriteString(s.sheet)
	b.WriteString(":")
	b.WriteString(strconv.Itoa(s.rowNo))
	return b.String()
}
