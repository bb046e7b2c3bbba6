package bidui

import (
	"time"
)

// Resident ID numbers (公民身份号码, GB 11643-1999): 6 digits of address code, 8 of birth date (YYYYMMDD),
// 3 of sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check character (0-9 or X).
// The old 15-digit form has a 6-digit birth date (YYMMDD, 19YY) and no check character.

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// IDCheckChar returns the ISO 7064 MOD 11-2 check character for the first 17 digits of an 18-character ID,
// and false when first17 is not 17 ASCII digits.
func IDCheckChar(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		sum += int(c-'0') * idWeights[i]
	}
	return idCheckChars[sum%11], true
}

// ValidID reports whether id is a well-formed 18-character ID number: 17 digits, a birth date that exists,
// and the right check character (upper-case X). It does not check the address code against a register.
func ValidID(id string) bool {
	if len(id) != 18 {
		return false
	}
	want, ok := IDCheckChar(id[:17])
	if !ok || id[17] != want {
		return false
	}
	_, ok = IDBirthDate(id)
	return ok
}

// IDBirthDate returns the birth date encoded in an 18- or 15-character ID, and false when there is none or it
// is not a real date.
func IDBirthDate(id string) (time.Time, bool) {
	var s string
	switch len(id) {
	case 18:
		s = id[6:14]
	case 15:
		s = "19" + id[6:12]
	default:
		return time.Time{}, false
	}
	t, err := time.Parse("20060102", s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// IDSex returns 男 or 女 from the sequence digit of an 18- or 15-character ID, or "" when there is none.
func IDSex(id string) string {
	var c byte
	switch len(id) {
	case 18:
		c = id[16]
	case 15:
		c = id[14]
	default:
		return ""
	}
	if c < '0' || c > '9' {
		return ""
	}
	if (c-'0')%2 == 1 {
		return "男"
	}
	return "女"
}

// UpgradeID15 converts a 15-digit ID (issued before 1999, birth year 19YY) to its 18-character form, and
// returns false when id is not 15 digits with a real birth date.
func UpgradeID15(id string) (string, bool) {
	if len(id) != 15 {
		return "", false
	}
	if _, ok := IDBirthDate(id); !ok {
		return "", false
	}
	first17 := id[:6] + "19" + id[6:]
	c, ok := IDCheckChar(first17)
	if !ok {
		return "", false
	}
	return first17 + string(c), true
}

// provinces maps the first two digits of an address code (GB/T 2260) to the province-level division.
var provinces = map[string]string{
	"11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
	"21": "辽宁", "22": "吉林", "23": "黑龙江",
	"31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东",
	"41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
	"50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
	"61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
	"71": "台湾", "81": "香港", "82": "澳门",
}

// IDProvince returns the province-level division named by the address code of an 18- or 15-character ID,
// and false when the first two digits name none. It cannot tell whether the county part (digits 3-6) was
// ever issued: that needs the full GB/T 2260 register, which changes every year.
func IDProvince(id string) (string, bool) {
	if len(id) != 18 && len(id) != 15 {
		return "", false
	}
	p, ok := provinces[id[:2]]
	if !ok || !allDigits(id[2:6]) {
		return "", false
	}
	return p, true
}

// CheckID says what is wrong with an 18-character ID, in the order a clerk would look: "" when it is
// valid (ValidID), else one of "length", "characters", "birth_date", "check_digit".
func CheckID(id string) string {
	switch {
	case len(id) != 18:
		return "length"
	case !allDigits(id[:17]) || !(isDigit(id[17]) || id[17] == 'X'):
		return "characters"
	}
	if _, ok := IDBirthDate(id); !ok {
		return "birth_date"
	}
	if c, _ := IDCheckChar(id[:17]); c != id[17] {
		return "check_digit"
	}
	return ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
