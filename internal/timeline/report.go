package timeline

import (
	"context"
	"fmt"
	"slices"

	"github.com/archiver-dev/archiver/internal/archive"
)

// PageChange is a changed page as the report shows it: the change, the
// body texts of both versions and their unified diff.
type PageChange struct {
	Change
	BodyBefore string `json:"body_before"`
	BodyAfter  string `json:"body_after"`
	BodyDiff   string `json:"body_diff"` // unified diff, "" when the bodies are equal
	// BodyError says why the bodies could not be compared ("" if they
	// could, or if the change was past MaxBodies).
	BodyError string `json:"body_error,omitempty"`
}

// Report is what the HTML report shows of the timeline at one run.
type Report struct {
	Run archive.Run `json:"run"`
	// Changes are the pages whose content changed in the run, silent edits
	// first, then declared edits, metadata changes and other changes, each
	// group in URL order.
	Changes []PageChange `json:"changes"`
	// Removals are the pages gone in the run (Confirmed: for the configured
	// persistence; otherwise pending).
	Removals []Removal `json:"removals"`
	// Orphans are pages still served but no longer linked from any index.
	Orphans []Orphan `json:"orphans"`
	// Sections are the per-section (and per-language root) daily article
	// counts with their gaps, for a calendar heatmap.
	Sections []SectionDays `json:"sections"`
	// DayProblems are the day archive problems found in the run.
	DayProblems []DayProblem `json:"day_problems"`
	// RunProblems are our own missed and incomplete runs.
	RunProblems []RunProblem `json:"run_problems"`
	// NeverCaptured are sitemap URLs no run captured.
	NeverCaptured []Missing `json:"never_captured"`
	// Stale are pages whose last good capture is older than the freshness.
	Stale []Stale `json:"stale"`
	// Counts summarise the run against the one before.
	New, Unchanged, URLs int
}

// ReportOptions bound the work of BuildReport.
type ReportOptions struct {
	// MaxBodies is how many changes get their bodies re-extracted and
	// diffed (the first ones in report order); 0 means 200.
	MaxBodies int
	// Context is the number of unchanged lines around each hunk of a body
	// diff; 0 means 2.
	Context int
}

// changeOrder ranks change kinds for the report.
var changeOrder = map[ChangeKind]int{ChangeSilent: 0, ChangeDeclared: 1, ChangeMetadata: 2, ChangePage: 3}

// BuildReport analyses the timeline at run (0: the newest) and gathers
// what the HTML report needs: the changed pages with their field changes
// and body diffs (bodies re-extracted by ix from the stored captures), the
// removals and orphans, and the per-section daily article counts with
// gaps.
func BuildReport(ctx context.Context, src Source, ix *Indexer, run int64, opts Options, ro ReportOptions) (*Report, error) {
	a, err := Analyse(ctx, src, run, opts)
	if err != nil {
		return nil, err
	}
	if ro.MaxBodies <= 0 {
		ro.MaxBodies = 200
	}
	if ro.Context <= 0 {
		ro.Context = 2
	}
	r := &Report{
		Run: a.Run, Removals: a.Removals, Orphans: a.Orphans, Sections: a.Sections, DayProblems: a.DayProblems,
		RunProblems: a.RunProblems, NeverCaptured: a.NeverCaptured, Stale: a.Stale, New: a.New, Unchanged: a.Unchanged, URLs: a.URLs,
	}
	changes := slices.Clone(a.Changes)
	slices.SortStableFunc(changes, func(x, y Change) int {
		if d := changeOrder[x.Kind] - changeOrder[y.Kind]; d != 0 {
			return d
		}
		if x.URL < y.URL {
			return -1
		}
		if x.URL > y.URL {
			return 1
		}
		return 0
	})
	for i, c := range changes {
		pc := PageChange{Change: c}
		if i < ro.MaxBodies && ix != nil {
			before, after, err := BodyDiff(ctx, ix, c.From.CaptureID, c.To.CaptureID)
			if err != nil {
				pc.BodyError = err.Error()
			} else {
				pc.BodyBefore, pc.BodyAfter = before.Digest.Fields.Body, after.Digest.Fields.Body
				pc.BodyDiff = UnifiedDiff(label(before), label(after), pc.BodyBefore, pc.BodyAfter, ro.Context)
				// The field changes carry the body texts too.
				for j := range pc.Fields {
					if pc.Fields[j].Field == "body" {
						pc.Fields[j].From, pc.Fields[j].To = pc.BodyBefore, pc.BodyAfter
					}
				}
			}
		}
		r.Changes = append(r.Changes, pc)
	}
	return r, nil
}

// BodyDiff re-extracts two captures and returns their versions with the
// body texts in Fields.Body.
func BodyDiff(ctx context.Context, ix *Indexer, fromID, toID int64) (from, to Version, err error) {
	if from, err = ix.Capture(ctx, fromID); err != nil {
		return from, to, fmt.Errorf("body diff: %w", err)
	}
	if to, err = ix.Capture(ctx, toID); err != nil {
		return from, to, fmt.Errorf("body diff: %w", err)
	}
	return from, to, nil
}

// label names a version in diff headers.
func label(v Version) string {
	return fmt.Sprintf("run %d capture %d %s", v.RunID, v.CaptureID, stamp(v.FetchedAt))
}
