package pipeline

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/bidui/bidui/sources"
)

// Config is everything a run needs to know: where its inputs, database and outputs are, its reference date,
// and the policy parameters the rules read. Build it with DefaultConfig, then LoadConfigFile, then flags, then
// Validate.
type Config struct {
	Inbox  string `toml:"inbox"`
	DB     string `toml:"db"`
	Out    string `toml:"out"`
	AsOf   Date   `toml:"as_of"` // zero: today, in the run's local time zone
	Policy Policy `toml:"policy"`
	Export Export `toml:"export"`
	// Limits bound what one input file may cost to read; a file over one fails, naming it.
	Limits sources.Limits `toml:"limits"`
	// MemoryLimit caps the memory of the run's database ("3GB", DuckDB's memory_limit); DuckDB spills the
	// rest to a temporary folder beside it. Empty: 3 GB, or DuckDB's default (80% of the machine's memory)
	// when that is less.
	MemoryLimit string `toml:"memory_limit"`

	// Reparse makes the run parse every inbox file, even those whose bytes the published database already
	// holds (flag --reparse; not a config key).
	Reparse bool `toml:"-"`
}

// Policy holds the rule parameters of rules.md; their TOML keys are the parameter names.
type Policy struct {
	MonitoringLine         float64  `toml:"monitoring_line"`
	NewAssistanceSince     Date     `toml:"new_assistance_since"`
	ReviewLeadDays         int      `toml:"review_lead_days"`
	IdentifyDays           int      `toml:"identify_days"`
	DibaoCancelMonths      int      `toml:"dibao_cancel_months"`
	SelfPayPoverty         float64  `toml:"self_pay_poverty"`
	SelfPayOther           float64  `toml:"self_pay_other"`
	EliminationMinMonths   int      `toml:"elimination_min_months"`
	CompulsoryAge          []int    `toml:"compulsory_age"`
	EducationStagesCovered []string `toml:"education_stages_covered"`

	// The data-quality checks' thresholds (docs/operations.md). A two-element list [min, max] is the SQL
	// parameters <key>_min and <key>_max.
	PreschoolMaxAge         int       `toml:"preschool_max_age"`
	PrimaryAge              []int     `toml:"primary_age"`
	JuniorAge               []int     `toml:"junior_age"`
	SeniorAge               []int     `toml:"senior_age"`
	PostgraduateMinAge      int       `toml:"postgraduate_min_age"`
	HigherEducationMinAge   int       `toml:"higher_education_min_age"`
	LowEducationAge         []int     `toml:"low_education_age"`
	YuluLeadMonths          int       `toml:"yulu_lead_months"`
	LabourAge               []int     `toml:"labour_age"`
	TekunAge                []int     `toml:"tekun_age"`
	MedicalSubsidyWindow    []string  `toml:"medical_subsidy_window"` // ["MM-DD", "MM-DD"]; no default
	WorkIncomeRange         []float64 `toml:"work_income_range"`
	WelfarePostAge          []int     `toml:"welfare_post_age"`
	WelfarePostsMax         int       `toml:"welfare_posts_max"`
	WorkOpenMonths          int       `toml:"work_open_months"`
	IdentifyIncomeMax       float64   `toml:"identify_income_max"`
	IdentifyIncomeMonths    int       `toml:"identify_income_months"`
	WageIncomeFloor         float64   `toml:"wage_income_floor"`
	LackLabourShare         float64   `toml:"lack_labour_share"`
	MeasureLeadMonths       int       `toml:"measure_lead_months"`
	FarmlandAreaMax         float64   `toml:"farmland_area_max"`
	ForestAreaMax           float64   `toml:"forest_area_max"`
	ReturnedFarmlandAreaMax float64   `toml:"returned_farmland_area_max"`
	OrchardAreaMax          float64   `toml:"orchard_area_max"`
	PastureAreaMax          float64   `toml:"pasture_area_max"`
	WaterAreaMax            float64   `toml:"water_area_max"`
	RoadDistanceMax         float64   `toml:"road_distance_max"`
	DeathGraceDays          int       `toml:"death_grace_days"`
	BenefitGraceDays        int       `toml:"benefit_grace_days"`
	SevereDisabilityGrade   int       `toml:"severe_disability_grade"`
	NewCertificateSince     Date      `toml:"new_certificate_since"`
	PensionAge              []int     `toml:"pension_age"`
	PensionCheckYear        int       `toml:"pension_check_year"` // 0: the year before as_of's
	PensionSubsidyGroups    []string  `toml:"pension_subsidy_groups"`
}

// Export holds the options of the written workbooks.
type Export struct {
	MaskIDs bool `toml:"mask_ids"`
}

// DefaultConfig returns the configuration of `bidui run` with no config file and no flags: ./inbox,
// ./bidui.duckdb, ./out, as_of today, and the default policy of rules.md.
func DefaultConfig() Config {
	return Config{
		Inbox: "inbox",
		DB:    "bidui.duckdb",
		Out:   "out",
		Policy: Policy{
			MonitoringLine:         8000,
			NewAssistanceSince:     MustDate("2022-01-01"),
			ReviewLeadDays:         30,
			IdentifyDays:           15,
			DibaoCancelMonths:      12,
			SelfPayPoverty:         5000,
			SelfPayOther:           20000,
			EliminationMinMonths:   6,
			CompulsoryAge:          []int{7, 15},
			EducationStagesCovered: []string{"学前", "小学", "初中", "高中", "中职"},

			PreschoolMaxAge:         6,
			PrimaryAge:              []int{6, 14},
			JuniorAge:               []int{12, 17},
			SeniorAge:               []int{15, 20},
			PostgraduateMinAge:      20,
			HigherEducationMinAge:   18,
			LowEducationAge:         []int{16, 22},
			YuluLeadMonths:          6,
			LabourAge:               []int{16, 59},
			TekunAge:                []int{18, 59},
			WorkIncomeRange:         []float64{100, 30000},
			WelfarePostAge:          []int{16, 69},
			WelfarePostsMax:         2,
			WorkOpenMonths:          36,
			IdentifyIncomeMax:       20000,
			IdentifyIncomeMonths:    12,
			WageIncomeFloor:         100,
			LackLabourShare:         0.25,
			MeasureLeadMonths:       1,
			FarmlandAreaMax:         100,
			ForestAreaMax:           200,
			ReturnedFarmlandAreaMax: 200,
			OrchardAreaMax:          200,
			PastureAreaMax:          100,
			WaterAreaMax:            100,
			RoadDistanceMax:         5,
			DeathGraceDays:          60,
			BenefitGraceDays:        60,
			SevereDisabilityGrade:   2,
			NewCertificateSince:     MustDate("2022-01-01"),
			PensionAge:              []int{16, 59},
			PensionSubsidyGroups:    []string{"低保", "特困"},
		},
		Limits: sources.DefaultLimits,
	}
}

// ConfigError is a configuration problem; Key names the offending key (flag or TOML key) when there is one.
type ConfigError struct {
	File string // the config file, or "" for flags and defaults
	Key  string
	Msg  string
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("config")
	if e.File != "" {
		b.WriteString(" " + e.File)
	}
	if e.Key != "" {
		b.WriteString(": " + e.Key)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// LoadConfigFile decodes the TOML file at path over c. An unknown key, or a value of the wrong type, is a
// *ConfigError naming the key.
func (c *Config) LoadConfigFile(path string) error {
	body, err := os.ReadFile(path)
	if err != nil {
		return &ConfigError{File: path, Msg: err.Error()}
	}
	// Lists replace the defaults instead of being appended to.
	def := DefaultConfig().Policy
	lists := c.Policy.lists()
	for _, l := range lists {
		l.clear()
	}
	md, err := toml.Decode(string(body), c)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			key := perr.LastKey
			if perr.Position.Line > 0 {
				return &ConfigError{File: fmt.Sprintf("%s:%d", path, perr.Position.Line), Key: key, Msg: perr.Message}
			}
			return &ConfigError{File: path, Key: key, Msg: perr.Message}
		}
		// Type mismatches come back as plain errors that name the key only in their text.
		if m := lastKeyRE.FindStringSubmatch(err.Error()); m != nil {
			msg := err.Error()
			if i := strings.Index(msg, "): "); i >= 0 {
				msg = msg[i+3:]
			}
			return &ConfigError{File: path, Key: m[1], Msg: msg}
		}
		return &ConfigError{File: path, Msg: err.Error()}
	}
	defLists := def.lists()
	for i, l := range lists {
		if !md.IsDefined("policy", l.key) {
			l.restore(defLists[i])
		}
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return &ConfigError{File: path, Key: keys[0], Msg: "unknown key" + plural(keys)}
	}
	return nil
}

// lastKeyRE finds the key in the toml package's `toml: line 2 (last key "policy.x"): …` messages.
var lastKeyRE = regexp.MustCompile(`\(last key "([^"]+)"\)`)

func plural(keys []string) string {
	if len(keys) == 1 {
		return ""
	}
	return fmt.Sprintf(" (also unknown: %s)", strings.Join(keys[1:], ", "))
}

// Validate checks every value and returns a *ConfigError naming the first bad key.
func (c *Config) Validate() error {
	bad := func(key, format string, args ...any) error {
		return &ConfigError{Key: key, Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case strings.TrimSpace(c.Inbox) == "":
		return bad("inbox", "must not be empty")
	case strings.TrimSpace(c.DB) == "":
		return bad("db", "must not be empty")
	case strings.TrimSpace(c.Out) == "":
		return bad("out", "must not be empty")
	case c.MemoryLimit != "" && !isMemory(c.MemoryLimit):
		return bad("memory_limit", "%q is not an amount of memory such as \"3GB\" or \"800MB\"", c.MemoryLimit)
	}
	p := c.Policy
	switch {
	case p.MonitoringLine <= 0:
		return bad("policy.monitoring_line", "must be > 0, got %v", p.MonitoringLine)
	case p.NewAssistanceSince.IsZero():
		return bad("policy.new_assistance_since", "must be a date")
	case p.ReviewLeadDays < 0:
		return bad("policy.review_lead_days", "must be >= 0, got %d", p.ReviewLeadDays)
	case p.IdentifyDays < 0:
		return bad("policy.identify_days", "must be >= 0, got %d", p.IdentifyDays)
	case p.DibaoCancelMonths <= 0:
		return bad("policy.dibao_cancel_months", "must be > 0, got %d", p.DibaoCancelMonths)
	case p.SelfPayPoverty <= 0:
		return bad("policy.self_pay_poverty", "must be > 0, got %v", p.SelfPayPoverty)
	case p.SelfPayOther <= 0:
		return bad("policy.self_pay_other", "must be > 0, got %v", p.SelfPayOther)
	case p.EliminationMinMonths < 0:
		return bad("policy.elimination_min_months", "must be >= 0, got %d", p.EliminationMinMonths)
	case len(p.CompulsoryAge) != 2 || p.CompulsoryAge[0] < 0 || p.CompulsoryAge[0] > p.CompulsoryAge[1]:
		return bad("policy.compulsory_age", "must be [min, max] with 0 <= min <= max, got %v", p.CompulsoryAge)
	case len(p.EducationStagesCovered) == 0:
		return bad("policy.education_stages_covered", "must list at least one stage")
	}
	if err := p.validateChecks(); err != nil {
		return err
	}
	for _, l := range []struct {
		key   string
		value int64
	}{
		{"part_bytes", c.Limits.PartBytes}, {"shared_strings", int64(c.Limits.SharedStrings)}, {"styles", int64(c.Limits.Styles)},
		{"cells_per_row", int64(c.Limits.CellsPerRow)}, {"line_bytes", int64(c.Limits.LineBytes)}, {"cell_bytes", int64(c.Limits.CellBytes)},
	} {
		if l.value <= 0 {
			return bad("limits."+l.key, "must be > 0, got %d", l.value)
		}
	}
	for _, s := range p.EducationStagesCovered {
		if strings.TrimSpace(s) == "" || strings.Contains(s, ",") {
			return bad("policy.education_stages_covered", "bad stage %q", s)
		}
	}
	return nil
}

// Params returns the policy as the named SQL parameters rules bind: dates as YYYY-MM-DD text (rules cast them
// with ::DATE), lists split into scalars or joined with commas.
func (c *Config) Params(asOf time.Time) map[string]any {
	p := c.Policy
	m := map[string]any{
		"as_of":                    asOf.Format(time.DateOnly),
		"monitoring_line":          p.MonitoringLine,
		"new_assistance_since":     p.NewAssistanceSince.String(),
		"review_lead_days":         int64(p.ReviewLeadDays),
		"identify_days":            int64(p.IdentifyDays),
		"dibao_cancel_months":      int64(p.DibaoCancelMonths),
		"self_pay_poverty":         p.SelfPayPoverty,
		"self_pay_other":           p.SelfPayOther,
		"elimination_min_months":   int64(p.EliminationMinMonths),
		"compulsory_age_min":       int64(p.CompulsoryAge[0]),
		"compulsory_age_max":       int64(p.CompulsoryAge[1]),
		"education_stages_covered": strings.Join(p.EducationStagesCovered, ","),

		"preschool_max_age":          int64(p.PreschoolMaxAge),
		"postgraduate_min_age":       int64(p.PostgraduateMinAge),
		"higher_education_min_age":   int64(p.HigherEducationMinAge),
		"yulu_lead_months":           int64(p.YuluLeadMonths),
		"welfare_posts_max":          int64(p.WelfarePostsMax),
		"work_open_months":           int64(p.WorkOpenMonths),
		"identify_income_max":        p.IdentifyIncomeMax,
		"identify_income_months":     int64(p.IdentifyIncomeMonths),
		"wage_income_floor":          p.WageIncomeFloor,
		"lack_labour_share":          p.LackLabourShare,
		"measure_lead_months":        int64(p.MeasureLeadMonths),
		"farmland_area_max":          p.FarmlandAreaMax,
		"forest_area_max":            p.ForestAreaMax,
		"returned_farmland_area_max": p.ReturnedFarmlandAreaMax,
		"orchard_area_max":           p.OrchardAreaMax,
		"pasture_area_max":           p.PastureAreaMax,
		"water_area_max":             p.WaterAreaMax,
		"road_distance_max":          p.RoadDistanceMax,
		"death_grace_days":           int64(p.DeathGraceDays),
		"benefit_grace_days":         int64(p.BenefitGraceDays),
		"severe_disability_grade":    int64(p.SevereDisabilityGrade),
		"new_certificate_since":      p.NewCertificateSince.String(),
		"pension_check_year":         int64(p.PensionCheckYear),
		"pension_subsidy_groups":     strings.Join(p.PensionSubsidyGroups, ","),
	}
	if p.PensionCheckYear == 0 {
		m["pension_check_year"] = int64(asOf.Year() - 1)
	}
	for _, r := range p.ageRanges() {
		m[r.key+"_min"], m[r.key+"_max"] = int64(r.v[0]), int64(r.v[1])
	}
	m["work_income_range_min"], m["work_income_range_max"] = p.WorkIncomeRange[0], p.WorkIncomeRange[1]
	// medical_subsidy_window has no default: unset, its parameters are absent and the rules that read them
	// are skipped with the reason.
	if len(p.MedicalSubsidyWindow) == 2 {
		m["medical_subsidy_from"], m["medical_subsidy_to"] = p.MedicalSubsidyWindow[0], p.MedicalSubsidyWindow[1]
	}
	return m
}

// Date is a calendar date without a time zone. In TOML it is a local date (2022-01-01) or a string
// ("2022-01-01").
type Date struct{ t time.Time }

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// MustDate is ParseDate for constants; it panics on a bad date.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Time returns d as midnight UTC.
func (d Date) Time() time.Time { return d.t }

// String returns d as YYYY-MM-DD, or "" when unset.
func (d Date) String() string {
	if d.t.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// UnmarshalTOML accepts a TOML local date or a date string.
func (d *Date) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case time.Time:
		if h, m, s := v.Clock(); h != 0 || m != 0 || s != 0 {
			return fmt.Errorf("want a date, got a date-time %s", v.Format(time.RFC3339))
		}
		*d = Date{time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)}
		return nil
	case string:
		p, err := ParseDate(v)
		if err != nil {
			return err
		}
		*d = p
		return nil
	}
	return fmt.Errorf("want a date, got %T", v)
}

// parseMemory reads an amount of memory as DuckDB writes and takes it ("18.7 GiB", "3GB", "300 MB", "512
// bytes") in bytes; ok is false for anything else.
func parseMemory(s string) (n int64, ok bool) {
	m := memoryAmount.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	return int64(v * memoryUnits[m[2]]), true
}

// isMemory reports whether s is an amount of memory as DuckDB's memory_limit takes it.
func isMemory(s string) bool {
	_, ok := parseMemory(s)
	return ok
}

// memoryAmount is an amount of memory: a number, then one of memoryUnits.
var memoryAmount = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)\s*(B|bytes|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// memoryUnits are the units of memory DuckDB writes and takes, in bytes.
var memoryUnits = map[string]float64{
	"B": 1, "bytes": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
	"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
}
