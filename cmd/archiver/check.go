package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v2"
	"go.yaml.in/yaml/v3"

	"github.com/archiver-dev/archiver/internal/check"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/links"
	"github.com/archiver-dev/archiver/internal/links/pipeline"
	"github.com/archiver-dev/archiver/internal/report"
	"github.com/archiver-dev/archiver/internal/sqlite"
	"github.com/archiver-dev/archiver/internal/timeline"
	"github.com/archiver-dev/archiver/rules"
)

// checkCommand checks a crawl run against the rule packs.
func checkCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "check a crawl run against the rule packs; exit 1 on findings at or above --fail-on",
		ArgsUsage: "[SEED...]",
		Description: `check evaluates the rules (the default editorial, links and archive packs, and
every --rules DIR) over the pages of a crawl run — the newest, or --run ID — and
writes the findings in --format to --out (standard output by default). Each check
run is stored in the archive, so findings are new, persisting or resolved since the
previous check run.

With SEED arguments (a URL, or a directory holding a static build with --base-url
naming its origin) it first crawls them — into --db when it is given, else into a
temporary archive that is removed afterwards — and checks that crawl: CI in one
command, e.g.

   archiver check ./public --base-url https://www.example.gov --format github

Only findings at or above --fail-on (default error) that are neither waived nor in
the --baseline fail the run. --update-baseline writes the baseline from this run.
Rule overrides (severity, scope, params, disabled) come from the --config file:

   check:
     fail-on: warning
     overrides:
       editorial/attribution-missing: {params: {allow_agency_only: false}}
       editorial/*: {scope: {exclude: ["/archive/**"]}}

EXIT CODES: 0 clean, 1 findings at or above --fail-on (or more than --max-findings),
2 a usage, rule, configuration or storage error, 3 the crawl before the check was
interrupted.`,
		Flags: []cli.Flag{
			&cli.Int64Flag{Name: "run", Usage: "check crawl run `ID` (default: the newest)", EnvVars: []string{"ARCHIVER_RUN"}},
			&cli.StringSliceFlag{Name: "rules", Usage: "also load the rule packs in `DIR` (repeatable)", EnvVars: []string{"ARCHIVER_RULES"}},
			&cli.BoolFlag{Name: "no-default-rules", Usage: "load only the --rules packs", EnvVars: []string{"ARCHIVER_NO_DEFAULT_RULES"}},
			&cli.StringSliceFlag{Name: "only", Usage: "run only the rules with these `ID`s or id globs (repeatable)", EnvVars: []string{"ARCHIVER_ONLY"}},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: text, json, csv, sarif, junit, github or gitlab", EnvVars: []string{"ARCHIVER_FORMAT"}},
			&cli.StringFlag{Name: "out", Usage: "write the output to `FILE` (default: standard output)", EnvVars: []string{"ARCHIVER_OUT"}},
			&cli.StringFlag{Name: "fail-on", Value: "error", Usage: "fail (exit 1) on open findings at or above: error, warning, note or never", EnvVars: []string{"ARCHIVER_FAIL_ON"}},
			&cli.IntFlag{Name: "max-findings", Value: -1, Usage: "also fail when more than `N` findings are open, whatever their severity (-1: no limit)", EnvVars: []string{"ARCHIVER_MAX_FINDINGS"}},
			&cli.StringFlag{Name: "baseline", Usage: "accept the findings listed in `FILE` (JSON); only new ones fail", EnvVars: []string{"ARCHIVER_BASELINE"}},
			&cli.BoolFlag{Name: "update-baseline", Usage: "write --baseline from this run's findings (waived ones excepted)", EnvVars: []string{"ARCHIVER_UPDATE_BASELINE"}},
			&cli.StringFlag{Name: "waivers", Usage: "waivers `FILE` (YAML: fingerprint or rule and URL glob, reason, owner, expires)", EnvVars: []string{"ARCHIVER_WAIVERS"}},
			&cli.BoolFlag{Name: "summary", Usage: "with --format text, print only the count of open findings per rule and the totals", EnvVars: []string{"ARCHIVER_SUMMARY"}},
			&cli.StringFlag{Name: "color", Value: "auto", Usage: "colour the text format: auto (on a terminal), always or never", EnvVars: []string{"ARCHIVER_COLOR"}},
			&cli.StringFlag{Name: "step-summary", Usage: "with --format github, append the Markdown summary to `FILE`", EnvVars: []string{"ARCHIVER_STEP_SUMMARY", "GITHUB_STEP_SUMMARY"}},
			&cli.StringFlag{Name: "base-url", Usage: "the site's own origin, for a directory SEED", EnvVars: []string{"ARCHIVER_BASE_URL"}},
			&cli.StringFlag{Name: "delay", Value: "auto", Usage: "politeness for URL SEEDs: auto (adaptive, as archiver crawl) or the least time between two requests to one host (1s)", EnvVars: []string{"ARCHIVER_DELAY"}},
			&cli.BoolFlag{Name: "live", Value: true, Usage: "judge live, once, the site's own link targets the crawl did not capture (excluded, over depth, disallowed, trap-skipped), politely and with verdicts cached in the archive; default false for a directory SEED, whose live site may differ from the build, unless --external", EnvVars: []string{"ARCHIVER_LIVE"}},
			&cli.BoolFlag{Name: "external", Usage: "also check links to other sites live (HEAD, then GET where HEAD is refused; 429 and bot-blocking 403 are unverified, never broken)", EnvVars: []string{"ARCHIVER_EXTERNAL"}},
			&cli.StringSliceFlag{Name: "ignore-url", Usage: "neither judge nor check live the link targets whose URL matches the regular expression `REGEXP` (repeatable; as linkinator --skip, lychee --exclude)", EnvVars: []string{"ARCHIVER_IGNORE_URL"}},
			&cli.DurationFlag{Name: "link-timeout", Value: links.DefaultConfig().Timeout, Usage: "time allowed for one live link check, body included", EnvVars: []string{"ARCHIVER_LINK_TIMEOUT"}},
			&cli.DurationFlag{Name: "link-ttl", Value: links.DefaultConfig().TTL, Usage: "how long a definite live verdict is reused from the archive (transient ones: an hour at most)", EnvVars: []string{"ARCHIVER_LINK_TTL"}},
			&cli.BoolFlag{Name: "allow-private", Usage: "let live checks from public pages reach private and loopback addresses (the SSRF guard refuses them by default)", EnvVars: []string{"ARCHIVER_ALLOW_PRIVATE"}},
			&cli.StringFlag{Name: "now", Usage: "the check's clock as an RFC 3339 `TIME` (default: the current time), for reproducible runs", EnvVars: []string{"ARCHIVER_NOW"}, Hidden: true},
		},
		Action: func(c *cli.Context) error { return runCheck(c, e) },
	}
}

// checkOutput is where a check writes its result.
type checkOutput struct {
	format  report.Format
	color   bool
	brief   bool
	out     string
	summary string
}

func runCheck(c *cli.Context, e *env) error {
	ctx := c.Context
	seeds, err := flagsAfterArgs(c)
	if err != nil {
		return usageErrorf("check: %v", err)
	}
	format, err := report.ParseFormat(c.String("format"))
	if err != nil {
		return usageErrorf("check: --format: %v", err)
	}
	failOn, err := check.ParseFailOn(c.String("fail-on"))
	if err != nil {
		return usageErrorf("check: %v", err)
	}
	now := e.now
	if s := c.String("now"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return usageErrorf("check: --now: want an RFC 3339 time, got %q", s)
		}
		now = func() time.Time { return t.UTC() }
	}
	color := false
	switch c.String("color") {
	case "always":
		color = true
	case "never":
	case "auto":
		if f, ok := e.stdout.(*os.File); ok && c.String("out") == "" && os.Getenv("NO_COLOR") == "" {
			color = isatty.IsTerminal(f.Fd())
		}
	default:
		return usageErrorf("check: --color: want auto, always or never, got %q", c.String("color"))
	}
	if c.Bool("update-baseline") && c.String("baseline") == "" {
		return usageErrorf("check: --update-baseline needs --baseline FILE")
	}
	overrides, configText, err := checkOverrides(c.String("config"))
	if err != nil {
		return withCode(exitError, err)
	}

	// The archive: the given one, or a temporary one when only seeds are
	// given, which is crawled first.
	dbPath := c.String("db")
	if len(seeds) > 0 && !c.IsSet("db") {
		dir, err := os.MkdirTemp("", "archiver-check-")
		if err != nil {
			return withCode(exitError, fmt.Errorf("check: %w", err))
		}
		defer os.RemoveAll(dir)
		dbPath = filepath.Join(dir, "archive.db")
	}
	if len(seeds) == 0 {
		if _, err := os.Stat(dbPath); err != nil {
			return withCode(exitError, fmt.Errorf("check: archive %s: %w (crawl first, or give SEEDs)", dbPath, err))
		}
	}
	store, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return withCode(exitError, fmt.Errorf("check: %w", err))
	}
	defer store.Close()

	lo, closeLive, err := linkOptions(c, store, seeds, now)
	if err != nil {
		return err
	}
	defer closeLive()
	eng, set, err := loadCheckRules(ctx, store, c.StringSlice("rules"), c.Bool("no-default-rules"), overrides, now, lo)
	if err != nil {
		return withCode(exitError, err)
	}
	if only := c.StringSlice("only"); len(only) > 0 {
		if set, err = selectRules(set, only); err != nil {
			return usageErrorf("check: --only: %v", err)
		}
	}
	ca := checkArchive(store, set)

	// The seeds are crawled once the rules are known, so that the crawl
	// derives the pages at the level the check reads.
	runID := c.Int64("run")
	if len(seeds) > 0 {
		if runID, err = checkCrawl(c, e, store, seeds, now, ca.Extract); err != nil {
			return err
		}
	}
	req := check.Request{
		Archive:        ca,
		RunID:          runID,
		Rules:          set,
		History:        check.StoreHistory{Store: store},
		FailOn:         failOn,
		UpdateBaseline: c.Bool("update-baseline"),
		ToolVersion:    version,
		Config:         configText,
	}
	if n := c.Int("max-findings"); n >= 0 {
		req.MaxFindings = &n
	}
	if path := c.String("baseline"); path != "" {
		if req.Baseline, err = readBaseline(path, c.Bool("update-baseline")); err != nil {
			return withCode(exitError, err)
		}
	}
	if path := c.String("waivers"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return withCode(exitError, fmt.Errorf("check: waivers: %w", err))
		}
		if req.Waivers, err = check.ParseWaivers(path, data); err != nil {
			return withCode(exitError, fmt.Errorf("check: %w", err))
		}
	}
	res, err := eng.Check(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return withCode(exitIncomplete, fmt.Errorf("check interrupted: %w", err))
		}
		return withCode(exitError, fmt.Errorf("check: %w", err))
	}
	if c.Bool("update-baseline") {
		if err := writeFileAtomic(c.String("baseline"), req.Baseline.Write); err != nil {
			return withCode(exitError, fmt.Errorf("check: write baseline: %w", err))
		}
		fmt.Fprintf(e.stderr, "archiver: baseline %s now lists %d finding(s)\n", c.String("baseline"), req.Baseline.Len())
	}
	out := checkOutput{format: format, color: color, brief: c.Bool("summary"), out: c.String("out"), summary: c.String("step-summary")}
	if err := writeCheckResult(e, out, res); err != nil {
		return withCode(exitError, err)
	}
	if res.Run.Failed {
		if out.out != "" || format != report.FormatText {
			fmt.Fprintf(e.stderr, "archiver: check failed: %s (--fail-on %s)\n", res.Run.FailReason, res.Run.FailOn)
		}
		return withCode(exitFindings, errFindings)
	}
	return nil
}

// checkArchive reads the pages of the archive for a rule set, deriving
// missing and stale pages on every core and storing them. A set of links
// rules only needs links-level pages (extract.LinksVersion: links, ids,
// title, kind, canonical URL, no headline, dates or body), which cost a
// third of a full extraction; it takes stored full pages as they are,
// while a later full check re-derives the links-level ones.
func checkArchive(store *sqlite.Store, set *check.RuleSet) *check.StoreArchive {
	a := &check.StoreArchive{Store: store, Extract: extract.New(extract.Options{}).Capture, Version: extract.Version,
		Persist: true, Links: set.NeedsLinks()}
	if linksOnly(set) {
		a.Extract = extract.New(extract.Options{LinksOnly: true}).Capture
		a.Version, a.Accept = extract.LinksVersion, []string{extract.Version}
	}
	return a
}

// linksOnly reports whether every rule of a set uses a kind of the links
// pack (and at least one does).
func linksOnly(set *check.RuleSet) bool {
	rules := set.Rules()
	for _, r := range rules {
		if !strings.HasPrefix(r.Kind, "links/") {
			return false
		}
	}
	return len(rules) > 0
}

// flagsAfterArgs applies the command's flags written after its arguments
// ("archiver check ./public --base-url https://…"), which urfave/cli v2
// leaves among the arguments, and returns the remaining arguments. A "--"
// ends the flags.
func flagsAfterArgs(c *cli.Context) ([]string, error) {
	args := c.Args().Slice()
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			rest = append(rest, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		var flag cli.Flag
		for _, f := range c.Command.Flags {
			for _, n := range f.Names() {
				if n == name {
					flag = f
				}
			}
		}
		if flag == nil {
			return nil, fmt.Errorf("flag provided but not defined: -%s", name)
		}
		if _, isBool := flag.(*cli.BoolFlag); isBool && !hasValue {
			value = "true"
		} else if !hasValue {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("flag needs an argument: -%s", name)
			}
			i++
			value = args[i]
		}
		if err := c.Set(name, value); err != nil {
			return nil, fmt.Errorf("-%s: %w", name, err)
		}
	}
	return rest, nil
}

// checkCrawl crawls the seeds into store, deriving each page with derive
// as it is stored, and returns the new run's id.
func checkCrawl(c *cli.Context, e *env, store *sqlite.Store, seeds []string, now func() time.Time, derive check.ExtractFunc) (_ int64, err error) {
	cfg := crawl.DefaultConfig()
	cfg.Seeds, cfg.Derive = seeds, derive
	if cfg.Delay, err = crawl.ParseDelay(c.String("delay")); err != nil {
		return 0, usageErrorf("check: --delay: %v", err)
	}
	if b := c.String("base-url"); b != "" {
		cfg.BaseURL = b
	}
	for _, s := range seeds {
		if fi, err := os.Stat(s); err == nil && fi.IsDir() {
			cfg.Delay = 0 // a local build: no network, no politeness needed
		}
	}
	cfg.Now = now
	sum, err := crawl.Run(c.Context, cfg, store)
	switch {
	case err == nil:
		fmt.Fprintf(e.stderr, "archiver: crawled run %d: %d captured, %d errors, in %s\n", sum.RunID, sum.Counts.Captured, sum.Counts.Errors, sum.Elapsed.Round(time.Millisecond))
		return sum.RunID, nil
	case errors.Is(err, crawl.ErrIncomplete) || c.Context.Err() != nil:
		return 0, withCode(exitIncomplete, fmt.Errorf("check: crawl: %w", err))
	case errors.Is(err, crawl.ErrConfig):
		return 0, usageErrorf("check: crawl: %v", err)
	}
	return 0, withCode(exitError, fmt.Errorf("check: crawl: %w", err))
}

// linkOptions builds the links pack's options from the flags: a live
// checker (unless --live=false, or a directory SEED without --live or
// --external) with verdicts cached in store, --external and --ignore-url.
// The returned func releases the checker's connections.
func linkOptions(c *cli.Context, store *sqlite.Store, seeds []string, now func() time.Time) (links.Options, func(), error) {
	lo := links.Options{Canonicalize: pipeline.Canonicalize, External: c.Bool("external")}
	for _, p := range c.StringSlice("ignore-url") {
		re, err := regexp.Compile(p)
		if err != nil {
			return lo, nil, usageErrorf("check: --ignore-url %q: %v", p, err)
		}
		lo.Ignore = append(lo.Ignore, re)
	}
	live := c.Bool("live")
	if !c.IsSet("live") {
		for _, s := range seeds {
			if fi, err := os.Stat(s); err == nil && fi.IsDir() {
				live = false
			}
		}
	}
	switch {
	case lo.External && !live && c.IsSet("live"):
		return lo, nil, usageErrorf("check: --external checks links live; it cannot be combined with --live=false")
	case lo.External:
		live = true
	case !live:
		return lo, func() {}, nil
	}
	if c.Duration("link-timeout") <= 0 {
		return lo, nil, usageErrorf("check: --link-timeout must be positive")
	}
	cfg := links.DefaultConfig()
	cfg.Timeout = c.Duration("link-timeout")
	cfg.TTL = c.Duration("link-ttl")
	cfg.TransientTTL = min(cfg.TransientTTL, cfg.TTL)
	cfg.Guard = links.Guard{AllowLoopback: c.Bool("allow-private"), AllowPrivate: c.Bool("allow-private")}
	cfg.Cache = store
	cfg.Now = now
	lo.Checker = links.NewChecker(cfg)
	return lo, lo.Checker.Close, nil
}

// loadCheckRules builds the engine with every kind (editorial, links,
// timeline) and loads the default packs and dirs. lo configures the links
// pack when there is an archive (its live checker, --external).
func loadCheckRules(ctx context.Context, store *sqlite.Store, dirs []string, noDefault bool, overrides check.Overrides, now func() time.Time, lo links.Options) (*check.Engine, *check.RuleSet, error) {
	var kinds []check.Kind
	if store != nil {
		if lo.Canonicalize == nil {
			lo.Canonicalize = pipeline.Canonicalize
		}
		kinds = append(kinds, links.Kinds(lo)...)
		ix, err := timelineIndexer(ctx, store)
		if err != nil {
			return nil, nil, fmt.Errorf("check: timeline: %w", err)
		}
		tl := timeline.DefaultOptions()
		tl.Now = now
		kinds = append(kinds, timeline.Kinds(timeline.Indexed(store, ix), tl)...)
	} else {
		kinds = append(kinds, links.Kinds(links.Options{})...)
		kinds = append(kinds, timeline.Kinds(nil, timeline.DefaultOptions())...)
	}
	eng, err := check.New(check.Options{Kinds: kinds, Now: now})
	if err != nil {
		return nil, nil, err
	}
	var sources []check.Source
	if !noDefault {
		sources = append(sources, check.Source{FS: rules.FS(), Name: "rules"})
	}
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil {
			return nil, nil, fmt.Errorf("--rules %s: %w", d, err)
		}
		if !fi.IsDir() {
			return nil, nil, fmt.Errorf("--rules %s: not a directory", d)
		}
		sources = append(sources, check.Source{FS: os.DirFS(d), Name: d})
	}
	if len(sources) == 0 {
		return nil, nil, errors.New("no rules: --no-default-rules without --rules DIR")
	}
	set, err := eng.Load(sources, overrides)
	if err != nil {
		return nil, nil, err
	}
	return eng, set, nil
}

// selectRules keeps the rules whose id matches one of the patterns.
func selectRules(set *check.RuleSet, patterns []string) (*check.RuleSet, error) {
	var ids []string
	for _, r := range set.Rules() {
		for _, p := range patterns {
			if ok, err := filepath.Match(p, r.ID); err != nil {
				return nil, err
			} else if ok {
				ids = append(ids, r.ID)
				break
			}
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("no rule matches %v", patterns)
	}
	return set.Only(ids...)
}

// checkOverrides reads the rule overrides (check: overrides:) from the
// configuration file and returns them with the check section as text, for
// the result's reproducibility footer.
func checkOverrides(path string) (check.Overrides, string, error) {
	if path == "" {
		return nil, "", nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("config: %w", err)
	}
	var doc struct {
		Check yaml.Node `yaml:"check"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, "", fmt.Errorf("config %s: %w", path, err)
	}
	if doc.Check.Kind == 0 {
		return nil, "", nil
	}
	section, err := yaml.Marshal(&doc.Check)
	if err != nil {
		return nil, "", fmt.Errorf("config %s: %w", path, err)
	}
	var withOverrides struct {
		Overrides yaml.Node `yaml:"overrides"`
	}
	if err := doc.Check.Decode(&withOverrides); err != nil {
		return nil, "", fmt.Errorf("config %s: check: %w", path, err)
	}
	if withOverrides.Overrides.Kind == 0 {
		return nil, string(section), nil
	}
	text, err := yaml.Marshal(&withOverrides.Overrides)
	if err != nil {
		return nil, "", fmt.Errorf("config %s: %w", path, err)
	}
	o, err := check.ParseOverrides(path, text)
	if err != nil {
		return nil, "", err
	}
	return o, string(section), nil
}

// readBaseline reads a baseline file; a missing file is an empty baseline
// when it is about to be written.
func readBaseline(path string, updating bool) (*check.Baseline, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && updating {
		return check.NewBaseline(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("check: baseline: %w (create it with --update-baseline)", err)
	}
	defer f.Close()
	b, err := check.ReadBaseline(f)
	if err != nil {
		return nil, fmt.Errorf("check: %s: %w", path, err)
	}
	return b, nil
}

// writeCheckResult writes the result in its format to --out or standard
// output, and the GitHub step summary.
func writeCheckResult(e *env, o checkOutput, res *report.Result) error {
	write := func(w io.Writer) error {
		switch o.format {
		case report.FormatJSON:
			return report.JSON(w, res)
		case report.FormatCSV:
			return report.CSV(w, res)
		case report.FormatSARIF:
			return report.SARIF(w, res)
		case report.FormatJUnit:
			return report.JUnit(w, res)
		case report.FormatGitLab:
			return report.GitLab(w, res)
		case report.FormatGitHub:
			var summary bytes.Buffer
			var sw io.Writer
			if o.summary != "" {
				sw = &summary
			}
			if err := report.GitHub(w, sw, res); err != nil {
				return err
			}
			if o.summary != "" {
				f, err := os.OpenFile(o.summary, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
				if err != nil {
					return fmt.Errorf("step summary: %w", err)
				}
				if _, err := f.Write(summary.Bytes()); err != nil {
					f.Close()
					return fmt.Errorf("step summary: %w", err)
				}
				return f.Close()
			}
			return nil
		}
		return report.Text(w, res, report.TextOptions{Color: o.color, Summary: o.brief})
	}
	if o.out == "" || o.out == "-" {
		return write(e.stdout)
	}
	if err := writeFileAtomic(o.out, write); err != nil {
		return fmt.Errorf("check: --out: %w", err)
	}
	return nil
}

// writeFileAtomic writes a file through a temporary file in the same
// directory, renamed into place when complete.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
