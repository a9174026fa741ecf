package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/portal"
	"github.com/urfave/cli/v2"
)

// demoCommand serves the embedded demo portal.
func demoCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "run the main job on the embedded demo portal: serve it, crawl it on two days, check it, write the report",
		Description: `demo generates the demo portal (a government news portal modelled on the English
site of the Republic of Belarus, in English, Russian and Belarusian, with planted
defects, broken links, redirects, duplicates, crawler traps and windows-1251 pages)
and serves it on 127.0.0.1. It prints the portal's address and a summary of its
manifest, then does the main job as a user would:

   archiver --db snapshots/demo.db crawl --delay 0 URL    (once per day, --days times)
   archiver --db snapshots/demo.db check --fail-on never --summary
   archiver --db snapshots/demo.db report

The portal stands on a later day for each crawl (new articles, silent edits,
corrections, removals), so the report shows changes and removals. The commands
run on the portal's own calendar (its "today", in 2024, at the current time of
day), as a scheduled job beside the portal would, so capture times in the report
are the portal's days. The demo's archive (snapshots/demo.db, or --db) is
recreated on every run.

With --serve it only serves the portal until interrupted, for a person to browse.
With --manifest FILE (or - for standard output) it only writes the manifest, the
planted truth that tests score crawls, extraction and checks against, as JSON.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:0", Usage: "listen `ADDRESS` (port 0 picks a free one)", EnvVars: []string{"ARCHIVER_DEMO_ADDR"}},
			&cli.BoolFlag{Name: "serve", Usage: "keep serving until interrupted", EnvVars: []string{"ARCHIVER_DEMO_SERVE"}},
			&cli.StringFlag{Name: "manifest", Usage: "write the manifest as JSON to `FILE` (- for standard output)", EnvVars: []string{"ARCHIVER_DEMO_MANIFEST"}},
			&cli.Int64Flag{Name: "seed", Value: 1, Usage: "generator `SEED`", EnvVars: []string{"ARCHIVER_DEMO_SEED"}},
			&cli.IntFlag{Name: "articles", Value: 60, Usage: "`N` articles per language (at least 24)", EnvVars: []string{"ARCHIVER_DEMO_ARTICLES"}},
			&cli.IntFlag{Name: "day", Value: 0, Usage: "the `DAY` the portal stands on (0 = first; N applies N days of edits, removals and new articles)", EnvVars: []string{"ARCHIVER_DEMO_DAY"}},
			&cli.StringFlag{Name: "host", Usage: "canonical `HOST` name (e.g. www.portal.example): requests for the bare host or over plain HTTP to it redirect", EnvVars: []string{"ARCHIVER_DEMO_HOST"}},
			&cli.Float64Flag{Name: "rate-limit-429", Usage: "`SHARE` (0..1) of URLs whose first request is refused with 429 and Retry-After", EnvVars: []string{"ARCHIVER_DEMO_RATE_LIMIT_429"}},
			&cli.IntFlag{Name: "rate-limit-403", Usage: "refuse with 403 every request of a client to the speeches area after `N` requests (0 = off)", EnvVars: []string{"ARCHIVER_DEMO_RATE_LIMIT_403"}},
			&cli.IntFlag{Name: "days", Value: 2, Usage: "crawl the portal as it stands on `N` consecutive days, one crawl each, so the report shows changes and removals", EnvVars: []string{"ARCHIVER_DEMO_DAYS"}},
			&cli.StringFlag{Name: "out", Usage: "write the report into `DIR` (default: snapshots/reports/check-ID)", EnvVars: []string{"ARCHIVER_DEMO_OUT"}},
			&cli.DurationFlag{Name: "slow", Usage: "delay day archives and calendar pages by `DURATION` (0 = off)", EnvVars: []string{"ARCHIVER_DEMO_SLOW"}},
		},
		Action: func(c *cli.Context) error {
			cfg := portal.Config{Seed: c.Int64("seed"), Articles: c.Int("articles"), Day: c.Int("day"), Host: c.String("host"),
				Quirks: portal.Quirks{RateLimit429: c.Float64("rate-limit-429"), RateLimit403: c.Int("rate-limit-403"), Slow: c.Duration("slow")}}
			if c.Args().Len() > 0 {
				return usageErrorf("demo: unexpected arguments %v", c.Args().Slice())
			}
			if c.Int("days") < 1 {
				return usageErrorf("demo: --days must be at least 1")
			}
			if c.String("manifest") == "" && !c.Bool("serve") {
				db := demoDBPath
				if c.IsSet("db") {
					db = c.String("db")
				}
				return runDemo(c.Context, e, demoOptions{Addr: c.String("addr"), Portal: cfg, Days: c.Int("days"), DB: db, Out: c.String("out")})
			}
			base, p, stop, err := startDemoPortal(c.Context, demoPortalConfig{Addr: c.String("addr"), Portal: cfg})
			if err != nil {
				return err
			}
			defer stop()
			m := p.Manifest()
			if path := c.String("manifest"); path != "" {
				if err := writeManifest(e, path, m); err != nil {
					return err
				}
			}
			out := e.stdout
			if c.String("manifest") == "-" {
				out = e.stderr // keep standard output pure JSON
			}
			fmt.Fprintf(out, "demo portal: %s/en/\n", base)
			printManifestSummary(out, m)
			if !c.Bool("serve") {
				return nil
			}
			fmt.Fprintln(out, "serving; press Ctrl-C to stop")
			<-c.Context.Done()
			return nil
		},
	}
}

// demoDBPath is the demo's own archive, apart from the default archive.
const demoDBPath = "snapshots/demo.db"

// demoOptions configure the demo's whole job.
type demoOptions struct {
	Addr   string        // where to serve the portal
	Portal portal.Config // the portal of the first day
	Days   int           // how many days to crawl, one crawl per day
	DB     string        // the archive, recreated
	Out    string        // the report's directory; "" = beside the archive
}

// runDemo does the main job on the demo portal, exactly as a user would
// with the commands: it serves the portal as it stands on each of
// o.Days consecutive days (on one address, so URLs stay the same) and crawls
// it once per day into a fresh archive, then checks the archive and writes
// the auditor's report.
//
// The commands run on the portal's calendar, as a scheduled job on the
// portal's own server would: each crawl on the day the portal stands on
// (its manifest's Today, at the wall clock's time of day), the check and
// the report after the last crawl. On the wall clock the portal's dates
// (2024) would be years old and its planted future dates in the past, and
// the daily runs minutes apart.
func runDemo(ctx context.Context, e *env, o demoOptions) error {
	addr := o.Addr
	stopLast := func() {}
	defer func() { stopLast() }()
	var de *env
	for day := 0; day < o.Days; day++ {
		cfg := o.Portal
		cfg.Day += day
		base, p, stop, err := startDemoPortal(ctx, demoPortalConfig{Addr: addr, Portal: cfg})
		if err != nil {
			return err
		}
		if de, err = onPortalDay(e, p.Manifest().Today); err != nil {
			stop()
			return err
		}
		addr = strings.TrimPrefix(base, "http://")
		if day == 0 {
			// Only once the portal's configuration and address proved
			// good is the previous demo archive replaced.
			if err := resetArchive(o.DB); err != nil {
				stop()
				return err
			}
			fmt.Fprintf(e.stdout, "demo portal: %s/en/\n", base)
			printManifestSummary(e.stdout, p.Manifest())
		}
		fmt.Fprintf(e.stdout, "\n== crawl %d of %d: the portal on day %d ==\n", day+1, o.Days, cfg.Day)
		// Only the last day's run is checked, with every pack: its crawl
		// derives full pages for the check to read, the others none.
		derive := "none"
		if day == o.Days-1 {
			derive = "full"
		}
		err = de.subcommand(ctx, "--db", o.DB, "crawl", "--delay", "0", "--fresh", "--derive", derive, base+"/")
		if day == o.Days-1 {
			// The portal stays up for the check, which verifies live the
			// links the crawl did not follow, as it would on a real site.
			stopLast = stop
		} else {
			stop()
		}
		if err != nil {
			return fmt.Errorf("demo: crawl of day %d: %w", cfg.Day, err)
		}
	}
	fmt.Fprintf(e.stdout, "\n== check ==\n")
	if err := de.subcommand(ctx, "--db", o.DB, "check", "--fail-on", "never", "--summary"); err != nil {
		return fmt.Errorf("demo: check: %w", err)
	}
	fmt.Fprintf(e.stdout, "\n== report ==\n")
	args := []string{"--db", o.DB, "report"}
	if o.Out != "" {
		args = append(args, "--out", o.Out)
	}
	if err := de.subcommand(ctx, args...); err != nil {
		return fmt.Errorf("demo: report: %w", err)
	}
	fmt.Fprintf(e.stdout, "\narchive: %s (archiver --db %s runs | show URL | history URL | diff URL)\n", o.DB, o.DB)
	return nil
}

// onPortalDay returns e with its clock moved to the portal's date today
// (YYYY-MM-DD), keeping the time of day and the passing of time of e's
// clock.
func onPortalDay(e *env, today string) (*env, error) {
	d, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return nil, withCode(exitError, fmt.Errorf("demo: the portal's date %q: %w", today, err))
	}
	now := e.now().UTC()
	offset := time.Date(d.Year(), d.Month(), d.Day(), now.Hour(), now.Minute(), now.Second(), now.Nanosecond(), time.UTC).Sub(now)
	de := *e
	de.now = func() time.Time { return e.now().Add(offset) }
	return &de, nil
}

// resetArchive removes the demo's archive file and its WAL files, so that
// every demo starts from an empty archive.
func resetArchive(db string) error {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(db + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return withCode(exitError, fmt.Errorf("demo: %w", err))
		}
	}
	if err := os.MkdirAll(filepath.Dir(db), 0o755); err != nil {
		return withCode(exitError, fmt.Errorf("demo: %w", err))
	}
	return nil
}

// subcommand runs another archiver command in process, with this
// process's streams and clock, as if it were typed after "archiver".
func (e *env) subcommand(ctx context.Context, args ...string) error {
	return newAppEnv(e).RunContext(ctx, append([]string{"archiver"}, args...))
}

// demoPortalConfig says which demo portal to serve where.
type demoPortalConfig struct {
	Addr   string        // listen address; "" or "127.0.0.1:0" picks a free port
	Portal portal.Config // the generator's configuration
}

// startDemoPortal generates the portal of cfg and serves it on cfg.Addr.
// It returns the base URL (such as "http://127.0.0.1:41234", without a
// trailing slash), the portal (for its Manifest), and a stop function that
// shuts the server down and waits for it; the server also stops when ctx
// ends. stop must be called exactly once.
func startDemoPortal(ctx context.Context, cfg demoPortalConfig) (baseURL string, p *portal.Portal, stop func(), err error) {
	addr := cfg.Addr
	p, err = portal.New(cfg.Portal)
	if err != nil {
		return "", nil, nil, usageErrorf("demo: %v", err)
	}
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, nil, withCode(exitError, fmt.Errorf("demo: listen: %w", err))
	}
	srv := &http.Server{Handler: p.Handler(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln) // returns http.ErrServerClosed after Shutdown
	}()
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		<-ctx.Done()
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		if err := srv.Shutdown(sctx); err != nil {
			_ = srv.Close()
		}
	}()
	stop = func() {
		cancel()
		<-done
	}
	return "http://" + ln.Addr().String(), p, stop, nil
}

// writeManifest writes the manifest JSON to path, or standard output for "-".
func writeManifest(e *env, path string, m *portal.Manifest) error {
	var w io.Writer = e.stdout
	var f *os.File
	if path != "-" {
		var err error
		f, err = os.Create(path)
		if err != nil {
			return withCode(exitError, fmt.Errorf("demo: manifest: %w", err))
		}
		w = f
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	err := enc.Encode(m)
	if f != nil {
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		return withCode(exitError, fmt.Errorf("demo: manifest: %w", err))
	}
	return nil
}

// printManifestSummary prints page counts by kind, quirk, defect and link
// reason.
func printManifestSummary(w io.Writer, m *portal.Manifest) {
	fmt.Fprintf(w, "seed %d, %d articles per language, day %d (today %s), %d URLs, %d clean articles\n",
		m.Seed, m.Articles, m.Day, m.Today, m.Counts.Pages, m.Counts.Clean)
	section := func(title string, counts map[string]int) {
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(w, "%s:\n", title)
		for _, k := range keys {
			fmt.Fprintf(w, "  %-24s %6d\n", k, counts[k])
		}
	}
	conv := func(f func(yield func(string, int))) map[string]int {
		out := map[string]int{}
		f(func(k string, v int) { out[k] = v })
		return out
	}
	section("pages by kind", conv(func(y func(string, int)) {
		for k, v := range m.Counts.ByKind {
			y(string(k), v)
		}
	}))
	section("pages by quirk", conv(func(y func(string, int)) {
		for k, v := range m.Counts.ByQuirk {
			y(string(k), v)
		}
	}))
	section("planted defects", conv(func(y func(string, int)) {
		for k, v := range m.Counts.Defects {
			y(string(k), v)
		}
	}))
	section("listed links by reason", conv(func(y func(string, int)) {
		for k, v := range m.Counts.Links {
			y(string(k), v)
		}
	}))
	fmt.Fprintf(w, "traps %d, empty days %d (and %d before the archive), redirects %d, changes %d\n", len(m.Traps), len(m.EmptyDays), len(m.EmptyDaysBefore), len(m.Redirects), len(m.Changes))
}
