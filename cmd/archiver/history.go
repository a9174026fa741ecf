package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/sqlite"
	"github.com/archiver-dev/archiver/internal/timeline"
)

// historyCommand prints the versions of one URL across runs.
func historyCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "history",
		Usage:     "list the versions of a URL across runs, with status and what changed",
		ArgsUsage: "URL",
		Description: `Shows every capture of URL (canonicalised as the crawl does) in run order: the run,
when it was fetched, the HTTP status, the state (good, gone, moved, unknown), the
normalised content hash (volatile parts such as counters and CSRF tokens stripped)
and what changed since the previous good version: a silent edit, a declared edit
(newer modified date or correction note), a metadata change, or a removal.

Runs not yet indexed for the timeline are indexed first.`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: text or json", EnvVars: []string{"ARCHIVER_HISTORY_FORMAT"}},
		}, volatileFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErrorf("history: want exactly one URL, got %d arguments", c.NArg())
			}
			format := c.String("format")
			if format != "text" && format != "json" {
				return usageErrorf("history --format: want text or json, got %q", format)
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
			entries := timeline.History(vs)
			if format == "json" {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					URL      string           `json:"url"`
					Versions []timeline.Entry `json:"versions"`
				}{u, entries})
			}
			return writeHistory(e.stdout, u, entries)
		},
	}
}

// writeHistory prints a URL's history as a table.
func writeHistory(w io.Writer, u string, entries []timeline.Entry) error {
	fmt.Fprintf(w, "%s: %d version(s)\n", u, len(entries))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tCAPTURE\tFETCHED (UTC)\tSTATUS\tSTATE\tCONTENT\tWHAT")
	for _, en := range entries {
		v := en.Version
		hash := v.Digest.ContentHash
		if len(hash) > 12 {
			hash = hash[:12]
		}
		if hash == "" {
			hash = "-"
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%d\t%s\t%s\t%s\n", v.RunID, v.CaptureID, v.FetchedAt.UTC().Format(time.DateTime), v.Status, en.State, hash, en.Note)
	}
	return tw.Flush()
}

// volatileFlags are the flags that add volatile parts to the defaults.
func volatileFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "volatile-selector", Usage: "CSS `SELECTOR` of a page part that changes without the content changing (counter, promo); repeatable, added to the defaults", EnvVars: []string{"ARCHIVER_VOLATILE_SELECTOR"}},
		&cli.StringSliceFlag{Name: "volatile-pattern", Usage: "regular `EXPRESSION` of text that changes without the content changing; repeatable, added to the defaults", EnvVars: []string{"ARCHIVER_VOLATILE_PATTERN"}},
	}
}

// volatileFrom returns the volatile parts the flags add.
func volatileFrom(c *cli.Context) timeline.Volatile {
	return timeline.Volatile{Selectors: c.StringSlice("volatile-selector"), Patterns: c.StringSlice("volatile-pattern")}
}

// openTimeline opens the archive and builds its timeline indexer with the
// default volatile parts.
func openTimeline(ctx context.Context, db string) (*sqlite.Store, *timeline.Indexer, error) {
	return openTimelineWith(ctx, db, timeline.Volatile{})
}

// openTimelineWith opens the archive and builds its timeline indexer, with
// extra volatile parts added to the defaults.
func openTimelineWith(ctx context.Context, db string, extra timeline.Volatile) (*sqlite.Store, *timeline.Indexer, error) {
	store, err := sqlite.Open(ctx, db)
	if err != nil {
		return nil, nil, withCode(exitError, err)
	}
	ix, err := timelineIndexerWith(ctx, store, extra)
	if err != nil {
		store.Close()
		return nil, nil, withCode(exitError, err)
	}
	return store, ix, nil
}

// timelineIndexer builds the timeline indexer of an archive with the
// default volatile parts and the URL canonicalisation of its newest run's
// crawl configuration. The check, report and demo commands wire the
// archive rule pack with it:
//
//	ix, err := timelineIndexer(ctx, store)
//	kinds := timeline.Kinds(timeline.Indexed(store, ix), timeline.DefaultOptions())
func timelineIndexer(ctx context.Context, store *sqlite.Store) (*timeline.Indexer, error) {
	return timelineIndexerWith(ctx, store, timeline.Volatile{})
}

// timelineIndexerWith is timelineIndexer with extra volatile parts added
// to the defaults.
func timelineIndexerWith(ctx context.Context, store *sqlite.Store, extra timeline.Volatile) (*timeline.Indexer, error) {
	canon, err := runCanonical(ctx, store)
	if err != nil {
		return nil, err
	}
	opts := timeline.DefaultIndexOptions()
	opts.Canonical = canon
	opts.Volatile.Selectors = append(opts.Volatile.Selectors, extra.Selectors...)
	opts.Volatile.Patterns = append(opts.Volatile.Patterns, extra.Patterns...)
	ix, err := timeline.NewIndexer(store, opts)
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return ix, nil
}

// runCanonical returns the canonicalisation of the newest run's crawl
// configuration (its seeds' origins and canonical options); with no runs,
// URLs are kept as given, without their fragment.
func runCanonical(ctx context.Context, store *sqlite.Store) (func(string) string, error) {
	runs, err := store.Runs(ctx)
	if err != nil {
		return nil, err
	}
	plain := func(raw string) string { s, _, _ := strings.Cut(raw, "#"); return s }
	if len(runs) == 0 {
		return plain, nil
	}
	cfg, err := crawl.RestoreConfig(runs[0], crawl.DefaultConfig())
	if err != nil {
		return nil, fmt.Errorf("configuration of run %d: %w", runs[0].ID, err)
	}
	var sites []*url.URL
	for _, s := range cfg.Seeds {
		if u, err := url.Parse(s); err == nil && u.Host != "" {
			sites = append(sites, u)
		}
	}
	canon := crawl.NewCanonicalizer(cfg.Canon, sites)
	return func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil || !u.IsAbs() || (u.Scheme != "http" && u.Scheme != "https") {
			return plain(raw)
		}
		s, _ := canon.Canonical(u)
		return s
	}, nil
}

// urlVersions brings the timeline up to date and returns the versions of
// the URL given on the command line, canonicalised as the crawl does; an
// alias the crawl recorded leads to its canonical URL.
func urlVersions(ctx context.Context, store *sqlite.Store, ix *timeline.Indexer, raw string) (string, []timeline.Version, error) {
	if _, err := timeline.EnsureIndexed(ctx, store, ix); err != nil {
		return "", nil, withCode(exitError, err)
	}
	candidates := []string{raw}
	if c := ix.Canonical(raw); c != raw {
		candidates = append([]string{c}, candidates...)
	}
	if aliases, err := store.Aliases(ctx, raw); err == nil {
		for _, a := range aliases {
			candidates = append(candidates, a.Canonical)
		}
	}
	for _, u := range candidates {
		vs, err := store.URLVersions(ctx, u)
		if err == nil {
			return u, vs, nil
		}
		if !errors.Is(err, archive.ErrNotFound) {
			return "", nil, withCode(exitError, err)
		}
	}
	return "", nil, withCode(exitError, fmt.Errorf("%s: no captures in the archive: %w", raw, archive.ErrNotFound))
}
