package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		{"policy.monitoring_line", func(c *Config) { c.Policy.MonitoringLine = 0 }},
		{"policy.review_lead_days", func(c *Config) { c.Policy.ReviewLeadDays = -1 }},
		{"policy.compulsory_age", func(c *Config) { c.Policy.CompulsoryAge = []int{15, 7} }},
		{"policy.education_stages_covered", func(c *Config) { c.Policy.EducationStagesCovered = nil }},
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
