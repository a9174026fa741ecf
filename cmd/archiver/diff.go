package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/archiver-dev/archiver/internal/timeline"
)

// diffCommand prints what changed in one URL between two runs.
func diffCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "show what changed in a URL between two runs: field by field, and a unified diff of the body",
		ArgsUsage: "URL",
		Description: `Compares two captures of URL: by default its newest version with the newest
earlier version whose normalised content differs (volatile parts stripped); with
--from and --to, the versions captured in those runs. Prints the change kind (a
silent edit, a declared edit with a newer modified date or correction note, a
metadata change), each extracted field that differs (headline, published,
modified, authors, source, dateline, credits, breadcrumbs, correction), and a
unified diff of the body text, paragraph by paragraph.`,
		Flags: append([]cli.Flag{
			&cli.Int64Flag{Name: "from", Usage: "the earlier `RUN` (default: the newest earlier version with other content)", EnvVars: []string{"ARCHIVER_DIFF_FROM"}},
			&cli.Int64Flag{Name: "to", Usage: "the later `RUN` (default: the newest version)", EnvVars: []string{"ARCHIVER_DIFF_TO"}},
			&cli.IntFlag{Name: "context", Value: 2, Usage: "unchanged paragraphs shown around each change of the body", EnvVars: []string{"ARCHIVER_DIFF_CONTEXT"}},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: text or json", EnvVars: []string{"ARCHIVER_DIFF_FORMAT"}},
		}, volatileFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErrorf("diff: want exactly one URL, got %d arguments", c.NArg())
			}
			format := c.String("format")
			if format != "text" && format != "json" {
				return usageErrorf("diff --format: want text or json, got %q", format)
			}
			if c.Int("context") < 0 {
				return usageErrorf("diff --context: want 0 or more, got %d", c.Int("context"))
			}
			store, ix, err := openTimelineWith(c.Context, c.String("db"), volatileFrom(c))
			if err != nil {
				return err
			}
			defer store.Close()
			u, vs, err := urlVersions(c.Context, store, ix, c.Args().First())
			if err != nil {
				return err
			}
			from, to, err := pickVersions(vs, c.Int64("from"), c.Int64("to"))
			if err != nil {
				return err
			}
			before, after, err := timeline.BodyDiff(c.Context, ix, from.CaptureID, to.CaptureID)
			if err != nil {
				return withCode(exitError, err)
			}
			d := buildDiff(u, before, after, c.Int("context"))
			if format == "json" {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(d)
			}
			return writeDiff(e.stdout, d)
		},
	}
}

// pageDiff is what `archiver diff` prints.
type pageDiff struct {
	URL      string                 `json:"url"`
	From     timeline.Version       `json:"from"`
	To       timeline.Version       `json:"to"`
	Kind     string                 `json:"kind"` // a timeline.ChangeKind, "unchanged", or "status 200 → 404"
	Fields   []timeline.FieldChange `json:"fields"`
	BodyDiff string                 `json:"body_diff"`
}

// pickVersions chooses the two versions to compare: those of the given
// runs, or by default the newest one and the newest earlier one with other
// content.
func pickVersions(vs []timeline.Version, fromRun, toRun int64) (from, to timeline.Version, err error) {
	inRun := func(run int64) (timeline.Version, bool) {
		for i := len(vs) - 1; i >= 0; i-- {
			if vs[i].RunID == run {
				return vs[i], true
			}
		}
		return timeline.Version{}, false
	}
	ti := len(vs) - 1
	if toRun != 0 {
		v, ok := inRun(toRun)
		if !ok {
			return from, to, usageErrorf("diff --to %d: the URL was not captured in run %d", toRun, toRun)
		}
		to = v
		for i := range vs {
			if vs[i].CaptureID == v.CaptureID {
				ti = i
			}
		}
	} else {
		to = vs[ti]
	}
	if fromRun != 0 {
		v, ok := inRun(fromRun)
		if !ok {
			return from, to, usageErrorf("diff --from %d: the URL was not captured in run %d", fromRun, fromRun)
		}
		return v, to, nil
	}
	for i := ti - 1; i >= 0; i-- {
		if vs[i].Digest.ContentHash != to.Digest.ContentHash || vs[i].Status != to.Status {
			return vs[i], to, nil
		}
	}
	if ti > 0 {
		return vs[ti-1], to, nil
	}
	return from, to, usageErrorf("diff: %s has only one version (run %d); nothing to compare", to.URL, to.RunID)
}

// buildDiff compares two versions extracted with their bodies.
func buildDiff(u string, before, after timeline.Version, context int) pageDiff {
	d := pageDiff{URL: u, From: before, To: after, Kind: "unchanged"}
	good := timeline.StateOf(before) == timeline.StateGood && timeline.StateOf(after) == timeline.StateGood
	if c, ok := timeline.Compare(before, after); ok && good {
		d.Kind = string(c.Kind)
	} else if !good || before.Status != after.Status {
		d.Kind = fmt.Sprintf("status %d → %d", before.Status, after.Status)
	}
	for _, f := range timeline.CompareFields(before.Digest.Fields, after.Digest.Fields) {
		if f.Field == "body" {
			f.From, f.To = "", "" // shown as the unified diff
		}
		d.Fields = append(d.Fields, f)
	}
	d.BodyDiff = timeline.UnifiedDiff(versionLabel(before), versionLabel(after), before.Digest.Fields.Body, after.Digest.Fields.Body, context)
	// The JSON keeps the bodies out: the diff carries the change.
	d.From.Digest.Fields.Body, d.To.Digest.Fields.Body = "", ""
	return d
}

func versionLabel(v timeline.Version) string {
	return fmt.Sprintf("run %d, capture %d, %s, status %d", v.RunID, v.CaptureID, v.FetchedAt.UTC().Format(time.RFC3339), v.Status)
}

// writeDiff prints a diff for people.
func writeDiff(w io.Writer, d pageDiff) error {
	fmt.Fprintf(w, "%s\n  from %s\n    to %s\n  %s\n", d.URL, versionLabel(d.From), versionLabel(d.To), d.Kind)
	for _, f := range d.Fields {
		if f.Field == "body" {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n  - %s\n  + %s\n", f.Field, orNone(f.From), orNone(f.To))
	}
	if d.BodyDiff != "" {
		fmt.Fprintf(w, "\nbody:\n%s", d.BodyDiff)
		if !strings.HasSuffix(d.BodyDiff, "\n") {
			fmt.Fprintln(w)
		}
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
