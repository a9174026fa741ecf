package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// runsCommand lists the crawl runs in the archive.
func runsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "runs",
		Usage: "list the crawl runs in the archive, newest first",
		Description: `Prints one line per run: its id, when it started and finished (UTC), its status
(running, complete, interrupted, failed), its seeds, and what it did: captures with a
new body, revisits (304 or an unchanged body), refused fetches (429, 503), errors and
skipped URLs. A run that has not finished (still running, or killed) shows counts
computed from what the archive holds so far, marked with *.

The archive is opened read-only, so runs can be listed while a crawl writes.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: text or json", EnvVars: []string{"ARCHIVER_RUNS_FORMAT"}},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usageErrorf("runs: takes no arguments, got %q", c.Args().Slice())
			}
			format := c.String("format")
			if format != "text" && format != "json" {
				return usageErrorf("runs --format: want text or json, got %q", format)
			}
			store, err := openArchiveReadOnly(c.Context, c.String("db"))
			if err != nil {
				return err
			}
			defer store.Close()
			runs, err := listRuns(c.Context, store)
			if err != nil {
				return withCode(exitError, err)
			}
			if format == "json" {
				return writeRunsJSON(e.stdout, runs)
			}
			return writeRunsText(e.stdout, runs)
		},
	}
}

// openArchiveReadOnly opens an existing archive for reading, with an error
// that says what to do when there is none.
func openArchiveReadOnly(ctx context.Context, path string) (*sqlite.Store, error) {
	store, err := sqlite.OpenReadOnly(ctx, path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, withCode(exitError, fmt.Errorf("no archive at %s (crawl first, or set --db): %w", path, err))
	}
	if err != nil {
		return nil, withCode(exitError, err)
	}
	return store, nil
}

// runInfo is a run with the counts to show and where they come from.
type runInfo struct {
	archive.Run
	// Live is true when the counts were computed from the archive because
	// the run has not finished.
	Live bool
}

// listRuns returns the runs, newest first, with live counts for the runs
// that have not finished.
func listRuns(ctx context.Context, store *sqlite.Store) ([]runInfo, error) {
	runs, err := store.Runs(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]runInfo, 0, len(runs))
	for _, r := range runs {
		ri := runInfo{Run: r}
		if r.FinishedAt.IsZero() {
			counts, err := store.LiveCounts(ctx, r.ID)
			if err != nil {
				return nil, err
			}
			ri.Counts, ri.Live = counts, true
		}
		out = append(out, ri)
	}
	return out, nil
}

func skippedTotal(c archive.RunCounts) int {
	n := 0
	for _, v := range c.Skipped {
		n += v
	}
	return n
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

func writeRunsText(w io.Writer, runs []runInfo) error {
	if len(runs) == 0 {
		_, err := fmt.Fprintln(w, "no runs in the archive")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	// Every column but the last (the seeds, left as they are) is a cell
	// ended by a tab, aligned right.
	fmt.Fprintln(tw, "ID\tSTARTED (UTC)\tFINISHED (UTC)\tSTATUS\tCAPTURED\tREVISITS\tREFUSED\tERRORS\tSKIPPED\t  SEEDS")
	live := false
	for _, r := range runs {
		mark := ""
		if r.Live {
			mark, live = "*", true
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d%s\t%d%s\t%d%s\t%d%s\t%d%s\t  %s\n",
			r.ID, formatTime(r.StartedAt), formatTime(r.FinishedAt), r.Status,
			r.Counts.Captured, mark, r.Counts.Revisits, mark, r.Counts.Refused, mark,
			r.Counts.Errors, mark, skippedTotal(r.Counts), mark, strings.Join(r.Seeds, " "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if live {
		_, err := fmt.Fprintln(w, "* counted from the archive so far: the run has not finished")
		return err
	}
	return nil
}

// runJSON is the JSON form of a run in `archiver runs --format json`.
type runJSON struct {
	ID         int64             `json:"id"`
	StartedAt  time.Time         `json:"started_at"`
	FinishedAt *time.Time        `json:"finished_at"`
	Status     archive.RunStatus `json:"status"`
	Seeds      []string          `json:"seeds"`
	Counts     archive.RunCounts `json:"counts"`
	LiveCounts bool              `json:"live_counts"`
	Config     any               `json:"config,omitempty"` // JSON as stored, or a string

}

func writeRunsJSON(w io.Writer, runs []runInfo) error {
	out := make([]runJSON, 0, len(runs))
	for _, r := range runs {
		j := runJSON{ID: r.ID, StartedAt: r.StartedAt, Status: r.Status, Seeds: r.Seeds, Counts: r.Counts, LiveCounts: r.Live}
		if j.Seeds == nil {
			j.Seeds = []string{}
		}
		if j.Counts.Skipped == nil {
			j.Counts.Skipped = map[string]int{}
		}
		if !r.FinishedAt.IsZero() {
			f := r.FinishedAt
			j.FinishedAt = &f
		}
		switch {
		case r.Config == "":
		case json.Valid([]byte(r.Config)):
			j.Config = json.RawMessage(r.Config)
		default:
			j.Config = r.Config
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
