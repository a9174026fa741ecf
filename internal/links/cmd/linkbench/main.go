// Command linkbench is the harness of `make bench-links`: it serves the demo
// portal on loopback, runs archiver's crawl and links check on it (the same
// packages as `archiver crawl` and `archiver check`, in one process), and
// scores the broken links reported by archiver, linkinator and LinkChecker
// against the portal's manifest.
//
//	linkbench serve -articles N            print the base URL, serve until killed
//	linkbench archiver -db FILE [-rules DIR] [-exclude-traps] [-ignore REGEXP] [-fixed-politeness] [-cpuprofile FILE] [-trace FILE] BASE
//	                                        crawl + check at the defaults, write broken targets (one a line) to stdout
//	linkbench traps -articles N             print a regexp of the portal's crawler traps
//	linkbench score -articles N -tool T -in FILE BASE
//	                                        score a tool's output (archiver, linkinator JSON, linkchecker CSV)
package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/links"
	"github.com/archiver-dev/archiver/internal/links/pipeline"
	"github.com/archiver-dev/archiver/internal/portal"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "linkbench:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: linkbench serve|archiver|score …")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	articles := fs.Int("articles", 300, "articles per language (300: the scope without traps holds about 2,135 pages, as make bench-links)")
	seed := fs.Int64("seed", 1, "portal seed")
	db := fs.String("db", "", "archive file")
	tool := fs.String("tool", "", "archiver, linkinator or linkchecker")
	in := fs.String("in", "", "the tool's output")
	rulesDir := fs.String("rules", "rules/links", "the links rule pack")
	sameScope := fs.Bool("exclude-traps", false, "exclude the trap families the other tools are told to skip")
	ignore := fs.String("ignore", "", "leave link targets matching this regular expression unchecked (archiver check --ignore-url)")
	fixed := fs.Bool("fixed-politeness", false, "no delay and 8 connections instead of the adaptive default")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the archiver run to this file")
	traceFile := fs.String("trace", "", "write an execution trace of the archiver run to this file (go tool trace)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	switch args[0] {
	case "serve":
		return serve(ctx, *seed, *articles, out)
	case "archiver":
		if fs.NArg() != 1 || *db == "" {
			return errors.New("usage: linkbench archiver -db FILE BASE")
		}
		if *cpuProfile != "" {
			f, err := os.Create(*cpuProfile)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
			defer pprof.StopCPUProfile()
		}
		if *traceFile != "" {
			f, err := os.Create(*traceFile)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := trace.Start(f); err != nil {
				return err
			}
			defer trace.Stop()
		}
		var ign *regexp.Regexp
		if *ignore != "" {
			re, err := regexp.Compile(*ignore)
			if err != nil {
				return fmt.Errorf("-ignore: %w", err)
			}
			ign = re
		}
		return archiverRun(ctx, *db, *rulesDir, *sameScope, ign, *fixed, fs.Arg(0), out)
	case "traps":
		return traps(*seed, *articles, out)
	case "score":
		if fs.NArg() != 1 || *tool == "" || *in == "" {
			return errors.New("usage: linkbench score -tool T -in FILE BASE")
		}
		return score(*seed, *articles, *tool, *in, fs.Arg(0), out)
	}
	return fmt.Errorf("unknown subcommand %q", args[0])
}

func serve(ctx context.Context, seed int64, articles int, out io.Writer) error {
	p, err := portal.New(portal.Config{Seed: seed, Articles: articles})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	h := newReplay(p.Handler())
	// LinkChecker makes more than 10 requests a second to a host only when
	// the server answers with a "LinkChecker" header: the server's consent
	// that lifts its throttle for the benchmark.
	consent := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("LinkChecker", "allowed")
		h.ServeHTTP(w, r)
	})
	srv := &http.Server{Handler: consent, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Fprintf(out, "http://%s\n", ln.Addr())
	if f, ok := out.(*os.File); ok {
		_ = f.Sync()
	}
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// archiverRun crawls and checks like `archiver crawl` + `archiver check`
// with the links pack, at archiver's default settings: adaptive politeness
// for the crawl and the live checks (requests spaced by twice the host's
// response time, concurrency grown while it stays healthy), a links-level
// extraction of every page, stored. With fixed, the politeness is fixed
// instead: no delay and 8 connections to the host. Link targets matching
// ignore (if not nil) are not checked, as with archiver check --ignore-url.
func archiverRun(ctx context.Context, dbPath, rulesDir string, sameScope bool, ignore *regexp.Regexp, fixed bool, base string, out io.Writer) error {
	opened := time.Now()
	store, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	openTime := time.Since(opened)
	closed := false
	defer func() {
		if !closed {
			store.Close()
		}
	}()
	cfg := crawl.DefaultConfig()
	lc := links.DefaultConfig()
	if fixed {
		cfg.Delay, cfg.HostConcurrency, cfg.Workers = 0, 8, 8
		lc.Delay, lc.PerHost = 0, 8
	}
	if sameScope {
		// The families of linkbench traps, as crawl globs over path and query.
		cfg.Exclude = []string{"/*/calendar/?*", "/*/archive/?day=*", "/*/all_news/page/*", "/*/regions/news.html?*start=*start=*", "*;jsessionid=*"}
	}
	start, startCPU := time.Now(), processCPU()
	sum, err := pipeline.Crawl(ctx, store, cfg, base+"/")
	if err != nil {
		return err
	}
	crawled, crawledCPU := time.Now(), processCPU()
	a := pipeline.LinksArchive(store)
	opts := links.Options{Checker: links.NewChecker(lc)}
	if ignore != nil {
		opts.Ignore = []*regexp.Regexp{ignore}
	}
	findings, err := pipeline.Check(ctx, a, sum.RunID, os.DirFS(rulesDir), opts, time.Now().UTC())
	if err != nil {
		return err
	}
	checked, checkedCPU := time.Now(), processCPU()
	closing := time.Now()
	closed = true
	if err := store.Close(); err != nil {
		return err
	}
	ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	fmt.Fprintf(os.Stderr, "archiver: %d captures, %d findings; open %s, crawl %s (CPU %s), check %s (CPU %s), close %s\n", sum.Counts.Captured, len(findings),
		ms(openTime), ms(crawled.Sub(start)), ms(crawledCPU-startCPU), ms(checked.Sub(crawled)), ms(checkedCPU-crawledCPU), ms(time.Since(closing)))
	var lines []string
	for _, f := range findings {
		switch f.RuleID {
		case "links/broken", "links/cross-language-404", "links/redirect-loop", "links/server-error", "links/unreachable":
			lines = append(lines, f.URL)
		case "links/missing-fragment":
			lines = append(lines, f.URL+f.EvidenceKey)
		}
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Fprintln(out, l)
	}
	return nil
}

// score compares a tool's broken targets with the planted ones.
func score(seed int64, articles int, tool, in, base string, out io.Writer) error {
	p, err := portal.New(portal.Config{Seed: seed, Articles: articles})
	if err != nil {
		return err
	}
	m := p.Manifest()
	planted := map[string]bool{}
	orphans := orphanedCopies(m)
	unreachable := 0
	for _, l := range m.Links {
		if orphans[l.From] && l.Broken {
			// A copy of a page that no page, listing or sitemap links
			// to: no crawler reaches it, so none can report its links.
			unreachable++
			continue
		}
		switch {
		case l.Reason == portal.LinkMissingFragment:
			u, _ := url.Parse(l.Href)
			planted[l.Target+"#"+u.Fragment] = true
		case l.Broken && l.Target != "" && (l.Status == 404 || l.Status == 410 || l.Reason == portal.LinkRedirectLoop):
			planted[l.Target] = true
		}
	}
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	reported, err := parse(tool, data, base)
	if err != nil {
		return fmt.Errorf("%s output: %w", tool, err)
	}
	found, extraReal, falsePos := 0, 0, 0
	var missed []string
	for k := range planted {
		if reported[k] {
			found++
		} else {
			missed = append(missed, k)
		}
	}
	sort.Strings(missed)
	for _, k := range missed {
		fmt.Fprintf(os.Stderr, "%s: planted, not reported: %s\n", tool, k)
	}
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for k := range reported {
		if planted[k] {
			continue
		}
		// Not planted: a real broken link the manifest does not list (days
		// before the archive range answer 404), or a false positive.
		if strings.HasPrefix(k, "http:/") && !strings.HasPrefix(k, "http://127.") {
			// A malformed "http:/host/…" link (planted, one slash): really
			// broken, reported by the tools that resolve it literally.
			extraReal++
			continue
		}
		target, frag, _ := strings.Cut(k, "#")
		resp, err := client.Get(base + target)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if frag == "" && (resp.StatusCode == 404 || resp.StatusCode == 410) ||
				frag != "" && !strings.Contains(string(body), `id="`+frag+`"`) {
				extraReal++
				continue
			}
		}
		falsePos++
	}
	fmt.Fprintf(out, "%s\tplanted %d\tfound %d\tother real broken %d\tfalse positives %d", tool, len(planted), found, extraReal, falsePos)
	if unreachable > 0 {
		fmt.Fprintf(out, "\t(not counted: %d planted on orphaned copies no crawler reaches)", unreachable)
	}
	fmt.Fprintln(out)
	return nil
}

// orphanedCopies returns the duplicate pages of the manifest (a section
// alias of an article, say) that nothing leads to: not in the sitemap, not
// listed, and not the target of a link of another page.
func orphanedCopies(m *portal.Manifest) map[string]bool {
	linked := map[string]bool{}
	for _, l := range m.Links {
		if l.From != l.Target {
			linked[l.Target] = true
		}
	}
	for _, pg := range m.Pages {
		for _, it := range pg.Items {
			linked[it] = true
		}
	}
	out := map[string]bool{}
	for _, pg := range m.Pages {
		if pg.DuplicateOf != "" && !pg.InSitemap && !pg.InListing && !linked[pg.URL] {
			out[pg.URL] = true
		}
	}
	return out
}

// parse reads the broken targets of a tool's output, root-relative.
func parse(tool string, data []byte, base string) (map[string]bool, error) {
	rel := func(u string) string { return strings.TrimPrefix(u, base) }
	set := map[string]bool{}
	switch tool {
	case "archiver":
		for _, l := range strings.Split(string(data), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				set[rel(l)] = true
			}
		}
	case "linkinator":
		var r struct {
			Links []struct {
				URL   string `json:"url"`
				State string `json:"state"`
			} `json:"links"`
		}
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, err
		}
		for _, l := range r.Links {
			if l.State == "BROKEN" {
				set[rel(l.URL)] = true
			}
		}
	case "linkchecker":
		lines := strings.Split(string(data), "\n")
		var body []string
		for _, l := range lines {
			if !strings.HasPrefix(l, "#") {
				body = append(body, l)
			}
		}
		r := csv.NewReader(strings.NewReader(strings.Join(body, "\n")))
		r.Comma = ';'
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return set, nil
		}
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		for _, rec := range recs[1:] {
			if len(rec) <= col["valid"] || len(rec) <= col["url"] {
				continue
			}
			if rec[col["valid"]] == "False" {
				set[rel(rec[col["url"]])] = true
			}
		}
	default:
		return nil, fmt.Errorf("unknown tool %q", tool)
	}
	return set, nil
}
