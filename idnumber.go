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
