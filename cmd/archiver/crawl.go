package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v2"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// crawlCommand crawls seeds into the archive.
func crawlCommand(e *env) *cli.Command {
	d := crawl.DefaultConfig()
	env := func(name string) []string {
		return []string{"ARCHIVER_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))}
	}
	str := func(name, value, usage string) *cli.StringFlag {
		return &cli.StringFlag{Name: name, Value: value, Usage: usage, EnvVars: env(name)}
	}
	list := func(name string, value []string, usage string) *cli.StringSliceFlag {
		f := &cli.StringSliceFlag{Name: name, Usage: usage, EnvVars: env(name)}
		if len(value) > 0 {
			f.Value = cli.NewStringSlice(value...)
		}
		return f
	}
	num := func(name string, value int, usage string) *cli.IntFlag {
		return &cli.IntFlag{Name: name, Value: value, Usage: usage, EnvVars: env(name)}
	}
	dur := func(name string, value time.Duration, usage string) *cli.DurationFlag {
		return &cli.DurationFlag{Name: name, Value: value, Usage: usage, EnvVars: env(name)}
	}
	flag := func(name, usage string) *cli.BoolFlag {
		return &cli.BoolFlag{Name: name, Usage: usage, EnvVars: env(name)}
	}
	return &cli.Command{
		Name:      "crawl",
		Usage:     "crawl a portal politely into the archive (resumable)",
		ArgsUsage: "SEED...",
		Description: `SEED is an http(s) URL, a sitemap.xml URL, or a local directory holding a static
build of the site (served under --base-url without any network).

The defaults are polite for a real site and fast for a fast one (--delay auto): each
host gets requests at a pace that follows its response time, one at a time at first,
up to --host-concurrency at once while it answers fast and healthy, fewer and slower as
soon as it refuses (429, 503, Retry-After, 403 after serving pages), fails or slows
down. robots.txt is obeyed, its Crawl-delay honoured; three retries with backoff. A
fixed pace is available: --delay 1s --host-concurrency 1 is one request a second.
URLs that earlier runs captured and nothing links to any more are fetched once per run,
so removed and orphaned pages are seen (--no-revisit to turn this off).

An interrupted crawl (Ctrl-C, a killed process, --max-pages or --max-duration) exits
with code 3; run the same command again, or "archiver crawl --resume", to continue it
without refetching what was done.`,
		Flags: []cli.Flag{
			str("base-url", d.BaseURL, "the site's own origin for a local directory seed"),
			list("include", nil, "crawl only URLs matching a `GLOB` (repeatable; \"/…\" globs match the path)"),
			list("exclude", nil, "do not crawl URLs matching a `GLOB` (repeatable)"),
			num("max-depth", d.MaxDepth, "links followed from a seed at most (0: no limit)"),
			num("max-pages", d.MaxPages, "stop after this many URLs (0: no limit)"),
			dur("max-duration", d.MaxDuration, "stop after this long (0: no limit)"),
			num("workers", d.Workers, "fetches in flight at once, over all hosts"),
			str("delay", "auto", "politeness per host: \"auto\" adapts to each host: the time between two request starts is "+
				fmt.Sprint(d.Adaptive.Factor)+"× the host's recent response time ÷ its concurrency; the concurrency starts at 1, grows up to "+
				"--host-concurrency while the host answers fast and healthy, is halved when it answers twice as slow as usual (and 5 ms more), "+
				"and halved with the delay doubled on 429, 503, Retry-After, other 5xx, timeouts, transport errors and a 403 after pages were served. "+
				"Or a fixed `DURATION` between two request starts, such as 1s (0: none). robots.txt Crawl-delay wins if larger; Retry-After pauses the host"),
			dur("min-delay", d.Adaptive.MinDelay, "with --delay auto, the least time between two request starts to one host"),
			dur("max-delay", d.Adaptive.MaxDelay, "with --delay auto, the most time between two request starts to one host (robots.txt Crawl-delay may exceed it)"),
			num("host-concurrency", d.HostConcurrency, "requests in flight to one host at once: the limit with a fixed --delay, the most it grows to with --delay auto"),
			str("user-agent", d.UserAgent, "User-Agent sent; name the tool and a contact"),
			flag("no-robots", "ignore robots.txt (logged)"),
			flag("cookies", "keep cookies between requests"),
			dur("timeout", d.Timeout, "bound on one request, body included"),
			num("retries", d.Retries, "retries after a transport error, a 5xx or a refusal"),
			dur("backoff", d.Backoff, "wait before the first retry; doubles on each"),
			dur("max-retry-after", d.MaxRetryAfter, "cap on a server's Retry-After"),
			&cli.Int64Flag{Name: "max-body-size", Value: d.MaxBodySize, Usage: "largest body stored, in bytes; longer ones are cut and flagged truncated", EnvVars: env("max-body-size")},
			num("max-redirects", d.MaxRedirects, "longest redirect chain followed"),
			flag("requisites", "also fetch images, scripts and stylesheets"),
			flag("no-revisit", "do not refetch the URLs earlier runs captured that nothing links to any more (by default each is fetched once per run, so removed and orphaned pages are seen)"),
			flag("keep-fragment", "keep #fragments in canonical URLs"),
			flag("keep-query-order", "do not sort query parameters"),
			list("drop-param", d.Canon.DropParams, "tracking query `PARAM` removed from URLs (repeatable; \"x*\" is a prefix)"),
			list("session-param", d.Canon.SessionParams, "session id `PARAM` removed from queries and ;name= path parameters (repeatable)"),
			flag("separate-host-variants", "treat http/https and www/bare hosts as different sites"),
			num("max-url-length", d.Traps.MaxURLLength, "longest URL fetched"),
			num("max-segment-repeat", d.Traps.MaxSegmentRepeat, "times one path segment may repeat in a URL"),
			num("max-param-repeat", d.Traps.MaxParamRepeat, "times one query parameter may repeat in a URL"),
			num("same-content-limit", d.Traps.SameContentLimit, "duplicate bodies of one URL shape before the shape is skipped (0: off)"),
			str("calendar-from", "", "first `DATE` (YYYY-MM-DD) of calendar URLs crawled (default: learned from the site)"),
			str("calendar-to", "", "last `DATE` (YYYY-MM-DD) of calendar URLs crawled (default: learned from the site)"),
			dur("calendar-slack", d.Traps.CalendarSlack, "margin around the learned calendar range"),
			list("volatile", nil, "`REGEXP` of a part of pages that changes on every request, masked when comparing bodies for duplicates (repeatable)"),
			list("resolve", nil, "map `HOST:PORT=ADDR:PORT` as curl --resolve does (repeatable)"),
			flag("resume", "resume the newest incomplete run (of these seeds, if given)"),
			&cli.Int64Flag{Name: "resume-run", Usage: "resume this run `ID`", EnvVars: env("resume-run")},
			flag("fresh", "start a new run even if an incomplete run of these seeds exists"),
			str("derive", "none", "derive the page of each HTML capture as it is stored, for the checks to read instead of deriving it: "+
				"`LEVEL` links (what the links pack reads: links, ids, title, kind; about a tenth of a full extraction), "+
				"full (what every rule pack reads), or none (each check derives what it needs). Worth it on a polite crawl, "+
				"whose workers mostly wait; on a crawl bound by CPU it moves the work from the check to the crawl"),
		},
		Action: func(c *cli.Context) error { return runCrawl(c, e) },
	}
}

// crawlConfig builds the crawl configuration from the flags.
func crawlConfig(c *cli.Context) (crawl.Config, error) {
	cfg := crawl.DefaultConfig()
	cfg.Seeds = c.Args().Slice()
	if err := applyCrawlFlags(c, &cfg, false); err != nil {
		return cfg, err
	}
	// The derivation is not part of a run's stored configuration: a
	// resumed run derives as the command that resumes it says.
	var err error
	cfg.Derive, err = pageDeriver(c.String("derive"))
	return cfg, err
}

// applyCrawlFlags sets cfg from the flags: all of them, or with onlySet
// only those given on the command line or in the environment (to override
// the configuration a resumed run was started with).
func applyCrawlFlags(c *cli.Context, cfg *crawl.Config, onlySet bool) error {
	use := func(name string) bool { return !onlySet || c.IsSet(name) }
	str := func(name string, dst *string) {
		if use(name) {
			*dst = c.String(name)
		}
	}
	list := func(name string, dst *[]string) {
		if use(name) {
			*dst = c.StringSlice(name)
		}
	}
	num := func(name string, dst *int) {
		if use(name) {
			*dst = c.Int(name)
		}
	}
	dur := func(name string, dst *time.Duration) {
		if use(name) {
			*dst = c.Duration(name)
		}
	}
	flag := func(name string, dst *bool, invert bool) {
		if use(name) {
			*dst = c.Bool(name) != invert
		}
	}
	str("base-url", &cfg.BaseURL)
	list("include", &cfg.Include)
	list("exclude", &cfg.Exclude)
	num("max-depth", &cfg.MaxDepth)
	num("max-pages", &cfg.MaxPages)
	dur("max-duration", &cfg.MaxDuration)
	num("workers", &cfg.Workers)
	if use("delay") {
		d, err := crawl.ParseDelay(c.String("delay"))
		if err != nil {
			return usageErrorf("--delay: want auto or a duration such as 1s, got %q", c.String("delay"))
		}
		cfg.Delay = d
	}
	dur("min-delay", &cfg.Adaptive.MinDelay)
	dur("max-delay", &cfg.Adaptive.MaxDelay)
	num("host-concurrency", &cfg.HostConcurrency)
	str("user-agent", &cfg.UserAgent)
	flag("no-robots", &cfg.Robots, true)
	flag("cookies", &cfg.Cookies, false)
	dur("timeout", &cfg.Timeout)
	num("retries", &cfg.Retries)
	dur("backoff", &cfg.Backoff)
	dur("max-retry-after", &cfg.MaxRetryAfter)
	if use("max-body-size") {
		cfg.MaxBodySize = c.Int64("max-body-size")
	}
	num("max-redirects", &cfg.MaxRedirects)
	flag("requisites", &cfg.Requisites, false)
	flag("no-revisit", &cfg.Revisit, true)
	flag("keep-fragment", &cfg.Canon.KeepFragment, false)
	flag("keep-query-order", &cfg.Canon.KeepQueryOrder, false)
	list("drop-param", &cfg.Canon.DropParams)
	list("session-param", &cfg.Canon.SessionParams)
	flag("separate-host-variants", &cfg.Canon.SeparateHostVariants, false)
	num("max-url-length", &cfg.Traps.MaxURLLength)
	num("max-segment-repeat", &cfg.Traps.MaxSegmentRepeat)
	num("max-param-repeat", &cfg.Traps.MaxParamRepeat)
	num("same-content-limit", &cfg.Traps.SameContentLimit)
	list("volatile", &cfg.Traps.Volatile)
	dur("calendar-slack", &cfg.Traps.CalendarSlack)
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"calendar-from", &cfg.Traps.CalendarFrom}, {"calendar-to", &cfg.Traps.CalendarTo}} {
		if v := c.String(f.name); v != "" && use(f.name) {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				return usageErrorf("--%s: want YYYY-MM-DD, got %q", f.name, v)
			}
			*f.dst = t
		}
	}
	list("resolve", &cfg.Resolve)
	return nil
}

func runCrawl(c *cli.Context, e *env) error {
	cfg, err := crawlConfig(c)
	if err != nil {
		return err
	}
	jsonLogs := c.String("log-format") == "json"
	if f := c.String("log-format"); f != "json" && f != "text" {
		return usageErrorf("--log-format: want text or json, got %q", f)
	}
	terminal := false
	if f, ok := e.stderr.(*os.File); ok {
		terminal = isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
	}
	logOut := &lineWriter{w: e.stderr}
	if jsonLogs {
		cfg.Logger = slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
	} else {
		cfg.Logger = slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	cfg.Now = e.now
	switch {
	case jsonLogs:
		cfg.ProgressInterval = 5 * time.Second
		cfg.OnProgress = func(p crawl.Progress) {
			cfg.Logger.Info("progress", "run", p.RunID, "pages", p.Pages, "fetches", p.Fetches, "queued", p.Queued,
				"in_flight", p.InFlight, "errors", p.Errors, "refused", p.Refused, "rate", fmt.Sprintf("%.1f", p.Rate), "done", p.Done)
		}
	case terminal:
		cfg.ProgressInterval = 200 * time.Millisecond
		cfg.OnProgress = func(p crawl.Progress) {
			line := fmt.Sprintf("\r\033[Kcrawl run %d: %d pages, %d queued, %d in flight, %d errors, %d refused, %.0f pages/s, %s",
				p.RunID, p.Pages, p.Queued, p.InFlight, p.Errors, p.Refused, p.Rate, p.Elapsed.Round(time.Second))
			if p.Done {
				line += "\n"
			}
			logOut.progress(line)
		}
	}

	store, err := sqlite.Open(c.Context, c.String("db"))
	if err != nil {
		return withCode(exitError, err)
	}
	defer store.Close()

	// Resume: an explicit run, the newest incomplete one, or (without
	// --fresh) the newest run of the same seeds if it did not complete.
	var resume archive.Run
	switch {
	case c.Int64("resume-run") != 0:
		resume, err = store.Run(c.Context, c.Int64("resume-run"))
		if err != nil {
			return withCode(exitError, fmt.Errorf("resume run %d: %w", c.Int64("resume-run"), err))
		}
	case c.Bool("resume") || (!c.Bool("fresh") && len(cfg.Seeds) > 0):
		resume, err = crawl.Resumable(c.Context, store, cfg.Seeds)
		if err != nil && !errors.Is(err, archive.ErrNotFound) {
			return withCode(exitError, err)
		}
		if err != nil && c.Bool("resume") {
			return usageErrorf("crawl --resume: no incomplete run to resume")
		}
	}
	if resume.ID != 0 {
		if cfg, err = crawl.RestoreConfig(resume, cfg); err != nil {
			return withCode(exitError, err)
		}
		// Flags given now override the run's own configuration.
		if err := applyCrawlFlags(c, &cfg, true); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "archiver: resuming run %d (%s) of %s\n", resume.ID, resume.Status, strings.Join(resume.Seeds, " "))
	} else if len(cfg.Seeds) == 0 {
		return usageErrorf("crawl: give at least one SEED (a URL or a directory), or --resume")
	}

	sum, err := crawl.Run(c.Context, cfg, store)
	if sum.RunID != 0 {
		if jsonLogs {
			enc := json.NewEncoder(e.stdout)
			if werr := enc.Encode(sum); werr != nil && err == nil {
				err = werr
			}
		} else {
			writeSummary(e.stdout, sum)
		}
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, crawl.ErrIncomplete):
		return withCode(exitIncomplete, err)
	case errors.Is(err, crawl.ErrConfig):
		return withCode(exitError, err)
	case errors.Is(err, crawl.ErrRunComplete):
		return withCode(exitError, err)
	case c.Context.Err() != nil:
		return withCode(exitIncomplete, fmt.Errorf("crawl interrupted: %w", err))
	}
	return withCode(exitError, err)
}

// pageDeriver returns the derivation a crawl's --derive names: a
// links-level or a full extraction (as the checks that read the pages
// make them), or nil for none.
func pageDeriver(level string) (func(*archive.Capture) (*archive.Page, error), error) {
	switch level {
	case "links":
		return extract.New(extract.Options{LinksOnly: true}).Capture, nil
	case "full":
		return extract.New(extract.Options{}).Capture, nil
	case "none":
		return nil, nil
	}
	return nil, usageErrorf("--derive: want links, full or none, got %q", level)
}

// writeSummary prints the end-of-crawl summary.
func writeSummary(w io.Writer, s crawl.Summary) {
	fmt.Fprintf(w, "run %d: %s in %s\n", s.RunID, s.Status, s.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "  captured %d (new bodies), revisits %d, refused %d, errors %d, %d requests, %d body bytes\n",
		s.Counts.Captured, s.Counts.Revisits, s.Counts.Refused, s.Counts.Errors, s.Fetches, s.Counts.Bytes)
	if len(s.Counts.Skipped) > 0 {
		keys := make([]string, 0, len(s.Counts.Skipped))
		for k := range s.Counts.Skipped {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprint(w, "  skipped:")
		for _, k := range keys {
			fmt.Fprintf(w, " %s %d", k, s.Counts.Skipped[k])
		}
		fmt.Fprintln(w)
	}
	if s.Revisited > 0 {
		fmt.Fprintf(w, "  revisited %d URLs known from earlier runs that nothing links to any more\n", s.Revisited)
	}
	for _, h := range s.Hosts {
		fmt.Fprintf(w, "  host %s: %d requests, %d backoffs, concurrency %d (at most %d), delay %s, response time %s\n",
			h.Host, h.Requests, h.Backoffs, h.Concurrency, h.MaxConcurrency, h.Delay.Round(time.Microsecond), h.Latency.Round(time.Microsecond))
	}
	if s.Status != archive.RunComplete {
		fmt.Fprintf(w, "  stopped: %s, %d URLs left; run the command again (or archiver crawl --resume) to continue\n", s.Stopped, s.Queued)
	}
}

// lineWriter serialises log lines and a progress line on one stream: a log
// line clears the progress line first.
type lineWriter struct {
	mu       sync.Mutex
	w        io.Writer
	progLine bool
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.progLine {
		io.WriteString(l.w, "\r\033[K")
		l.progLine = false
	}
	return l.w.Write(p)
}

func (l *lineWriter) progress(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	io.WriteString(l.w, line)
	l.progLine = !strings.HasSuffix(line, "\n")
}
