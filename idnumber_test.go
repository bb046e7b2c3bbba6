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
