package links_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/check"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/links"
)

// rulesDir is the links pack in the repository.
const rulesDir = "../../rules/links"

func newEngine(t *testing.T, opts links.Options) (*check.Engine, *check.RuleSet) {
	t.Helper()
	eng, err := check.New(check.Options{Kinds: links.Kinds(opts), Now: func() time.Time { return t1 }})
	if err != nil {
		t.Fatal(err)
	}
	set, err := eng.Load([]check.Source{{FS: os.DirFS(rulesDir), Name: "rules"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range set.Rules() {
		if r.Pack == "links" {
			ids = append(ids, r.ID)
		}
	}
	set, err = set.Only(ids...)
	if err != nil {
		t.Fatal(err)
	}
	return eng, set
}

var t1 = time.Date(2026, 4, 3, 12, 0, 0, 0, time.UTC)

// TestRuleFixtures runs each links rule on its good and bad fixtures
// through the real extractor, as `archiver rules test` does.
func TestRuleFixtures(t *testing.T) {
	eng, set := newEngine(t, links.Options{})
	x := extract.New(extract.Options{})
	results := eng.TestFixtures(context.Background(), set, x.Capture)
	if len(results) < 24 {
		t.Fatalf("%d fixture results, want the fixtures of at least 12 rules", len(results))
	}
	for _, r := range results {
		t.Run(r.File, func(t *testing.T) {
			if r.Err != nil {
				t.Fatalf("fixture error: %v", r.Err)
			}
			if !r.Pass {
				js, _ := json.MarshalIndent(r.Findings, "", "  ")
				t.Errorf("want bad=%v, got %d findings: %s", r.WantBad, len(r.Findings), js)
			}
		})
	}
}

func TestKindParams(t *testing.T) {
	eng, err := check.New(check.Options{Kinds: links.Kinds(links.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, rule, want string }{
		{"unknown verdict", "kind: links/target\nparams:\n  verdicts: [borked]\n", "unknown verdict"},
		{"bad targets", "kind: links/target\nparams:\n  targets: some\n", "targets"},
		{"unknown problem", "kind: links/hygiene\nparams:\n  problem: ugly\n", "problem"},
		{"negative hops", "kind: links/redirect-chain\nparams:\n  max_hops: -1\n", "max_hops"},
		{"unknown param", "kind: links/fragment\nparams:\n  depth: 2\n", "unknown parameter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := fstest.MapFS{"links/x.yaml": {Data: []byte("id: links/x\ntitle: X\nseverity: note\n" + tc.rule)}}
			_, err := eng.Load([]check.Source{{FS: fs, Name: "test"}}, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("load: %v, want an error about %q", err, tc.want)
			}
		})
	}
}

// site builds a small archive by hand: what a crawl of a site with every
// kind of link trouble would have stored.
type siteBuilder struct {
	mem  *check.MemoryArchive
	x    *extract.Extractor
	next int64
	run  archive.Run
}

func newSiteBuilder(t *testing.T, seed string) *siteBuilder {
	b := &siteBuilder{mem: check.NewMemoryArchive(), x: extract.New(extract.Options{}), run: archive.Run{ID: 1, Seeds: []string{seed}, StartedAt: t1.Add(-time.Hour), Status: archive.RunComplete}}
	b.mem.AddRun(b.run)
	return b
}

func (b *siteBuilder) add(t *testing.T, c archive.Capture, html string) *archive.Capture {
	t.Helper()
	b.next++
	c.ID, c.RunID = b.next, 1
	if c.CanonicalURL == "" {
		c.CanonicalURL = c.URL
	}
	if c.FinalURL == "" {
		c.FinalURL = c.URL
	}
	if c.FetchedAt.IsZero() {
		c.FetchedAt = t1.Add(-30 * time.Minute)
	}
	if c.Verdict == "" {
		c.Verdict = archive.VerdictOK
	}
	if c.Status == 0 {
		c.Status = 200
	}
	if c.RemoteAddr == "" {
		c.RemoteAddr = "93.184.215.14:443"
	}
	c.Method = "GET"
	var page *archive.Page
	if html != "" {
		c.Header = http.Header{"Content-Type": {"text/html; charset=utf-8"}}
		c.Body = []byte(html)
		sum := sha256.Sum256(c.Body)
		c.BodySHA256 = hex.EncodeToString(sum[:])
		c.Size = int64(len(c.Body))
		p, err := b.x.Capture(&c)
		if err != nil {
			t.Fatal(err)
		}
		page = p
	}
	if err := b.mem.AddCapture(&c, page); err != nil {
		t.Fatal(err)
	}
	return &c
}

func doc(title, body string) string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>` + title + `</title></head><body><main><h1>` + title + `</h1>` + body + `</main></body></html>`
}

type frontier []archive.FrontierEntry

func (f frontier) FrontierEntries(_ context.Context, runID int64, state archive.FrontierState, fn func(archive.FrontierEntry) error) error {
	for _, e := range f {
		if state == "" || e.State == state {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}

func TestAuditFindings(t *testing.T) {
	// A live server stands in for the parts of the site the crawl did not
	// fetch: one page robots.txt kept the crawler from, one it skipped for
	// depth, and one external site.
	live := newSite(t, map[string]http.HandlerFunc{
		"/private/page.html": status(200),
		"/deep/page.html": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<html><head><title>Deep</title></head><body><p id="x">x</p></body></html>`)
		},
		"/limited": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(429)
		},
	})
	base := "https://www.portal.example"
	b := newSiteBuilder(t, base+"/en/")
	art := func(n int) string { return fmt.Sprintf("%s/en/news/story-%d_i_%d.html", base, n, n) }
	body := `<p>See <a href="/en/news/story-2_i_2.html#photos">photos</a>, <a href="/en/news/story-2_i_2.html#comments">comments</a>,
		<a href="/en/news/gone_i_9.html">old story</a>, <a href="/en/news/sluzhba_i_7.html">translated story</a>,
		<a href="/en/day/?d=1">1 May</a>, <a href="/en/old/loop">loop</a>, <a href="/en/go/3">three hops</a>,
		<a href="/en/removed.html">removed</a>, <a href="/en/missing.html">missing</a>, <a href="/en/news/sluzhba_i_7.html">again</a>,
		<a href="` + live.URL + `/deep/page.html#x">deep</a>, <a href="` + live.URL + `/deep/page.html#y">deep y</a>,
		<a href="` + live.URL + `/limited">busy</a>, <a href="#top">top</a>, <a href="#nowhere">nowhere</a>, <a href="/en/print/1">print this page</a></p>`
	b.add(t, archive.Capture{URL: base + "/en/"}, doc("Home", `<nav class="menu"><a href="/en/missing.html">Missing</a></nav>`+
		`<p><a href="/en/news/story-1_i_1.html">one</a> <a href="/en/news/story-2_i_2.html">two</a> <a href="/en/print/1">print one</a></p>`))
	b.add(t, archive.Capture{URL: art(1)}, doc("Story one", body))
	b.add(t, archive.Capture{URL: art(2)}, doc("Story two", `<h2 id="photos">Photos</h2><a href="/en/missing.html">Missing again</a>`))
	// A print version names the story as its canonical URL: a link to it
	// is a link to a duplicate.
	b.add(t, archive.Capture{URL: base + "/en/print/1"}, strings.Replace(doc("Story one", "<p>Text.</p>"), "</title>",
		`</title><link rel="canonical" href="/en/news/story-1_i_1.html">`, 1))
	// A copy of story one under another query string links its print
	// version too: its own print version, no duplicate.
	b.add(t, archive.Capture{URL: art(1) + "?page=2"}, doc("Story one", `<p>Text. <a href="/en/print/1">print this page</a></p>`))
	b.add(t, archive.Capture{URL: base + "/en/news/gone_i_9.html", Status: 410}, doc("Gone", "<p>Removed</p>"))
	b.add(t, archive.Capture{URL: base + "/en/news/sluzhba_i_7.html", Status: 404}, doc("Page not found", "<p>No</p>"))
	b.add(t, archive.Capture{URL: base + "/ru/news/sluzhba_i_7.html"}, doc("Служба", "<p>Текст статьи.</p>"))
	// An error page's links are not the site's: its empty href is not
	// reported.
	b.add(t, archive.Capture{URL: base + "/en/missing.html", Status: 404}, doc("Page not found", `<p>No. <a href="">Retry</a></p>`))
	b.add(t, archive.Capture{URL: base + "/en/day/?d=1"}, doc("Archive: 1 May", `<p class="no_news">There is no news for this day.</p>`))
	b.add(t, archive.Capture{URL: base + "/en/old/loop", Status: 302, FinalURL: base + "/en/old/loop", Verdict: archive.VerdictOK,
		Redirects: []archive.Redirect{{URL: base + "/en/old/loop", Status: 302, Location: base + "/en/old/loop2"}, {URL: base + "/en/old/loop2", Status: 302, Location: base + "/en/old/loop"}},
		Error:     "redirect loop"}, "")
	b.add(t, archive.Capture{URL: base + "/en/go/3", FinalURL: art(2),
		Redirects: []archive.Redirect{{URL: base + "/en/go/3", Status: 301, Location: base + "/en/go/2"}, {URL: base + "/en/go/2", Status: 301, Location: base + "/en/go/1"}, {URL: base + "/en/go/1", Status: 301, Location: art(2)}}},
		doc("Story two", `<h2 id="photos">Photos</h2>`))
	b.add(t, archive.Capture{URL: base + "/en/removed.html", FinalURL: base + "/en/",
		Redirects: []archive.Redirect{{URL: base + "/en/removed.html", Status: 301, Location: base + "/en/"}}},
		doc("Home", `<nav class="menu"><a href="/en/missing.html">Missing</a></nav><p>Welcome</p>`))

	fr := frontier{
		{RunID: 1, URL: live.URL + "/deep/page.html", State: archive.FrontierSkipped, Reason: "max-depth"},
	}
	cfg := testConfig()
	cfg.MaxRetryAfter = 10 * time.Millisecond
	opts := links.Options{Checker: links.NewChecker(cfg), External: true, Frontier: fr}
	eng, set := newEngine(t, opts)
	var found []archive.Finding
	_, err := eng.Evaluate(context.Background(), b.mem, b.run, set, t1, func(f archive.Finding) { found = append(found, f) })
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]archive.Finding{}
	var keys []string
	for _, f := range found {
		k := f.RuleID + " " + f.URL
		if f.EvidenceKey != "" && f.RuleID == "links/missing-fragment" {
			k += f.EvidenceKey
		}
		got[k] = f
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := []string{
		"links/broken " + base + "/en/missing.html",
		"links/broken " + base + "/en/news/gone_i_9.html",
		"links/cross-language-404 " + base + "/en/news/sluzhba_i_7.html",
		"links/missing-fragment " + base + "/en/news/story-2_i_2.html#comments",
		"links/missing-fragment " + art(1) + "#nowhere",
		"links/missing-fragment " + live.URL + "/deep/page.html#y",
		"links/redirect-chain " + base + "/en/go/3",
		"links/redirect-loop " + base + "/en/old/loop",
		"links/soft-404 " + base + "/en/day/?d=1",
		"links/soft-404 " + base + "/en/removed.html",
		"links/unverified " + live.URL + "/limited",
		"links/duplicate-url " + base + "/en/",
		// The live server is plain http, linked from an https page.
		"links/insecure " + art(1), "links/insecure " + art(1), "links/insecure " + art(1),
	}
	sort.Strings(want)
	if strings.Join(keys, "\n") != strings.Join(want, "\n") {
		t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}

	// One broken target linked from three places is one finding with
	// three occurrences, each with its page, anchor text and place (the
	// home page's menu counted once, not again under the URL that
	// redirects to it).
	m := got["links/broken "+base+"/en/missing.html"]
	if len(m.Occurrences) != 3 || m.Status != 404 || m.CaptureID == 0 || m.CapturedAt.IsZero() {
		t.Fatalf("missing.html finding: %+v", m)
	}
	places := map[string]archive.LinkPlace{}
	for _, o := range m.Occurrences {
		places[o.Text] = o.Place
	}
	if places["Missing"] != archive.PlaceMenu || places["missing"] == "" || places["missing"] == archive.PlaceMenu || places["Missing again"] == "" {
		t.Errorf("occurrences %+v: want the menu and body places with their anchor texts", m.Occurrences)
	}
	if !strings.Contains(m.Evidence, "from the archive: capture") || !strings.Contains(m.Message, "linked 3 times from 3 pages") {
		t.Errorf("evidence %q message %q", m.Evidence, m.Message)
	}
	if c := got["links/cross-language-404 "+base+"/en/news/sluzhba_i_7.html"]; len(c.Occurrences) != 2 || !strings.Contains(c.Evidence, "/ru/news/sluzhba_i_7.html") {
		t.Errorf("cross-language finding %+v", c)
	}
	if c := got["links/redirect-chain "+base+"/en/go/3"]; !strings.Contains(c.Evidence, "/en/go/2 (301)") || c.FinalURL != art(2) {
		t.Errorf("redirect chain evidence %q final %q", c.Evidence, c.FinalURL)
	}
	if c := got["links/missing-fragment "+live.URL+"/deep/page.html#y"]; !strings.Contains(c.Evidence, "checked live") || !strings.Contains(c.Evidence, "not crawled: max-depth") {
		t.Errorf("live fragment evidence %q", c.Evidence)
	}
	if c := got["links/duplicate-url "+base+"/en/"]; !strings.Contains(c.Message+c.Evidence, "/en/news/story-1_i_1.html") || len(c.Occurrences) != 1 {
		t.Errorf("duplicate-url finding %+v: want the canonical URL named and one occurrence", c)
	}
	// Each live target was asked once, though it was checked while the
	// pages were still being read.
	for _, path := range []string{"/deep/page.html", "/limited"} {
		if n := live.count(path); n != 1 {
			t.Errorf("%s requested %d times, want once", path, n)
		}
	}
	if c := got["links/unverified "+live.URL+"/limited"]; c.Severity != archive.SeverityNote || c.Status != 429 {
		t.Errorf("refused target: %+v, want a note with status 429", c)
	}
}

// countingArchive counts the passes over the pages of an archive.
type countingArchive struct {
	*check.MemoryArchive
	passes *int
}

func (a countingArchive) EachPage(ctx context.Context, runID int64, fn func(*archive.Capture, *archive.Page) error) error {
	*a.passes++
	return a.MemoryArchive.EachPage(ctx, runID, fn)
}

// TestOneAuditPerRun checks that the rules of the pack share one audit of
// a run: the pages are read once, however many links rules there are.
func TestOneAuditPerRun(t *testing.T) {
	base := "https://www.portal.example"
	b := newSiteBuilder(t, base+"/en/")
	b.add(t, archive.Capture{URL: base + "/en/"}, doc("Home", `<p><a href="/en/missing.html">missing</a> <a href="">empty</a></p>`))
	// An error page's links are not the site's: its empty href is not
	// reported.
	b.add(t, archive.Capture{URL: base + "/en/missing.html", Status: 404}, doc("Page not found", `<p>No. <a href="">Retry</a></p>`))
	eng, set := newEngine(t, links.Options{})
	if len(set.Rules()) < 10 {
		t.Fatalf("%d links rules, want the whole pack", len(set.Rules()))
	}
	passes := 0
	var found []archive.Finding
	_, err := eng.Evaluate(context.Background(), countingArchive{b.mem, &passes}, b.run, set, t1, func(f archive.Finding) { found = append(found, f) })
	if err != nil {
		t.Fatal(err)
	}
	if passes != 1 || len(found) != 2 {
		t.Errorf("%d passes over the pages and %d findings, want one pass and 2 findings (broken, empty-href)", passes, len(found))
	}
}

// TestUncrawledPageJudgedLive checks the live judgement of the site's
// pages the crawl did not capture: a day archive skipped by the calendar
// trap that says there is no news is a soft 404, read with GET; an image is
// only asked for its status (HEAD), once.
func TestUncrawledPageJudgedLive(t *testing.T) {
	site := newSite(t, map[string]http.HandlerFunc{
		"/en/archive/": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<html><head><title>Archive: 1 May</title></head><body><nav><a href="/en/">Home</a></nav><main><p class="no_news">There is no news for this day.</p></main></body></html>`)
		},
		"/en/archive/full": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<html><head><title>Archive: 2 May</title></head><body><main><p>The minister met the delegation.</p></main></body></html>`)
		},
		"/images/1.jpg": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "image/jpeg")
			fmt.Fprint(w, "\xff\xd8")
		},
	})
	b := newSiteBuilder(t, site.URL+"/en/")
	b.add(t, archive.Capture{URL: site.URL + "/en/", RemoteAddr: "127.0.0.1:80"}, doc("Home",
		`<p><a href="/en/archive/?day=01">1 May</a> <a href="/en/archive/full?day=02">2 May</a> <img src="/images/1.jpg" alt="x"></p>`))
	fr := frontier{
		{RunID: 1, URL: site.URL + "/en/archive/?day=01", State: archive.FrontierSkipped, Reason: "trap:calendar-range"},
		{RunID: 1, URL: site.URL + "/en/archive/full?day=02", State: archive.FrontierSkipped, Reason: "trap:calendar-range"},
	}
	eng, set := newEngine(t, links.Options{Checker: links.NewChecker(testConfig()), Frontier: fr})
	var keys []string
	_, err := eng.Evaluate(context.Background(), b.mem, b.run, set, t1, func(f archive.Finding) { keys = append(keys, f.RuleID+" "+f.URL) })
	if err != nil {
		t.Fatal(err)
	}
	if want := "links/soft-404 " + site.URL + "/en/archive/?day=01"; strings.Join(keys, "\n") != want {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(keys, "\n"), want)
	}
	site.mu.Lock()
	defer site.mu.Unlock()
	if site.hits["/images/1.jpg"] != 1 || site.heads["/images/1.jpg"] != 1 {
		t.Errorf("image: %d requests, %d HEAD; want one HEAD", site.hits["/images/1.jpg"], site.heads["/images/1.jpg"])
	}
	if site.hits["/en/archive/"] != 1 || site.heads["/en/archive/"] != 0 {
		t.Errorf("day archive: %d requests, %d HEAD; want one GET", site.hits["/en/archive/"], site.heads["/en/archive/"])
	}
}

// TestIgnore: targets matching Options.Ignore are neither judged from the
// archive nor checked live, and are counted; how the page writes its
// links is still judged.
func TestIgnore(t *testing.T) {
	site := newSite(t, map[string]http.HandlerFunc{"/en/calendar/": status(404)})
	b := newSiteBuilder(t, site.URL+"/en/")
	b.add(t, archive.Capture{URL: site.URL + "/en/"}, doc("Home",
		`<p><a href="/en/missing.html">gone</a> <a href="/en/calendar/?month=1">January</a> <img src="/images/1.jpg" alt="x"> <a href="">empty</a></p>`))
	b.add(t, archive.Capture{URL: site.URL + "/en/missing.html", Status: 404}, doc("Page not found", "<p>No.</p>"))
	fr := frontier{{RunID: 1, URL: site.URL + "/en/calendar/?month=1", State: archive.FrontierSkipped, Reason: "excluded"}}
	audit := func(ignore ...string) (*links.Report, map[string]bool) {
		t.Helper()
		opts := links.Options{Checker: links.NewChecker(testConfig()), Frontier: fr}
		for _, p := range ignore {
			opts.Ignore = append(opts.Ignore, regexp.MustCompile(p))
		}
		rep, err := links.Audit(context.Background(), b.mem, b.run, opts)
		if err != nil {
			t.Fatal(err)
		}
		judged := map[string]bool{}
		for _, tg := range rep.Targets {
			judged[strings.TrimPrefix(tg.URL, site.URL)] = tg.Judged
		}
		return rep, judged
	}

	rep, judged := audit(`/missing\.html$`, `/calendar/`, `\.jpg$`)
	if rep.Ignored != 3 || len(judged) != 0 || rep.Live != 0 {
		t.Errorf("ignored %d, targets %v, %d checked live; want 3 ignored, no target, nothing live", rep.Ignored, judged, rep.Live)
	}
	if n := site.count("/en/calendar/") + site.count("/images/1.jpg"); n != 0 {
		t.Errorf("ignored targets asked for %d times", n)
	}
	if len(rep.Hygiene) != 1 || rep.Hygiene[0].Problem != "empty-href" {
		t.Errorf("hygiene %+v, want the empty href still reported", rep.Hygiene)
	}

	// The same audit without the patterns judges all three: the
	// assertions above can fail.
	rep, judged = audit()
	if rep.Ignored != 0 || !judged["/en/missing.html"] || !judged["/en/calendar/?month=1"] || !judged["/images/1.jpg"] {
		t.Errorf("without Ignore: ignored %d, targets %v, want all three judged", rep.Ignored, judged)
	}
}
