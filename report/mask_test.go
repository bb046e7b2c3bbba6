package report

import "testing"

func TestMaskID(t *testing.T) {
	cases := []struct{ in, want string }{
		{"37032319900102123X", "370323********123X"},
		{"370323900102123", "370323*****2123"}, // 15-digit form
		{"12345678901", "123456*8901"},
		{"1234567890", "**********"},
		{"", ""},
		{"３７０３２３１９９００１０２１２３Ｘ", "３７０３２３********１２３Ｘ"},
	}
	for _, c := range cases {
		if got := maskID(c.in); got != c.want {
			t.Errorf("maskID(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMaskIDsIn(t *testing.T) {
	cases := []struct{ in, want string }{
		{"成员37032319900102123X已批准", "成员370323********123X已批准"},
		{"成员37032319900102123x已批准", "成员370323********123x已批准"},
		{"37032319900102123X", "370323********123X"},
		{"两人：37032319900102123X、370323198507160021。", "两人：370323********123X、370323********0021。"},
		// An ID as a row held it, damaged: a wrong digit, the old 15 digits, Excel's 000 and E+17 forms.
		{"证件号码为370323199001021230，应为37032319900102123X", "证件号码为370323********1230，应为370323********123X"},
		{"证件号码为370323900102123", "证件号码为370323*****2123"},
		{"证件号码370323199001021000", "证件号码370323********1000"},
		{"证件号码3.70323199001021E+17", "证件号码3.70323*********E+17"},
		{"证件号码为370323196077190250", "证件号码为370323********0250"}, // the damage is in the date digits
		// Not IDs: a household number (no birth date where an ID has one), a longer digit run, an amount.
		{"户编号370323001001000011", "户编号370323001001000011"},
		{"编号137032319900102123X", "编号137032319900102123X"},
		{"自付 12345.67 元", "自付 12345.67 元"},
		{"", ""},
	}
	for _, c := range cases {
		if got := maskIDsIn(c.in); got != c.want {
			t.Errorf("maskIDsIn(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
