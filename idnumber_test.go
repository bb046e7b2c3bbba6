package bidui

import (
	"testing"
	"time"
)

// The first two are the examples printed in GB 11643-1999 itself.
func TestValidID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"11010519491231002X", true},  // GB 11643-1999 example, check character X
		{"440524188001010014", true},  // GB 11643-1999 example, born 1880
		{"11010519491231002x", false}, // lower-case x is not normalised here
		{"110105194912310021", false}, // wrong check digit
		{"110105194902300025", false}, // 30 February
		{"11010519491231002", false},  // 17 characters
		{"1101051949123100200", false},
		{"11010A19491231002X", false},
		{"370323200002290016", false}, // check digit of a real 2000-02-29 is 3, see below
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidID(tt.id); got != tt.want {
			t.Errorf("ValidID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
	// Leap days: 2000-02-29 exists (divisible by 400), 1900-02-29 does not (divisible by 100).
	for _, tt := range []struct {
		first17 string
		ok      bool
	}{{"37032320000229001", true}, {"37032319000229001", false}, {"37032319960229001", true}, {"37032319970229001", false}} {
		c, _ := IDCheckChar(tt.first17)
		if got := ValidID(tt.first17 + string(c)); got != tt.ok {
			t.Errorf("ValidID(%s%c) = %v, want %v", tt.first17, c, got, tt.ok)
		}
	}
}

func TestUpgradeID15(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"110105491231002", "11010519491231002X", true}, // the GB example in its 15-digit form
		{"370323800101123", "37032319800101123X", true},
		{"370323000229123", "370323190002291230", false}, // 1900-02-29 does not exist
		{"37032380010112", "", false},
		{"37032380013212X", "", false},
	}
	for _, tt := range tests {
		got, ok := UpgradeID15(tt.in)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("UpgradeID15(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
		if ok && !ValidID(got) {
			t.Errorf("UpgradeID15(%q) = %q is not valid", tt.in, got)
		}
	}
}

func TestIDBirthDateAndSex(t *testing.T) {
	d, ok := IDBirthDate("11010519491231002X")
	if !ok || !d.Equal(time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("birth date %v %v", d, ok)
	}
	d, ok = IDBirthDate("110105491231002") // 15 digits: 19YY
	if !ok || d.Year() != 1949 {
		t.Errorf("15-digit birth date %v %v", d, ok)
	}
	if s := IDSex("11010519491231002X"); s != "女" { // sequence 002: even
		t.Errorf("sex %q", s)
	}
	if s := IDSex("440524188001010014"); s != "男" { // sequence 001: odd
		t.Errorf("sex %q", s)
	}
}

func TestCheckID(t *testing.T) {
	tests := []struct{ id, want string }{
		{"11010519491231002X", ""},
		{"440524188001010014", ""},
		{"11010519491231002x", "characters"}, // the importer upper-cases; the bare function does not
		{"110105194912310021", "check_digit"},
		{"110105194902300025", "birth_date"}, // 30 February
		{"370323190002290011", "birth_date"}, // 1900 is not a leap year
		{"1101051949123100", "length"},
		{"3.70323198001011E+17", "length"},
		{"11010A19491231002X", "characters"},
	}
	for _, tt := range tests {
		if got := CheckID(tt.id); got != tt.want {
			t.Errorf("CheckID(%q) = %q, want %q", tt.id, got, tt.want)
		}
		if (tt.want == "") != ValidID(tt.id) {
			t.Errorf("CheckID(%q) = %q disagrees with ValidID", tt.id, tt.want)
		}
	}
}

func TestIDProvince(t *testing.T) {
	tests := []struct {
		id, want string
		ok       bool
	}{
		{"11010519491231002X", "北京", true},
		{"440524188001010014", "广东", true},
		{"370323800101123", "山东", true}, // 15-digit form
		{"99010519491231002X", "", false},
		{"30010519491231002X", "", false},
		{"3701", "", false},
	}
	for _, tt := range tests {
		got, ok := IDProvince(tt.id)
		if got != tt.want || ok != tt.ok {
			t.Errorf("IDProvince(%q) = %q, %v; want %q, %v", tt.id, got, ok, tt.want, tt.ok)
		}
	}
}

// 15-digit IDs were issued before 1999 to people born in the 1900s: the year is always 19YY, including
// 1900 itself, whose 29 February does not exist.
func TestUpgradeID15Century(t *testing.T) {
	for _, tt := range []struct {
		in   string
		year int
		ok   bool
	}{
		{"370323000101121", 1900, true},
		{"370323991231122", 1999, true},
		{"370323960229123", 1996, true},
		{"370323000229123", 0, false},
		{"370323970229123", 0, false},
	} {
		got, ok := UpgradeID15(tt.in)
		if ok != tt.ok {
			t.Errorf("UpgradeID15(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if d, _ := IDBirthDate(got); d.Year() != tt.year {
			t.Errorf("UpgradeID15(%q) = %q born %d, want %d", tt.in, got, d.Year(), tt.year)
		}
		if IDSex(got) != IDSex(tt.in) || got[:6] != tt.in[:6] || got[8:17] != tt.in[6:15] {
			t.Errorf("UpgradeID15(%q) = %q does not keep region, date and sequence", tt.in, got)
		}
	}
}
