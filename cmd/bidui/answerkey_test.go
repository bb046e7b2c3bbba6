package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// answerKey is the part of the generator's answer_key.json that says which findings a correct run raises:
// per rule, the ID numbers of the persons the findings are reported against, and the near misses that must
// not be flagged.
type answerKey struct {
	Rules map[string]struct {
		Fires      []string `json:"fires"`
		NearMisses []string `json:"near_misses"`
	} `json:"rules"`
}

func readAnswerKey(t *testing.T, dir string) answerKey {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "answer_key.json"))
	if err != nil {
		t.Fatal(err)
	}
	var k answerKey
	if err := json.Unmarshal(b, &k); err != nil {
		t.Fatalf("answer_key.json: %v", err)
	}
	return k
}

// compareWithAnswerKey compares the findings of the published database db with the answer key in dir, rule
// by rule, for every rule the run ran; it reports the differences by rule. Rules of the key that are not
// built yet are logged, not failed.
func compareWithAnswerKey(t *testing.T, dir, db string) {
	t.Helper()
	key := readAnswerKey(t, dir)
	if len(key.Rules) == 0 {
		t.Skip("the answer key has no rules section (older generator)")
	}
	ran := map[string]bool{}
	for _, code := range queryLines(t, db, "SELECT rule FROM rule_runs WHERE run_id = (SELECT max(run_id) FROM runs) AND status = 'ran'") {
		ran[code] = true
	}
	got := map[string]map[string]bool{}
	var out strings.Builder
	if err := Run(context.Background(), []string{"sql", "--db", db, "--format", "json",
		"SELECT rule, id_number FROM findings WHERE id_number IS NOT NULL"}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var rows []struct{ Rule, ID_Number string }
	if err := json.Unmarshal([]byte(out.String()), &rows); err != nil {
		t.Fatalf("findings: %v", err)
	}
	for _, r := range rows {
		if got[r.Rule] == nil {
			got[r.Rule] = map[string]bool{}
		}
		got[r.Rule][r.ID_Number] = true
	}
	var codes []string
	for code := range key.Rules {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	var report []string
	for _, code := range codes {
		if !ran[code] {
			t.Logf("%s: not run (not built yet, or skipped): not compared", code)
			continue
		}
		want := key.Rules[code]
		var missed, extra, nearHit []string
		wantSet := map[string]bool{}
		for _, id := range want.Fires {
			wantSet[id] = true
			if !got[code][id] {
				missed = append(missed, mask(id))
			}
		}
		for id := range got[code] {
			if !wantSet[id] {
				extra = append(extra, mask(id))
			}
		}
		for _, id := range want.NearMisses {
			if got[code][id] {
				nearHit = append(nearHit, mask(id))
			}
		}
		sort.Strings(extra)
		if len(missed)+len(extra)+len(nearHit) > 0 {
			report = append(report, fmt.Sprintf("%s: %d expected, %d raised; missed %v; not in the key %v; near misses flagged %v",
				code, len(want.Fires), len(got[code]), missed, extra, nearHit))
		} else {
			t.Logf("%s: %d findings, as the answer key says (%d near misses not flagged)", code, len(want.Fires), len(want.NearMisses))
		}
	}
	for code := range ran {
		if _, ok := key.Rules[code]; !ok {
			report = append(report, fmt.Sprintf("%s: ran, but the answer key does not cover it", code))
		}
	}
	if len(report) > 0 {
		sort.Strings(report)
		t.Errorf("findings differ from the answer key:\n%s", strings.Join(report, "\n"))
	}
}

// TestFindingsMatchAnswerKey runs bidui on the generated town and compares its findings with the answer key,
// rule by rule.
func TestFindingsMatchAnswerKey(t *testing.T) {
	s := newSite(t, 0)
	if code, _, stderr := s.runBinary(t, s.args()...); code != 0 && code != 3 {
		t.Fatalf("run exited %d:\n%s", code, stderr)
	}
	compareWithAnswerKey(t, s.dir, s.db)
}
