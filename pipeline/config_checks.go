package pipeline

import (
	"fmt"
	"strings"
	"time"
)

// policyList is one list-valued policy key, so that a config file's list replaces the default instead of
// being appended to, and a list the file does not set keeps its default.
type policyList struct {
	key     string
	clear   func()
	restore func(from policyList)
	value   any
}

func listOf[T any](key string, p *[]T) policyList {
	return policyList{key: key, value: p,
		clear:   func() { *p = nil },
		restore: func(from policyList) { *p = append([]T(nil), *from.value.(*[]T)...) }}
}

// lists returns every list-valued key of p, in one fixed order.
func (p *Policy) lists() []policyList {
	return []policyList{
		listOf("compulsory_age", &p.CompulsoryAge), listOf("education_stages_covered", &p.EducationStagesCovered),
		listOf("primary_age", &p.PrimaryAge), listOf("junior_age", &p.JuniorAge), listOf("senior_age", &p.SeniorAge),
		listOf("low_education_age", &p.LowEducationAge), listOf("labour_age", &p.LabourAge),
		listOf("tekun_age", &p.TekunAge), listOf("medical_subsidy_window", &p.MedicalSubsidyWindow),
		listOf("work_income_range", &p.WorkIncomeRange), listOf("welfare_post_age", &p.WelfarePostAge),
		listOf("pension_age", &p.PensionAge), listOf("pension_subsidy_groups", &p.PensionSubsidyGroups),
	}
}

// ageRange is a policy key [min, max] of ages, which the SQL reads as <key>_min and <key>_max.
type ageRange struct {
	key string
	v   []int
}

func (p Policy) ageRanges() []ageRange {
	return []ageRange{
		{"primary_age", p.PrimaryAge}, {"junior_age", p.JuniorAge}, {"senior_age", p.SeniorAge},
		{"low_education_age", p.LowEducationAge}, {"labour_age", p.LabourAge}, {"tekun_age", p.TekunAge},
		{"welfare_post_age", p.WelfarePostAge}, {"pension_age", p.PensionAge},
	}
}

// validateChecks checks the data-quality checks' thresholds and returns a *ConfigError naming the first bad key.
func (p Policy) validateChecks() error {
	bad := func(key, format string, args ...any) error {
		return &ConfigError{Key: "policy." + key, Msg: fmt.Sprintf(format, args...)}
	}
	for _, r := range p.ageRanges() {
		if len(r.v) != 2 || r.v[0] < 0 || r.v[0] > r.v[1] || r.v[1] > 150 {
			return bad(r.key, "must be [min, max] ages with 0 <= min <= max <= 150, got %v", r.v)
		}
	}
	if w := p.WorkIncomeRange; len(w) != 2 || w[0] < 0 || w[0] > w[1] {
		return bad("work_income_range", "must be [min, max] yuan with 0 <= min <= max, got %v", w)
	}
	const many = 1 << 30
	for _, n := range []struct {
		key    string
		v      int
		lo, hi int
	}{
		{"preschool_max_age", p.PreschoolMaxAge, 0, 150}, {"postgraduate_min_age", p.PostgraduateMinAge, 0, 150},
		{"higher_education_min_age", p.HigherEducationMinAge, 0, 150},
		{"yulu_lead_months", p.YuluLeadMonths, 0, many}, {"work_open_months", p.WorkOpenMonths, 0, many},
		{"identify_income_months", p.IdentifyIncomeMonths, 0, many}, {"measure_lead_months", p.MeasureLeadMonths, 0, many},
		{"death_grace_days", p.DeathGraceDays, 0, many}, {"benefit_grace_days", p.BenefitGraceDays, 0, many},
		{"welfare_posts_max", p.WelfarePostsMax, 1, many}, {"severe_disability_grade", p.SevereDisabilityGrade, 1, 4},
	} {
		switch {
		case n.v < n.lo:
			return bad(n.key, "must be >= %d, got %d", n.lo, n.v)
		case n.v > n.hi:
			return bad(n.key, "must be <= %d, got %d", n.hi, n.v)
		}
	}
	for _, x := range []struct {
		key string
		v   float64
	}{
		{"identify_income_max", p.IdentifyIncomeMax}, {"wage_income_floor", p.WageIncomeFloor},
		{"farmland_area_max", p.FarmlandAreaMax}, {"forest_area_max", p.ForestAreaMax},
		{"returned_farmland_area_max", p.ReturnedFarmlandAreaMax}, {"orchard_area_max", p.OrchardAreaMax},
		{"pasture_area_max", p.PastureAreaMax}, {"water_area_max", p.WaterAreaMax},
		{"road_distance_max", p.RoadDistanceMax},
	} {
		if x.v <= 0 {
			return bad(x.key, "must be > 0, got %v", x.v)
		}
	}
	if p.LackLabourShare <= 0 || p.LackLabourShare > 1 {
		return bad("lack_labour_share", "must be a share > 0 and <= 1, got %v", p.LackLabourShare)
	}
	if p.NewCertificateSince.IsZero() {
		return bad("new_certificate_since", "must be a date")
	}
	if y := p.PensionCheckYear; y != 0 && (y < 2000 || y > 2100) {
		return bad("pension_check_year", "must be 0 (the year before as_of's) or a year, got %d", y)
	}
	if len(p.PensionSubsidyGroups) == 0 {
		return bad("pension_subsidy_groups", "must list at least one group")
	}
	for _, g := range p.PensionSubsidyGroups {
		if strings.TrimSpace(g) == "" || strings.Contains(g, ",") {
			return bad("pension_subsidy_groups", "bad group %q", g)
		}
	}
	if w := p.MedicalSubsidyWindow; w != nil {
		if len(w) != 2 {
			return bad("medical_subsidy_window", `must be two days ["MM-DD", "MM-DD"], got %v`, w)
		}
		for _, d := range w {
			// 2024 is a leap year: 02-29 is a day of the window.
			if _, err := time.Parse("2006-01-02", "2024-"+d); err != nil || len(d) != 5 {
				return bad("medical_subsidy_window", `%q is not a day "MM-DD"`, d)
			}
		}
	}
	return nil
}
