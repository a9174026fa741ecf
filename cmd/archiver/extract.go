package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/sqlite"
	"github.com/archiver-dev/archiver/rules"
	"github.com/urfave/cli/v2"
)

// maxFetchBytes bounds the body read from a URL given to extract.
const maxFetchBytes = 64 << 20

// extractCommand prints the structure of pages given as files or URLs, or
// re-derives the stored pages of an archive.
func extractCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "extract",
		Usage:     "print the structure of pages (headline, dates, dateline, source, authors, credits, navigation, links, body)",
		ArgsUsage: "FILE|URL…",
		Description: `Reads each FILE from disk or fetches each URL (http or https) and prints what the
extractor finds. --format json prints the whole page structure; --format jsonl prints
one flat record per page: {"file" (the argument exactly as given), "url", "title",
"date" (YYYY-MM-DD or ""), "author" (persons, "; "-joined), "source", "dateline",
"credits", "breadcrumbs", "body", "kind", …}, the format ../shared/tools/score.py reads.

With --rebuild, re-derives the stored pages of every capture in --db whose page was
made by another extractor version (or has none); --force re-derives all of them.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "json", Usage: "output format: json or jsonl", EnvVars: []string{"ARCHIVER_EXTRACT_FORMAT"}},
			&cli.BoolFlag{Name: "high-precision", Usage: "give no date rather than a weakly supported one", EnvVars: []string{"ARCHIVER_EXTRACT_HIGH_PRECISION"}},
			&cli.StringFlag{Name: "profiles", Usage: "a `DIR` of site profiles (*.yaml) to use instead of the built-in ones; \"none\" for none", EnvVars: []string{"ARCHIVER_EXTRACT_PROFILES"}},
			&cli.StringFlag{Name: "urls", Usage: "a JSONL `FILE` of {\"file\",\"url\"} records: the URL each FILE was fetched from (a dataset's ground_truth.jsonl works)", EnvVars: []string{"ARCHIVER_EXTRACT_URLS"}},
			&cli.DurationFlag{Name: "timeout", Value: 30 * time.Second, Usage: "time limit for fetching one URL", EnvVars: []string{"ARCHIVER_EXTRACT_TIMEOUT"}},
			&cli.BoolFlag{Name: "rebuild", Usage: "re-derive the stored pages of the archive in --db whose extractor version differs", EnvVars: []string{"ARCHIVER_EXTRACT_REBUILD"}},
			&cli.BoolFlag{Name: "force", Usage: "with --rebuild, re-derive every page, whatever its version", EnvVars: []string{"ARCHIVER_EXTRACT_FORCE"}},
		},
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if format != "json" && format != "jsonl" {
				return usageErrorf("extract: --format must be json or jsonl, got %q", format)
			}
			profiles, err := loadProfiles(c.String("profiles"))
			if err != nil {
				return withCode(exitError, err)
			}
			x := extract.New(extract.Options{Profiles: profiles, HighPrecision: c.Bool("high-precision"), Now: e.now})
			if c.Bool("rebuild") {
				if c.NArg() > 0 {
					return usageErrorf("extract: --rebuild takes no FILE or URL arguments")
				}
				return rebuildPages(c.Context, e, c.String("db"), x, c.Bool("force"))
			}
			if c.NArg() == 0 {
				return usageErrorf("extract: give at least one FILE or URL (or --rebuild)")
			}
			urls, err := readURLMap(c.String("urls"))
			if err != nil {
				return withCode(exitError, err)
			}
			client := &http.Client{Timeout: c.Duration("timeout")}
			w := bufio.NewWriter(e.stdout)
			defer w.Flush()
			failed := 0
			for _, arg := range c.Args().Slice() {
				in, err := readInput(c.Context, client, arg, urls)
				var page *archive.Page
				if err == nil {
					page, err = x.Page(in)
				}
				if err != nil {
					failed++
					fmt.Fprintf(e.stderr, "archiver: extract %s: %v\n", arg, err)
				}
				if err := writePage(w, format, arg, in.URL, page, err); err != nil {
					return err
				}
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if failed > 0 {
				return withCode(exitError, fmt.Errorf("extract: %d of %d inputs failed", failed, c.NArg()))
			}
			return nil
		},
	}
}

// loadProfiles returns the built-in site profiles, those of dir, or none.
func loadProfiles(dir string) (*extract.Profiles, error) {
	switch dir {
	case "":
		return extract.LoadProfiles(rules.Profiles, "profiles")
	case "none":
		return nil, nil
	}
	return extract.LoadProfiles(os.DirFS(dir), ".")
}

// readURLMap reads {"file","url"} records from a JSONL file.
func readURLMap(path string) (map[string]string, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("extract: --urls: %w", err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var rec struct {
			File string  `json:"file"`
			URL  *string `json:"url"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("extract: --urls %s line %d: %w", path, line, err)
		}
		if rec.File != "" && rec.URL != nil {
			out[rec.File] = *rec.URL
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("extract: --urls %s: %w", path, err)
	}
	return out, nil
}

// readInput reads a FILE from disk or fetches a URL.
func readInput(ctx context.Context, client *http.Client, arg string, urls map[string]string) (extract.Input, error) {
	if strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://") {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, arg, nil)
		if err != nil {
			return extract.Input{URL: arg}, fmt.Errorf("fetch: %w", err)
		}
		req.Header.Set("User-Agent", "archiver/"+version+" (extract)")
		resp, err := client.Do(req)
		if err != nil {
			return extract.Input{URL: arg}, fmt.Errorf("fetch: %w", err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxFetchBytes+1))
		if err != nil {
			return extract.Input{URL: arg}, fmt.Errorf("fetch: read body: %w", err)
		}
		if len(body) > maxFetchBytes {
			return extract.Input{URL: arg}, fmt.Errorf("fetch: body larger than %d bytes", maxFetchBytes)
		}
		return extract.Input{URL: resp.Request.URL.String(), Header: resp.Header, Body: body}, nil
	}
	body, err := os.ReadFile(arg)
	if err != nil {
		return extract.Input{URL: urls[arg]}, fmt.Errorf("read: %w", err)
	}
	return extract.Input{URL: urls[arg], Body: body}, nil
}

// flatRecord is one line of --format jsonl.
type flatRecord struct {
	File        string   `json:"file"`
	URL         string   `json:"url"`
	Title       string   `json:"title"`
	TitleFrom   string   `json:"title_evidence"`
	Date        string   `json:"date"`
	DateSource  string   `json:"date_source"`
	DateText    string   `json:"date_text"`
	Modified    string   `json:"modified"`
	Author      string   `json:"author"`
	Source      string   `json:"source"`
	Dateline    string   `json:"dateline"`
	Credits     []string `json:"credits"`
	Breadcrumbs []string `json:"breadcrumbs"`
	Kind        string   `json:"kind"`
	Lang        string   `json:"lang"`
	Charset     string   `json:"charset"`
	Canonical   string   `json:"canonical"`
	Links       int      `json:"links"`
	Images      int      `json:"images"`
	Words       int      `json:"words"`
	Warnings    []string `json:"warnings,omitempty"`
	Body        string   `json:"body"`
	Err         string   `json:"err,omitempty"`
}

func writePage(w io.Writer, format, arg, url string, p *archive.Page, perr error) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if format == "json" {
		enc.SetIndent("", "  ")
		if p == nil {
			return enc.Encode(map[string]string{"file": arg, "url": url, "err": perr.Error()})
		}
		return enc.Encode(struct {
			File string `json:"file"`
			*archive.Page
		}{arg, p})
	}
	rec := flatRecord{File: arg, URL: url, Credits: []string{}, Breadcrumbs: []string{}}
	if perr != nil {
		rec.Err = perr.Error()
	}
	if p != nil {
		if p.URL != "" {
			rec.URL = p.URL
		}
		rec.Title, rec.TitleFrom = p.Headline, p.HeadlineEvidence
		rec.Date, rec.DateSource, rec.DateText = p.Published.Value, p.Published.Source, p.Published.Text
		rec.Modified = p.Modified.Value
		rec.Author = strings.Join(p.Authors, "; ")
		rec.Source = p.Source
		rec.Dateline = p.Dateline.Raw
		for _, cr := range p.Credits {
			rec.Credits = append(rec.Credits, cr.Text)
		}
		for _, b := range p.Breadcrumbs {
			rec.Breadcrumbs = append(rec.Breadcrumbs, b.Text)
		}
		rec.Kind, rec.Lang, rec.Charset, rec.Canonical = string(p.Kind), p.Lang, p.Charset, p.CanonicalURL
		if rec.Lang == "" {
			rec.Lang = p.DetectedLang
		}
		rec.Links, rec.Images, rec.Words = len(p.Links), len(p.Images), p.WordCount
		rec.Warnings = p.Warnings
		rec.Body = p.Body
	}
	return enc.Encode(rec)
}

// rebuildPages re-derives the stored page of every capture whose page is
// missing or was made by another extractor version.
func rebuildPages(ctx context.Context, e *env, dbPath string, x *extract.Extractor, force bool) error {
	store, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return withCode(exitError, fmt.Errorf("extract --rebuild: %w", err))
	}
	defer store.Close()
	stats, err := store.RebuildPages(ctx, 0, extract.Version, force, x.Capture)
	if err != nil && !errors.Is(err, context.Canceled) {
		return withCode(exitError, fmt.Errorf("extract --rebuild: %w", err))
	}
	fmt.Fprintf(e.stdout, "extract --rebuild: %d captures seen, %d pages re-derived, %d already at %s, %d failed\n",
		stats.Seen, stats.Rebuilt, stats.Current, extract.Version, stats.Failed)
	return err
}
