package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bidui/bidui/rules"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bidui.toml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConfigFileOverDefaults(t *testing.T) {
	p := writeConfig(t, `
inbox = "in"
as_of = "2023-06-10"
[policy]
monitoring_line = 7500
new_assistance_since = 2022-03-01
education_stages_covered = ["小学", "初中"]
[export]
mask_ids = true
`)
	c := DefaultConfig()
	if err := c.LoadConfigFile(p); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Inbox != "in" || c.DB != "bidui.duckdb" || c.AsOf.String() != "2023-06-10" || !c.Export.MaskIDs {
		t.Errorf("config %+v", c)
	}
	if c.Policy.MonitoringLine != 7500 || c.Policy.NewAssistanceSince.String() != "2022-03-01" || c.Policy.ReviewLeadDays != 30 {
		t.Errorf("policy %+v", c.Policy)
	}
	if strings.Join(c.Policy.EducationStagesCovered, ",") != "小学,初中" {
		t.Errorf("stages %v: a list in the file must replace the default, not extend it", c.Policy.EducationStagesCovered)
	}
	if len(c.Policy.CompulsoryAge) != 2 || c.Policy.CompulsoryAge[0] != 7 {
		t.Errorf("compulsory_age %v: an absent list keeps its default", c.Policy.CompulsoryAge)
	}
	params := c.Params(c.AsOf.Time())
	if params["as_of"] != "2023-06-10" || params["new_assistance_since"] != "2022-03-01" || params["education_stages_covered"] != "小学,初中" {
		t.Errorf("params %v", params)
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		name, body, key string
	}{
		{"unknown top-level key", `inbx = "x"`, "inbx"},
		{"unknown policy key", "[policy]\nmonitoring_lin = 1", "policy.monitoring_lin"},
		{"wrong type", "[policy]\nmonitoring_line = \"many\"", "policy.monitoring_line"},
		{"bad date string", `as_of = "2023-13-01"`, "as_of"},
		{"datetime for a date", "[policy]\nnew_assistance_since = 2022-01-01T10:00:00", "policy.new_assistance_since"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			err := c.LoadConfigFile(writeConfig(t, tt.body))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *ConfigError", err)
			}
			if ce.Key != tt.key {
				t.Errorf("key %q, want %q (error: %v)", ce.Key, tt.key, err)
			}
		})
	}
}

func TestValidateNamesTheKey(t *testing.T) {
	tests := []struct {
		key    string
		change func(*Config)
	}{
		{"inbox", func(c *Config) { c.Inbox = " " }},
		{"memory_limit", func(c *Config) { c.MemoryLimit = "3 apples" }},
		{"policy.monitoring_line", func(c *Config) { c.Policy.MonitoringLine = 0 }},
		{"policy.review_lead_days", func(c *Config) { c.Policy.ReviewLeadDays = -1 }},
		{"policy.compulsory_age", func(c *Config) { c.Policy.CompulsoryAge = []int{15, 7} }},
		{"policy.education_stages_covered", func(c *Config) { c.Policy.EducationStagesCovered = nil }},
		{"policy.labour_age", func(c *Config) { c.Policy.LabourAge = []int{16} }},
		{"policy.senior_age", func(c *Config) { c.Policy.SeniorAge = []int{20, 15} }},
		{"policy.work_income_range", func(c *Config) { c.Policy.WorkIncomeRange = []float64{-1, 100} }},
		{"policy.medical_subsidy_window", func(c *Config) { c.Policy.MedicalSubsidyWindow = []string{"09-01"} }},
		{"policy.medical_subsidy_window", func(c *Config) { c.Policy.MedicalSubsidyWindow = []string{"09-01", "13-01"} }},
		{"policy.lack_labour_share", func(c *Config) { c.Policy.LackLabourShare = 1.5 }},
		{"policy.severe_disability_grade", func(c *Config) { c.Policy.SevereDisabilityGrade = 0 }},
		{"policy.farmland_area_max", func(c *Config) { c.Policy.FarmlandAreaMax = 0 }},
		{"policy.welfare_posts_max", func(c *Config) { c.Policy.WelfarePostsMax = 0 }},
		{"policy.pension_check_year", func(c *Config) { c.Policy.PensionCheckYear = 23 }},
		{"policy.pension_subsidy_groups", func(c *Config) { c.Policy.PensionSubsidyGroups = []string{"低保,特困"} }},
		{"policy.new_certificate_since", func(c *Config) { c.Policy.NewCertificateSince = Date{} }},
	}
	for _, tt := range tests {
		c := DefaultConfig()
		tt.change(&c)
		var ce *ConfigError
		if err := c.Validate(); !errors.As(err, &ce) || ce.Key != tt.key {
			t.Errorf("%s: Validate() = %v", tt.key, err)
		}
	}
}

// TestSampleConfigIsTheDefault: etc/bidui.toml loads, and its [policy] is the built-in default (the sample
// documents the defaults; medical_subsidy_window has none and stays commented out).
func TestSampleConfigIsTheDefault(t *testing.T) {
	c := DefaultConfig()
	if err := c.LoadConfigFile(filepath.Join("..", "etc", "bidui.toml")); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	def := DefaultConfig()
	asOf := MustDate("2023-06-10").Time()
	got, want := c.Params(asOf), def.Params(asOf)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: sample %v, default %v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("sample gives %d parameters, default %d", len(got), len(want))
	}
}

// TestCheckParams: list keys become _min/_max, a list in the file replaces the default, pension_check_year 0
// is the year before as_of's, and medical_subsidy_window, unset by default, gives its two parameters only when set.
func TestCheckParams(t *testing.T) {
	asOf := MustDate("2023-06-10").Time()
	def := DefaultConfig()
	p := def.Params(asOf)
	if p["labour_age_min"] != int64(16) || p["labour_age_max"] != int64(59) || p["work_income_range_max"] != 30000.0 ||
		p["pension_check_year"] != int64(2022) || p["pension_subsidy_groups"] != "低保,特困" || p["new_certificate_since"] != "2022-01-01" {
		t.Errorf("default params %v", p)
	}
	if _, ok := p["medical_subsidy_from"]; ok {
		t.Error("medical_subsidy_from set without a medical_subsidy_window")
	}
	c := DefaultConfig()
	if err := c.LoadConfigFile(writeConfig(t, "[policy]\nlabour_age = [18, 60]\nmedical_subsidy_window = [\"09-01\", \"12-31\"]\npension_check_year = 2021\n")); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	p = c.Params(asOf)
	if p["labour_age_min"] != int64(18) || p["labour_age_max"] != int64(60) || p["medical_subsidy_from"] != "09-01" ||
		p["medical_subsidy_to"] != "12-31" || p["pension_check_year"] != int64(2021) || p["tekun_age_min"] != int64(18) {
		t.Errorf("params %v", p)
	}
}

// TestEveryParameterHasAValue: every parameter a rule may use is supplied by the config, and nothing else is;
// only medical_subsidy_window's two have no default.
func TestEveryParameterHasAValue(t *testing.T) {
	c := DefaultConfig()
	c.Policy.MedicalSubsidyWindow = []string{"09-01", "12-31"}
	p := c.Params(MustDate("2023-06-10").Time())
	for _, name := range rules.Parameters {
		if _, ok := p[name]; !ok {
			t.Errorf("rules.Parameters has %s, the config does not supply it", name)
		}
	}
	for name := range p {
		if !slices.Contains(rules.Parameters, name) {
			t.Errorf("the config supplies %s, rules.Parameters lacks it", name)
		}
	}
}

// TestMemoryLimit: memory_limit caps the memory of the run's database, as DuckDB reads it back; without it
// the database takes at most defaultMemoryLimit (less on a machine whose DuckDB default is less).
func TestMemoryLimit(t *testing.T) {
	c := DefaultConfig()
	if err := c.LoadConfigFile(writeConfig(t, `memory_limit = "300MB"`)); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	// setting is DuckDB's setting name in a database createDB opens with memory_limit limit.
	setting := func(limit, name string) string {
		db, err := createDB(filepath.Join(t.TempDir(), "m.duckdb"), "", limit)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var v string
		if err := db.QueryRow(`SELECT current_setting($1)`, name).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := setting(c.MemoryLimit, "memory_limit"); got != "286.1 MiB" {
		t.Errorf("memory_limit %q: the database says %q, want 286.1 MiB (300 MB)", c.MemoryLimit, got)
	}
	got := setting("", "memory_limit")
	if n, ok := parseMemory(got); !ok || n > defaultMemoryLimit {
		t.Errorf("no memory_limit: the database says %q (%d bytes), want at most %d", got, n, int64(defaultMemoryLimit))
	}
	// The allocator hands freed memory back early, whatever the limit.
	flush := setting("", "allocator_flush_threshold")
	if n, ok := parseMemory(flush); !ok || n > 16_000_000 {
		t.Errorf("allocator_flush_threshold is %q, want at most 16 MB", flush)
	}
}

// TestParseMemory reads amounts as DuckDB writes them and as the configuration gives them.
func TestParseMemory(t *testing.T) {
	for in, want := range map[string]int64{
		"286.1 MiB": 300_001_689, "3GB": 3_000_000_000, "18.7 GiB": 20_078_916_812, "512 bytes": 512,
		"0 bytes": 0, "1.5 KiB": 1536, " 800 MB ": 800_000_000,
	} {
		got, ok := parseMemory(in)
		// DuckDB writes one decimal, so an amount read back is within 0.05 of its unit.
		if !ok || got < want-want/1000 || got > want+want/1000 {
			t.Errorf("parseMemory(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "3", "3 apples", "GB", "-1GB", "3 G B"} {
		if n, ok := parseMemory(in); ok {
			t.Errorf("parseMemory(%q) = %d, want not an amount", in, n)
		}
	}
}
