package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/bidui/bidui/match"
	"github.com/bidui/bidui/report"
	"github.com/bidui/bidui/rules"
	biduisql "github.com/bidui/bidui/sql"
)

// matchStage links the source rows to persons, or, when replayed says why they need not be, counts the
// published run's persons and links, which the import stage carried over with the rows (plan.placeRows,
// plan.carryMatching).
func (r *runner) matchStage(ctx context.Context, replayed string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.stageStarted(StageMatch)
	r.progress(StageMatch, 0, 1, "")
	sum := r.sum
	var st *match.Stats
	var err error
	if replayed != "" {
		sum.Replayed, sum.ReplayedBecause = append(sum.Replayed, StageMatch), replayed
		r.log.Info(replayed+": the published run's links are carried over", "because", replayed)
		if err = match.CreateMacros(ctx, r.db); err == nil {
			st, err = match.Count(ctx, r.db)
		}
	} else {
		st, err = match.Link(ctx, r.db, biduisql.Match())
	}
	if err != nil {
		return err
	}
	sum.Persons, sum.Links, sum.Merged = st.Persons, st.ByMethod, st.Merged
	sum.Unlinked, sum.Review = map[string]int64{}, map[string]int64{}
	for k, n := range st.Unlinked {
		sum.Unlinked[string(k)] = n
	}
	for k, n := range st.Review {
		sum.Review[string(k)] = n
	}
	r.log.Info("persons linked", "persons", st.Persons, "links", st.ByMethod, "unlinked", sum.Unlinked)
	r.progress(StageMatch, 1, 1, "")
	r.point(StageMatch + "/done")
	return nil
}

// rulesStage runs the rules, or, when replayFrom is a run, tries to carry that run's hits over (rules.Replay
// says when it cannot) for the reason why, and settles the findings.
func (r *runner) rulesStage(ctx context.Context, im *imported, replayFrom int64, why string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	sum := r.sum
	r.stageStarted(StageRules)
	catalogue, err := rules.LoadCatalogue(biduisql.Rules(), biduisql.Checks())
	if err != nil {
		return fmt.Errorf("load rules: %w", err)
	}
	r.progress(StageRules, 0, len(catalogue), "")
	var outcomes []rules.Outcome
	replayed := false
	if replayFrom != 0 {
		outcomes, err = rules.Replay(ctx, r.db, catalogue, replayFrom, r.runID)
		switch {
		case err == nil:
			replayed = true
			sum.Replayed = append(sum.Replayed, StageRules)
			r.log.Info(why+", and parameters unchanged: the published run's rule hits are carried over", "because", why,
				"from_run", replayFrom)
		case !errors.Is(err, rules.ErrNotReplayable):
			return err
		}
	}
	if !replayed {
		outcomes, err = rules.RunWithColumns(ctx, r.db, catalogue, im.avail, im.columns, r.cfg.Params(r.asOf), r.runID, r.log)
		if err != nil {
			return err
		}
	}
	r.point(StageRules + "/ran")
	settled, err := rules.SettleRun(ctx, r.db, r.runID, r.asOf, outcomes)
	if err != nil {
		return err
	}
	sum.Waived, sum.Feedback = settled.Waived, settled.Feedback
	for _, u := range settled.Unknown {
		// Said plainly, but not a reason to call the run partial: a village typed a number wrong.
		sum.UnknownAnswers = append(sum.UnknownAnswers, UnknownAnswer{FindingID: u.FindingID, FileID: u.FileID,
			Sheet: u.Sheet, Row: u.RowNo, Result: u.Result})
	}
	for _, u := range settled.Unread {
		sum.UnreadAnswers = append(sum.UnreadAnswers, UnknownAnswer{FindingID: u.FindingID, FileID: u.FileID,
			Sheet: u.Sheet, Row: u.RowNo, Result: u.Result})
	}
	if n := len(settled.Unread); n > 0 {
		r.log.Warn("returned workbooks give answers that are none of the drop-down's", "rows", n)
	}
	if n := len(settled.Unknown); n > 0 {
		r.log.Warn("returned workbooks name findings that were never issued", "rows", n)
	}
	r.point(StageRules + "/settled")
	r.progress(StageRules, len(catalogue), len(catalogue), "")
	counts, villages, err := countFindings(ctx, r.db, r.runID)
	if err != nil {
		return err
	}
	for _, o := range outcomes {
		rs := counts[o.Rule.Code]
		rs.Code, rs.Title, rs.Category, rs.Status, rs.Reason = o.Rule.Code, o.Rule.Title, o.Rule.Category, o.Status, o.Reason
		sum.Rules = append(sum.Rules, rs)
		if o.Status != rules.Ran && !o.Inapplicable() {
			sum.Problems = append(sum.Problems, fmt.Sprintf("%s %s: %s", o.Rule.Code, o.Status, o.Reason))
		}
	}
	sum.Villages = villages
	return nil
}

// reportStage writes the workbooks into a temporary folder beside out/<as_of>; publish moves it in place. A
// village workbook whose inputs are those of the published out/<as_of> is copied from there, not built again.
func (r *runner) reportStage(ctx context.Context) error {
	sum := r.sum
	if err := ctx.Err(); err != nil {
		return err
	}
	r.stageStarted(StageReport)
	r.progress(StageReport, 0, 1, "")
	w, err := report.Write(ctx, r.db, r.paths.tmpOut, report.Options{
		MaskIDs: r.cfg.Export.MaskIDs, Previous: r.paths.out, Build: r.opt.Version,
	})
	if err != nil {
		return fmt.Errorf("write the outputs: %w", err)
	}
	for _, p := range w.Paths() {
		rel, err := filepath.Rel(r.paths.tmpOut, p)
		if err != nil {
			return err
		}
		sum.Written = append(sum.Written, filepath.Join(r.paths.out, rel))
	}
	sum.Workbooks, sum.WorkbooksReused = len(w.Villages), w.Reused()
	r.log.Info("workbooks written", "written", sum.Workbooks-sum.WorkbooksReused, "reused", sum.WorkbooksReused)
	r.progress(StageReport, 1, 1, "")
	r.point(StageReport + "/done")
	return nil
}
