package timeline_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/check"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/portal"
	"github.com/archiver-dev/archiver/internal/sqlite"
	"github.com/archiver-dev/archiver/internal/timeline"
)

// portalDay is the first day of the demo portal (its baseDate), at noon:
// the fake clock of the crawls, one day apart.
var portalDay = time.Date(2024, time.April, 3, 12, 0, 0, 0, time.UTC)

// dayPortal serves the demo portal as it stands on a day that the test
// moves forward between crawls.
type dayPortal struct {
	cur atomic.Pointer[portal.Portal]
}

func (d *dayPortal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.cur.Load().Handler().ServeHTTP(w, r)
}

// portalHistory crawls the demo portal on days 0..days-1 into one archive,
// indexing each run, and returns the store, the indexer, the base URL and
// the manifest of each day.
type portalHistory struct {
	store     *sqlite.Store
	ix        *timeline.Indexer
	base      string
	manifests []*portal.Manifest
	runs      []int64
}

func crawlPortalDays(t *testing.T, days int) *portalHistory {
	t.Helper()
	return crawlPortal(t, days, 40)
}

// crawlPortal crawls a demo portal of the given number of articles per
// language on days 0..days-1.
func crawlPortal(t *testing.T, days, articles int) *portalHistory {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "archive.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	dp := &dayPortal{}
	srv := httptest.NewServer(dp)
	t.Cleanup(srv.Close)
	h := &portalHistory{store: st, base: srv.URL}
	cfg := crawl.DefaultConfig()
	site, _ := url.Parse(srv.URL + "/")
	canon := crawl.NewCanonicalizer(cfg.Canon, []*url.URL{site})
	iopts := timeline.DefaultIndexOptions()
	iopts.Canonical = func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil || !u.IsAbs() {
			return raw
		}
		s, _ := canon.Canonical(u)
		return s
	}
	h.ix, err = timeline.NewIndexer(st, iopts)
	if err != nil {
		t.Fatal(err)
	}
	for d := 0; d < days; d++ {
		p, err := portal.New(portal.Config{Seed: 7, Articles: articles, Day: d})
		if err != nil {
			t.Fatal(err)
		}
		dp.cur.Store(p)
		h.manifests = append(h.manifests, p.Manifest())
		cfg := crawl.DefaultConfig()
		// No seeding with what the archive knows: a scheduled crawl
		// revisits the URLs of earlier runs by itself (Config.Revisit), so
		// removed and orphaned pages are seen again.
		cfg.Seeds = []string{srv.URL + "/en/", srv.URL + "/sitemap.xml"}
		cfg.Delay = 0
		cfg.Workers = 4
		cfg.HostConcurrency = 4
		cfg.Timeout = 10 * time.Second
		cfg.Backoff = 10 * time.Millisecond
		cfg.UserAgent = "archiver-test/1.0 (+mailto:test@example.org)"
		offset := portalDay.AddDate(0, 0, d).Sub(time.Now())
		cfg.Now = func() time.Time { return time.Now().Add(offset) }
		start := time.Now()
		sum, err := crawl.Run(ctx, cfg, st)
		t.Logf("day %d: crawl %s, %d fetches", d, time.Since(start), sum.Fetches)
		start = time.Now()
		if err != nil {
			t.Fatalf("crawl of day %d: %v", d, err)
		}
		if err := h.ix.Index(ctx, sum.RunID); err != nil {
			t.Fatalf("index of day %d: %v", d, err)
		}
		t.Logf("day %d: index %s", d, time.Since(start))
		h.runs = append(h.runs, sum.RunID)
	}
	return h
}

func (h *portalHistory) abs(rel string) string { return h.base + rel }

func (h *portalHistory) analyse(t *testing.T, run int64, opts timeline.Options) *timeline.Analysis {
	t.Helper()
	opts.Now = func() time.Time { return portalDay.AddDate(0, 0, len(h.runs)-1).Add(2 * time.Hour) }
	a, err := timeline.Analyse(context.Background(), h.store, run, opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// findingSet indexes findings by "rule url".
func findingSet(fs []archive.Finding) map[string]archive.Finding {
	m := map[string]archive.Finding{}
	for _, f := range fs {
		m[f.RuleID+" "+f.URL] = f
	}
	return m
}

func TestPortalDays(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal four times")
	}
	const days = 4
	h := crawlPortalDays(t, days)
	opts := timeline.DefaultOptions()
	opts.RemovalRuns = 2
	opts.RemovalDays = 0

	// Every URL that shows a removed article: the article, its print
	// version, its aliases and the redirects that end at it.
	copies := map[string][]string{}
	for _, p := range h.manifests[0].Pages {
		if p.Article == nil {
			continue
		}
		copies[p.URL] = append(copies[p.URL], p.URL)
		if p.Article.Print != "" {
			copies[p.URL] = append(copies[p.URL], p.Article.Print)
		}
		copies[p.URL] = append(copies[p.URL], p.Article.Aliases...)
	}
	for _, r := range h.manifests[0].Redirects {
		if r.Final != "" && !r.HostVariant {
			copies[r.Final] = append(copies[r.Final], r.From)
		}
	}

	for d := 1; d < days; d++ {
		run := h.runs[d]
		a := h.analyse(t, run, opts)
		got := findingSet(a.Findings())
		m := h.manifests[d]
		today := map[string]bool{}    // the URLs the manifest changed on this day
		orphaned := map[string]bool{} // orphaned on this day or before
		removed := map[string]bool{}  // removed (and their copies) on this day or before
		for _, c := range m.Changes {
			u := h.abs(c.URL)
			switch c.Kind {
			case portal.ChangeOrphaned:
				orphaned[u] = true
			case portal.ChangeRemoved:
				for _, cp := range append(copies[c.URL], c.URL) {
					removed[h.abs(cp)] = true
				}
			}
			if c.Day != d {
				continue
			}
			today[u] = true
			switch c.Kind {
			case portal.ChangeEdited:
				if _, ok := got[timeline.RuleSilentEdit+" "+u]; !ok {
					t.Errorf("day %d: silent edit (%s) of %s not found", d, c.What, c.URL)
				}
			case portal.ChangeCorrected:
				if _, ok := got[timeline.RuleSilentEdit+" "+u]; ok {
					t.Errorf("day %d: the correction of %s is reported as a silent edit", d, c.URL)
				}
				i := slices.IndexFunc(a.Changes, func(ch timeline.Change) bool { return ch.URL == u })
				if i < 0 || a.Changes[i].Kind != timeline.ChangeDeclared {
					t.Errorf("day %d: correction of %s not seen as a declared edit", d, c.URL)
				}
			case portal.ChangeRemoved:
				if _, ok := got[timeline.RulePageRemoved+" "+u]; ok {
					t.Errorf("day %d: %s reported removed after one run", d, c.URL)
				}
				if i := slices.IndexFunc(a.Removals, func(r timeline.Removal) bool { return r.URL == u }); i < 0 || a.Removals[i].Confirmed {
					t.Errorf("day %d: removal of %s (%d) not pending", d, c.URL, c.Status)
				}
			}
		}
		for u := range orphaned {
			if _, ok := got[timeline.RuleOrphaned+" "+u]; !ok {
				t.Errorf("day %d: orphan %s not found", d, u)
			}
		}
		// Removals of the days before are confirmed now.
		for _, c := range m.Changes {
			if c.Day < d && c.Kind == portal.ChangeRemoved {
				if _, ok := got[timeline.RulePageRemoved+" "+h.abs(c.URL)]; !ok {
					t.Errorf("day %d: removal of %s on day %d (status %d) not reported after %d runs", d, c.URL, c.Day, c.Status, d-c.Day+1)
				}
			}
		}
		// Nothing else changed: pages whose volatile parts (counter, CSRF
		// token, promo, today's date) differ are not reported.
		for _, ch := range a.Changes {
			if ch.Kind != timeline.ChangePage && !today[ch.URL] {
				t.Errorf("day %d: change %s reported on %s, which the manifest did not change (fields %v)", d, ch.Kind, ch.URL, fieldList(ch.Fields))
			}
		}
		for _, f := range a.Findings() {
			bad := false
			switch f.RuleID {
			case timeline.RuleSilentEdit, timeline.RulePublishedMoved, timeline.RuleBylineRemoved, timeline.RuleCreditRemoved:
				bad = !today[f.URL]
			case timeline.RuleOrphaned:
				bad = !orphaned[f.URL]
			case timeline.RulePageRemoved:
				bad = !removed[f.URL]
			}
			if bad {
				t.Errorf("day %d: unexpected %s on %s: %s", d, f.RuleID, f.URL, f.Message)
			}
		}
	}

	// Empty days: on every day, each day of the archive without news is
	// found, as a calendar day that leads to an empty page or a 404, or as
	// a gap in the cadence of its language; and no other day is.
	for d, run := range h.runs {
		a := h.analyse(t, run, opts)
		checkMissingDays(t, h, d, a, a.Findings())
		byDay := map[string][]string{}
		for _, f := range a.Findings() {
			switch f.RuleID {
			case timeline.RuleMissingDay, timeline.RuleCalendarDayEmpty, timeline.RuleCalendarDayBroken:
				key := langOf(strings.TrimPrefix(f.URL, h.base)) + " " + strings.TrimPrefix(f.EvidenceKey, "day:")
				byDay[key] = append(byDay[key], f.RuleID)
			}
		}
		empty := map[string]bool{}
		for _, e := range h.manifests[d].EmptyDays {
			key := e.Lang + " " + e.Date
			empty[key] = true
			if len(byDay[key]) == 0 {
				t.Errorf("day %d: empty day %s (%s answers %d) not found", d, key, e.URL, e.Status)
			}
		}
		// The archive range of each language: its first to its last
		// article. Calendars also link days before the first article;
		// those empty days are found by the calendar rules only.
		first, lastDay := map[string]string{}, map[string]string{}
		for _, p := range h.manifests[d].Pages {
			if p.Article == nil || p.Article.Published.Value == "" {
				continue
			}
			v := p.Article.Published.Value
			if f, ok := first[p.Lang]; !ok || v < f {
				first[p.Lang] = v
			}
			if v > lastDay[p.Lang] {
				lastDay[p.Lang] = v
			}
		}
		var extra []string
		for key, fs := range byDay {
			lang, date, _ := strings.Cut(key, " ")
			outside := date < first[lang] || date > lastDay[lang]
			if empty[key] || outside && !slices.Contains(fs, timeline.RuleMissingDay) {
				continue
			}
			extra = append(extra, fmt.Sprintf("%s: %v", key, fs))
		}
		sort.Strings(extra)
		if len(extra) > 0 {
			t.Errorf("day %d: day findings on days with news: %v", d, extra)
		}
	}

	// The archive rule pack, run by the check engine, reports what the
	// analysis finds, under the rules' ids and with stable fingerprints.
	now := portalDay.AddDate(0, 0, days-1).Add(2 * time.Hour)
	def := timeline.DefaultOptions()
	def.Now = func() time.Time { return now }
	want, err := timeline.Analyse(context.Background(), h.store, h.runs[days-1], def)
	if err != nil {
		t.Fatal(err)
	}
	key := func(f archive.Finding) string { return f.RuleID + " " + f.URL + " " + f.EvidenceKey }
	var wantKeys, gotKeys []string
	for _, f := range want.Findings() {
		wantKeys = append(wantKeys, key(f))
	}
	for _, f := range checkPack(t, h, h.runs[days-1], now) {
		gotKeys = append(gotKeys, key(f))
		if f.Fingerprint != archive.Fingerprint(f.RuleID, f.URL, f.EvidenceKey) || f.Severity == "" {
			t.Errorf("pack finding without fingerprint or severity: %+v", f)
		}
	}
	slices.Sort(wantKeys)
	slices.Sort(gotKeys)
	if !slices.Equal(gotKeys, wantKeys) {
		t.Errorf("the rule pack found %d findings, the analysis %d", len(gotKeys), len(wantKeys))
	}
	if len(gotKeys) == 0 {
		t.Error("the rule pack found nothing on four days of the demo portal")
	}
}

// siteArchive is the check engine's view of the SQLite archive for site
// rules: the archive pack reads the timeline, never pages.
type siteArchive struct{ *sqlite.Store }

func (a siteArchive) EachCapture(ctx context.Context, runID int64, fn func(*archive.Capture) error) error {
	return a.Store.EachCapture(ctx, sqlite.CaptureQuery{RunID: runID}, fn)
}

func (a siteArchive) EachPage(context.Context, int64, func(*archive.Capture, *archive.Page) error) error {
	return errors.New("the archive pack has no page rules")
}

// checkPack evaluates the archive rule pack (rules/archive) with the real
// engine at a run.
func checkPack(t *testing.T, h *portalHistory, run int64, now time.Time) []archive.Finding {
	t.Helper()
	opts := timeline.DefaultOptions()
	eng, err := check.New(check.Options{Kinds: timeline.Kinds(h.store, opts), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	set, err := eng.Load([]check.Source{{FS: os.DirFS(filepath.Join("..", "..", "rules", "archive")), Name: "rules/archive"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(set.Rules()); n != len(timeline.Rules()) {
		t.Fatalf("the pack has %d rules, the timeline %d", n, len(timeline.Rules()))
	}
	r, err := h.store.Run(context.Background(), run)
	if err != nil {
		t.Fatal(err)
	}
	var out []archive.Finding
	if _, err := eng.Evaluate(context.Background(), siteArchive{h.store}, r, set, now, func(f archive.Finding) { out = append(out, f) }); err != nil {
		t.Fatal(err)
	}
	return out
}

// langOf returns the language segment of a root-relative URL.
func langOf(rel string) string {
	seg, _, _ := strings.Cut(strings.TrimPrefix(rel, "/"), "/")
	return seg
}

func fieldList(fs []timeline.FieldChange) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %q→%q", f.Field, short(f.From), short(f.To)))
	}
	return out
}

func short(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
