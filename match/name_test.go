package match

import "testing"

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{" 张 三 ", "张三"},
		{"张\u3000三", "张三"},
		{"阿依•古丽", "阿依·古丽"},
		{"阿依‧古丽", "阿依·古丽"},
		{"阿依・古丽", "阿依·古丽"},
		{"阿依．古丽", "阿依·古丽"},
		{"阿依.古丽", "阿依·古丽"},
		{"張國強", "张国强"},
		{"王？明", "王?明"},
		{"王□明", "王?明"},
		{"王yan明", "王?明"},
		{"王ＹＡＮ明", "王?明"},
		{"於", "於"}, // a surname in its own right, not traditional 于
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.in); got != tt.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNameAgreement(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"张伟", "张伟", NamesSame},
		{"王?明", "王晓明", NamesRare},
		{"王晓明", "王小明", NamesHomophone},
		{"张伟", "章玮", NamesHomophone},
		{"张伟", "李伟", NamesDiffer},
		{"张伟", "张伟伟", NamesDiffer},
		{"", "张伟", ""},
	}
	for _, tt := range tests {
		if got := NameAgreement(tt.a, tt.b); got != tt.want {
			t.Errorf("NameAgreement(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNameSimilarity(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"张伟", "张伟", 1},
		{"张伟", "张玮", 0.5},     // one character of two: bytes would say 3 of 6
		{"欧阳娜娜", "欧阳娜", 0.75}, // one deletion of four
		{"王?明", "王晓明", 1},     // the wildcard agrees
		{"张三", "李四", 0},
		{"", "", 1},
	}
	for _, tt := range tests {
		if got := NameSimilarity(tt.a, tt.b); got != tt.want {
			t.Errorf("NameSimilarity(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
