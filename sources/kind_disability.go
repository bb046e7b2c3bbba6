package sources

import (
	"regexp"
	"strings"

	"github.com/bidui/bidui"
)

// KindDisability is the 残联 持证残疾人名单: holders of a 残疾人证, exported from the 残疾人人口基础库 or the
// 两项补贴 system.
var KindDisability = bidui.RegisterKind("disability", "残联持证名单")

// Reject reasons of the disability roster (and grade_unclear of the housing appraisals).
const (
	ReasonBadCertNo        = "bad_cert_no"        // not an 18-, 20- or 22-character 残疾人证号
	ReasonCertIDMismatch   = "cert_id_mismatch"   // the 证号's first 18 characters are not the ID column's: the ID column wins
	ReasonCertCodeMismatch = "cert_code_mismatch" // the 证号's category or grade digit is not the column's: the column wins
	ReasonGradeUnclear     = "grade_unclear"      // 重度 / 轻度 without a grade; 安全 / 基本安全 without A or B
)

// disabilityCategories are the 残疾类别 in the order of the 证号's category digit (1 视力 … 7 多重) as the
// contract gives it; sources disagree whether 1 is 视力 or 听力, so no rule reads the category.
var disabilityCategories = []string{"视力", "听力", "言语", "肢体", "智力", "精神", "多重"}

// certStatusEnum is the 证件状态 of a roster row: a card that is 正常 or 有效, or a row that says nothing, is
// held; a card cancelled, expired or of someone who moved away or died is not.
var certStatusEnum = enum(map[string][]string{
	"active":   {"正常", "有效", "持证", "在册", "正常持证", "已发证", "已办证"},
	"inactive": {"注销", "已注销", "过期", "已过期", "失效", "已失效", "迁出", "已迁出", "死亡", "已死亡", "作废", "收回", "停用"},
}).containing([2]string{"注销", "inactive"}, [2]string{"过期", "inactive"}, [2]string{"失效", "inactive"},
	[2]string{"迁出", "inactive"}, [2]string{"死亡", "inactive"}, [2]string{"作废", "inactive"},
	[2]string{"正常", "active"}, [2]string{"有效", "active"}).negatable("active", "inactive")

// disabilityKind is that roster: one row per card (a person may have several: a reissued or re-graded card).
// Its 残疾人证号 is the holder's ID and two digits (category, grade), or four for a reissued card (B and a
// digit); a roster may have the 证号 and no ID column.
var disabilityKind = register(&kindSpec{
	kind: KindDisability,
	fields: []field{
		text("county", gsCounty...),
		text("town", gsTown...),
		text("village", gsVillage...),
		required(text("name", "姓名", "残疾人姓名")),
		custom("cert_no", parseCertNo, "残疾人证号", "残疾证号", "残疾人证号码", "证号"),
		id("id_number", "id_raw", "身份证号", "公民身份号码", "身份证号码", "证件号码"),
		custom("category", parseDisabilityCategory, "残疾类别", "残疾类型"),
		custom("grade", parseDisabilityGrade, "残疾等级", "残疾级别"),
		date("issued_on", "发证日期", "办证日期", "发证时间"),
		date("valid_until", "有效期至", "证件有效期"),
		withDefault(enumField("status", certStatusEnum, "状态", "证件状态", "持证状态"), "active"),
		date("cancelled_on", "注销日期", "注销时间"),
		text("cancel_reason", "注销原因"),
	},
	keys: []string{"id_number", "cert_no", "name"},
	// A sheet of names and IDs alone is no roster of cards: it needs the 证号, or a category or grade.
	anyOf:       [][]string{{"cert_no", "id_number"}, {"cert_no", "category", "grade"}},
	newFinisher: func(s *sheetInfo) func(rec record) { return func(rec record) { finishDisability(s, rec) } },
	person:      &personRows{name: "name", county: "county", town: "town", village: "village"},
})

// finishDisability completes a row from its 证号: the ID when the row has none (the ID column wins when both
// are there and differ: cert_id_mismatch), the category and grade when their cells give none (the columns win when they
// differ: the card was re-graded and the roster says so).
func finishDisability(s *sheetInfo, rec record) {
	cert, _ := rec["cert_no"].(string)
	if cert == "" {
		return
	}
	certID := cert[:18]
	if id, _ := rec["id_number"].(string); id == "" {
		// No ID column, a blank cell, or one Excel rounded (its reject stands): the 证号 has the ID.
		if rec["id_raw"] == nil {
			rec["id_raw"] = cert
		}
		rec["id_number"] = certID
	} else if id != certID {
		s.reject("cert_no", cert, ReasonCertIDMismatch)
	}
	if len(cert) < 20 {
		return
	}
	category := disabilityCategories[cert[18]-'1']
	grade := int32(cert[19] - '0')
	var differ []string
	if c, set := rec["category"].(string); !set {
		rec["category"] = category
	} else if c != category {
		differ = append(differ, "残疾类别")
	}
	if g, set := rec["grade"].(int32); !set {
		rec["grade"] = grade
	} else if g != grade {
		differ = append(differ, "残疾等级")
	}
	if len(differ) > 0 {
		s.reject("cert_no", cert, ReasonCertCodeMismatch)
	}
}

// certPattern is a normalised 残疾人证号: the ID, then category (1–7) and grade (1–4), then B and a digit
// for a reissued card. An 18-character 证号 is a bare ID, as some rosters write it.
var certPattern = regexp.MustCompile(`^[0-9]{17}[0-9X]([1-7][1-4](B[0-9])?)?$`)

// parseCertNo reads a 残疾人证号 cell the way an ID cell is read (full-width, lower-case x, ="…", spaces).
func parseCertNo(raw string) (any, bool, string) {
	s := strings.Trim(strings.ToUpper(squeeze(fold(unwrapExcelText(cleanText(raw))))), `"`)
	if s == "" || placeholder(s) {
		return nil, false, ""
	}
	if scientific.MatchString(s) {
		exact, ok := expandScientific(s)
		if !ok {
			return nil, false, ReasonIDExcelRounded
		}
		s = exact
	}
	if !certPattern.MatchString(s) {
		return nil, false, ReasonBadCertNo
	}
	return s, true, ""
}

// parseDisabilityCategory reads 残疾类别: 视力 or 视力残疾, or the digit 1–7 in the contract's order.
func parseDisabilityCategory(raw string) (any, bool, string) {
	s := squeeze(fold(cleanText(raw)))
	if s == "" || placeholder(s) {
		return nil, false, ""
	}
	if len(s) == 1 && s[0] >= '1' && s[0] <= '7' {
		return disabilityCategories[s[0]-'1'], true, ""
	}
	s = strings.TrimSuffix(bareHeader(s), "残疾")
	for _, c := range disabilityCategories {
		if s == c {
			return c, true, ""
		}
	}
	return nil, false, ReasonBadEnum
}

// gradePattern is a 残疾等级 with its grade: 二级, 2级, 2, 肢体二级, 二级残疾, 一级（重度）.
var gradePattern = regexp.MustCompile(`^(?:视力|听力|言语|肢体|智力|精神|多重)?(?:残疾)?([一二三四1-4])级?(?:残疾)?(?:[（(]?[重中轻]度[)）]?)?$`)

var gradeDigits = map[string]int32{"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}

// parseDisabilityGrade reads 残疾等级 as 1–4. 重度 or 轻度 alone says too little (重度 is 一级 or 二级 only in
// some counties' words): grade_unclear.
func parseDisabilityGrade(raw string) (any, bool, string) {
	s := squeeze(fold(cleanText(raw)))
	if s == "" || placeholder(s) {
		return nil, false, ""
	}
	if m := gradePattern.FindStringSubmatch(s); m != nil {
		return gradeDigits[m[1]], true, ""
	}
	switch strings.TrimSuffix(s, "残疾") {
	case "重度", "轻度", "中度", "重", "轻":
		return nil, false, ReasonGradeUnclear
	}
	return nil, false, ReasonBadEnum
}
