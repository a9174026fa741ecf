package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// showCommand prints one capture of a URL.
func showCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "show the latest capture of a URL: metadata, redirects, status, SHA-256; or its exact body or headers",
		ArgsUsage: "URL",
		Description: `Finds the newest capture of URL, in any run or in the run given with --run. URL is
matched as a canonical URL, as the URL requested, as the final URL after redirects,
as an alias the crawl recorded, and finally canonicalised as the newest run's crawl
configuration does.

Without flags it prints the capture's metadata: the run, when it was fetched, the
request, the status, the redirect chain, the final URL, the size, the body's SHA-256
and the URL's aliases. With --raw it writes the body exactly as the server sent it
(after removing gzip or other content encodings, before any charset conversion) to
standard output and nothing else; with --headers, the status line and the response
headers as received.`,
		Flags: []cli.Flag{
			&cli.Int64Flag{Name: "run", Usage: "the `ID` of the run to look in (default: the newest capture in any run)", EnvVars: []string{"ARCHIVER_SHOW_RUN"}},
			&cli.BoolFlag{Name: "raw", Usage: "write the body's exact bytes to standard output", EnvVars: []string{"ARCHIVER_SHOW_RAW"}},
			&cli.BoolFlag{Name: "headers", Usage: "write the status line and response headers", EnvVars: []string{"ARCHIVER_SHOW_HEADERS"}},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "format of the metadata: text or json", EnvVars: []string{"ARCHIVER_SHOW_FORMAT"}},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErrorf("show: want exactly one URL, got %d arguments", c.NArg())
			}
			raw, headers := c.Bool("raw"), c.Bool("headers")
			if raw && headers {
				return usageErrorf("show: --raw and --headers exclude each other")
			}
			format := c.String("format")
			if format != "text" && format != "json" {
				return usageErrorf("show --format: want text or json, got %q", format)
			}
			runID := c.Int64("run")
			if runID < 0 {
				return usageErrorf("show --run: want a run id, got %d", runID)
			}
			store, err := openArchiveReadOnly(c.Context, c.String("db"))
			if err != nil {
				return err
			}
			defer store.Close()
			if runID != 0 {
				if _, err := store.Run(c.Context, runID); err != nil {
					return withCode(exitError, err)
				}
			}
			capt, err := findCapture(c.Context, store, c.Args().First(), runID)
			if err != nil {
				return withCode(exitError, err)
			}
			switch {
			case raw:
				return writeRawBody(c.Context, e.stdout, store, capt)
			case headers:
				return writeHeaders(e.stdout, capt)
			}
			aliases, err := store.Aliases(c.Context, capt.CanonicalURL)
			if err != nil {
				return withCode(exitError, err)
			}
			if format == "json" {
				return writeCaptureJSON(e.stdout, capt, aliases)
			}
			return writeCaptureText(e.stdout, capt, aliases)
		},
	}
}

// findCapture finds the newest capture of raw in run runID (0: any run):
// as given first, then canonicalised as the newest run's crawl does.
func findCapture(ctx context.Context, store *sqlite.Store, raw string, runID int64) (*archive.Capture, error) {
	c, err := store.FindCapture(ctx, raw, runID)
	if err == nil || !errors.Is(err, archive.ErrNotFound) {
		return c, err
	}
	canon, cerr := runCanonical(ctx, store)
	if cerr != nil {
		return nil, cerr
	}
	if u := canon(raw); u != raw {
		if c, cerr := store.FindCapture(ctx, u, runID); cerr == nil || !errors.Is(cerr, archive.ErrNotFound) {
			return c, cerr
		}
	}
	return nil, err
}

// writeRawBody writes the capture's body, byte for byte.
func writeRawBody(ctx context.Context, w io.Writer, store *sqlite.Store, c *archive.Capture) error {
	if c.BodySHA256 == "" {
		return withCode(exitError, fmt.Errorf("capture %d of %s has no body (%s)", c.ID, c.URL, describeNoBody(c)))
	}
	body, err := store.Body(ctx, c.BodySHA256)
	if err != nil {
		return withCode(exitError, err)
	}
	_, err = w.Write(body)
	return err
}

func describeNoBody(c *archive.Capture) string {
	if c.Error != "" {
		return "no response: " + c.Error
	}
	return "no response"
}

// writeHeaders writes the status line and the response headers, sorted by
// name, each value on its own line as received.
func writeHeaders(w io.Writer, c *archive.Capture) error {
	if c.Status == 0 {
		return withCode(exitError, fmt.Errorf("capture %d of %s has no response headers (%s)", c.ID, c.URL, describeNoBody(c)))
	}
	proto := c.Proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d %s\n", proto, c.Status, http.StatusText(c.Status))
	writeHeaderLines(&b, "", c.Header)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeHeaderLines(b *strings.Builder, indent string, h http.Header) {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range h[name] {
			fmt.Fprintf(b, "%s%s: %s\n", indent, name, v)
		}
	}
}

func writeCaptureText(w io.Writer, c *archive.Capture, aliases []sqlite.Alias) error {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	row := func(k, format string, args ...any) { fmt.Fprintf(tw, "%s\t"+format+"\n", append([]any{k}, args...)...) }
	row("URL", "%s", c.URL)
	row("Canonical URL", "%s", c.CanonicalURL)
	row("Run", "%d", c.RunID)
	row("Capture", "%d", c.ID)
	row("Fetched (UTC)", "%s, in %s", c.FetchedAt.UTC().Format(time.RFC3339Nano), c.Duration)
	if c.Status == 0 {
		row("Status", "no response")
	} else {
		row("Status", "%d %s (%s)", c.Status, http.StatusText(c.Status), c.Proto)
	}
	row("Verdict", "%s", c.Verdict)
	if c.RevisitOf != 0 {
		row("Revisit of", "capture %d", c.RevisitOf)
	}
	if c.Error != "" {
		row("Error", "%s", c.Error)
	}
	for i, r := range c.Redirects {
		row(fmt.Sprintf("Redirect %d", i+1), "%d %s -> %s", r.Status, r.URL, r.Location)
	}
	if c.FinalURL != "" {
		row("Final URL", "%s", c.FinalURL)
	}
	if ct := c.ContentType(); ct != "" {
		row("Content-Type", "%s", ct)
	}
	size := fmt.Sprintf("%d bytes", c.Size)
	if c.ContentLength >= 0 {
		size += fmt.Sprintf(" (Content-Length %d)", c.ContentLength)
	}
	if c.Truncated {
		size += ", truncated at the size limit"
	}
	row("Size", "%s", size)
	if c.BodySHA256 != "" {
		row("SHA-256", "%s", c.BodySHA256)
	}
	row("Depth", "%d", c.Depth)
	if c.DiscoveredFrom != "" {
		row("Discovered from", "%s", c.DiscoveredFrom)
	}
	row("Request", "%s %s", c.Method, c.URL)
	if c.RemoteAddr != "" {
		row("Remote address", "%s", c.RemoteAddr)
	}
	for _, a := range aliases {
		if a.Alias == c.CanonicalURL {
			row("Alias of", "%s (run %d, %s)", a.Canonical, a.RunID, a.Reason)
		} else {
			row("Alias", "%s (run %d, %s)", a.Alias, a.RunID, a.Reason)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(c.RequestHeader) > 0 {
		b.WriteString("Request headers:\n")
		writeHeaderLines(&b, "  ", c.RequestHeader)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// captureJSON is the JSON form of `archiver show --format json`.
type captureJSON struct {
	ID             int64              `json:"id"`
	RunID          int64              `json:"run_id"`
	URL            string             `json:"url"`
	CanonicalURL   string             `json:"canonical_url"`
	FinalURL       string             `json:"final_url"`
	Redirects      []archive.Redirect `json:"redirects"`
	Method         string             `json:"method"`
	RequestHeader  http.Header        `json:"request_headers"`
	Status         int                `json:"status"`
	Proto          string             `json:"proto"`
	Header         http.Header        `json:"headers"`
	RemoteAddr     string             `json:"remote_addr"`
	FetchedAt      time.Time          `json:"fetched_at"`
	DurationMS     float64            `json:"duration_ms"`
	ContentLength  int64              `json:"content_length"`
	Size           int64              `json:"size"`
	Truncated      bool               `json:"truncated"`
	BodySHA256     string             `json:"body_sha256,omitempty"`
	Depth          int                `json:"depth"`
	DiscoveredFrom string             `json:"discovered_from,omitempty"`
	Verdict        archive.Verdict    `json:"verdict"`
	RevisitOf      int64              `json:"revisit_of,omitempty"`
	Error          string             `json:"error,omitempty"`
	Aliases        []sqlite.Alias     `json:"aliases"`
}

func writeCaptureJSON(w io.Writer, c *archive.Capture, aliases []sqlite.Alias) error {
	j := captureJSON{
		ID: c.ID, RunID: c.RunID, URL: c.URL, CanonicalURL: c.CanonicalURL, FinalURL: c.FinalURL,
		Redirects: c.Redirects, Method: c.Method, RequestHeader: c.RequestHeader, Status: c.Status,
		Proto: c.Proto, Header: c.Header, RemoteAddr: c.RemoteAddr, FetchedAt: c.FetchedAt,
		DurationMS: float64(c.Duration) / float64(time.Millisecond), ContentLength: c.ContentLength,
		Size: c.Size, Truncated: c.Truncated, BodySHA256: c.BodySHA256, Depth: c.Depth,
		DiscoveredFrom: c.DiscoveredFrom, Verdict: c.Verdict, RevisitOf: c.RevisitOf, Error: c.Error,
		Aliases: aliases,
	}
	if j.Redirects == nil {
		j.Redirects = []archive.Redirect{}
	}
	if j.Aliases == nil {
		j.Aliases = []sqlite.Alias{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}
