package rules

// Rule headers may name any source kind, and the kinds beyond bidui's own (disability, housing, …) register
// themselves where the importer describes them: the catalogue's tests load the rules with every kind known.
import (
	"slices"
	"strings"
	"testing"

	"github.com/bidui/bidui"
	_ "github.com/bidui/bidui/sources"
)

// TestOptionalKindNotSent: a rule skipped only because the inbox has no file of an optional kind (one a county
// may never receive) is inapplicable, and does not make the run partial; one whose optional kind failed to
// load, or that misses a kind of the contract's first seven, is a problem as before.
func TestOptionalKindNotSent(t *testing.T) {
	disability, err := bidui.ParseKind("disability")
	if err != nil {
		t.Fatal(err)
	}
	housing, err := bidui.ParseKind("housing")
	if err != nil {
		t.Fatal(err)
	}
	if !disability.Optional() || bidui.KindDibao.Optional() {
		t.Fatalf("optional: disability %v, dibao %v", disability.Optional(), bidui.KindDibao.Optional())
	}
	db := testDB(t)
	synthTown(t, db, 400)
	avail := Availability{disability: NoFiles, housing: "文件读取失败", bidui.KindReview: NoFiles}
	outcomes, _ := runCatalogue(t, db, loadCatalogue(t), avail, 1, "2023-06-10")
	for _, o := range outcomes {
		var want bool
		switch {
		case strings.HasPrefix(o.Rule.Code, "CJ-") && o.Rule.Code != "CJ-04":
			want = true
		case strings.HasPrefix(o.Rule.Code, "ZF-"), o.Rule.Code == "CJ-04", slices.Contains(o.Rule.Needs, bidui.KindReview):
		default:
			continue
		}
		if o.Status != Skipped || o.Inapplicable() != want {
			t.Errorf("%s: %s %q, inapplicable %v, want skipped and %v", o.Rule.Code, o.Status, o.Reason, o.Inapplicable(), want)
		}
	}
}
