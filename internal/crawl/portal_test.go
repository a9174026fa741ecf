package crawl_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/portal"
)

// TestCrawlDemoPortal crawls the demo portal and scores the crawl against
// its manifest.
func TestCrawlDemoPortal(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal")
	}
	p, err := portal.New(portal.Config{Seed: 7, Articles: 24, Quirks: portal.Quirks{RateLimit429: 0.003, RetryAfter: 1}})
	if err != nil {
		t.Fatal(err)
	}
	m := p.Manifest()
	srv, rec := serve(t, p.Handler())
	st := openStore(t)
	cfg := testConfig(srv.URL + "/")
	// The operator's knowledge of the parts that change on every request,
	// as changedetection.io's ignore rules: the manifest's.
	for _, v := range m.Volatile {
		cfg.Traps.Volatile = append(cfg.Traps.Volatile, v.Pattern)
	}
	sum := mustRun(t, cfg, st)
	ctx := context.Background()
	seed, _ := url.Parse(srv.URL + "/")
	canon := crawl.NewCanonicalizer(cfg.Canon, []*url.URL{seed})
	key := func(rel string) string {
		u, err := url.Parse(srv.URL + rel)
		if err != nil {
			t.Fatalf("manifest URL %q: %v", rel, err)
		}
		c, _ := canon.Canonical(u)
		return c
	}
	has := func(pg portal.Page, q portal.Quirk) bool {
		for _, x := range pg.Quirks {
			if x == q {
				return true
			}
		}
		return false
	}

	t.Run("every canonical page captured", func(t *testing.T) {
		// A canonical page counts as captured when it, or a URL the
		// manifest says shows it (a duplicate), was captured.
		shownBy := map[string][]string{}
		for _, pg := range m.Pages {
			if pg.Canonical != "" && pg.Canonical != pg.URL {
				shownBy[pg.Canonical] = append(shownBy[pg.Canonical], pg.URL)
			}
		}
		missing := 0
		for _, pg := range m.Pages {
			if pg.Status != 200 || pg.Canonical != pg.URL || pg.Kind == portal.KindTrap || pg.Kind == portal.KindSearch ||
				pg.Kind == portal.KindImage || pg.Kind == portal.KindStylesheet || // requisites are off by default
				has(pg, portal.QuirkOrphaned) || has(pg, portal.QuirkRobotsDisallowed) {
				continue
			}
			_, err := st.FindCapture(ctx, key(pg.URL), sum.RunID)
			for _, dup := range shownBy[pg.URL] {
				if err == nil {
					break
				}
				_, err = st.FindCapture(ctx, key(dup), sum.RunID)
			}
			if err != nil {
				missing++
				if missing <= 10 {
					t.Errorf("%s (%s) not captured: %v", pg.URL, pg.Kind, err)
				}
			}
		}
		if missing > 0 {
			t.Errorf("%d canonical pages not captured", missing)
		}
	})
	t.Run("no disallowed page fetched", func(t *testing.T) {
		for _, r := range rec.requests() {
			for _, d := range m.Robots.Disallow {
				if d != "" && strings.HasPrefix(r.Path, d) {
					t.Errorf("fetched %s, disallowed by %s", r.Path, d)
				}
			}
		}
	})
	t.Run("every trap bounded and reported", func(t *testing.T) {
		fr := frontier(t, st, sum.RunID)
		// The bound of the date traps is the learned range: the span of
		// the articles' dates plus the slack on each side, for each
		// language and each of the two day-archive URL styles.
		lo, hi := "9999", "0000"
		for _, pg := range m.Pages {
			if pg.Article != nil && pg.Article.Published.Value != "" {
				lo, hi = min(lo, pg.Article.Published.Value), max(hi, pg.Article.Published.Value)
			}
		}
		l, _ := time.Parse("2006-01-02", lo)
		h, _ := time.Parse("2006-01-02", hi)
		days := int(h.Sub(l).Hours()/24) + 2*int(cfg.Traps.CalendarSlack.Hours()/24) + 1
		bound := len(m.Languages) * days * 2
		t.Logf("articles dated %s to %s: date traps bounded at %d requests", lo, hi, bound)
		for _, tr := range m.Traps {
			re, err := regexp.Compile(tr.Pattern)
			if err != nil {
				t.Fatal(err)
			}
			fetched := 0
			for _, r := range rec.requests() {
				if re.MatchString(r.Path) {
					fetched++
				}
			}
			skipped := 0
			for u, e := range fr {
				if e.State == archive.FrontierSkipped && re.MatchString(strings.TrimPrefix(u, srv.URL)) {
					skipped++
				}
			}
			t.Logf("trap %s: %d fetched, %d skipped", tr.ID, fetched, skipped)
			if fetched > bound {
				t.Errorf("trap %s: %d requests, not bounded", tr.ID, fetched)
			}
		}
		if len(sum.Counts.Skipped) == 0 {
			t.Error("no skipped URL reported")
		}
	})
	t.Run("every duplicate collapsed", func(t *testing.T) {
		caps := runCaptures(t, st, sum.RunID)
		collapsed, total := 0, 0
		for _, pg := range m.Pages {
			if pg.DuplicateOf == "" {
				continue
			}
			total++
			if key(pg.URL) == key(pg.DuplicateOf) {
				collapsed++ // one canonical URL: fetched once (see "URL duplicates never fetched")
				continue
			}
			own := caps[key(pg.URL)] != nil
			aliases, err := st.Aliases(ctx, key(pg.URL))
			if err != nil {
				t.Fatal(err)
			}
			aliased := false
			for _, a := range aliases {
				aliased = aliased || (a.Alias == key(pg.URL) && a.Canonical == key(pg.DuplicateOf))
			}
			// One capture for the pair: the duplicate was the only URL of
			// its page that was linked.
			alone := own && caps[key(pg.DuplicateOf)] == nil
			if !own || aliased || alone {
				collapsed++
				continue
			}
			t.Errorf("duplicate %s (%s) of %s captured on its own, no alias", pg.URL, pg.DuplicateWhy, pg.DuplicateOf)
		}
		t.Logf("%d of %d duplicates collapsed", collapsed, total)
	})
	t.Run("URL duplicates never fetched", func(t *testing.T) {
		for _, r := range rec.requests() {
			if strings.Contains(strings.ToLower(r.Path), "jsessionid") || strings.Contains(r.Path, "utm_") {
				t.Errorf("fetched %s: a duplicate that canonicalisation should collapse", r.Path)
			}
		}
	})
	t.Run("windows-1251 bodies byte-identical", func(t *testing.T) {
		var volatile []*regexp.Regexp
		for _, v := range m.Volatile {
			volatile = append(volatile, regexp.MustCompile(v.Pattern))
		}
		mask := func(b []byte) string {
			for _, re := range volatile {
				b = re.ReplaceAll(b, []byte("VOLATILE"))
			}
			return string(b)
		}
		checked := 0
		for _, pg := range m.Pages {
			if pg.Charset != "windows-1251" || pg.Status != 200 || checked >= 10 {
				continue
			}
			c, err := st.FindCapture(ctx, key(pg.URL), sum.RunID)
			if err != nil || c.Status != 200 {
				continue
			}
			full, err := st.Capture(ctx, c.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.Get(srv.URL + pg.URL)
			if err != nil {
				t.Fatal(err)
			}
			served, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if mask(full.Body) != mask(served) {
				t.Errorf("%s: stored body differs from the served bytes", pg.URL)
			}
			checked++
		}
		if checked == 0 {
			t.Error("no windows-1251 page checked")
		}
	})
	t.Run("429 with Retry-After honoured and refused", func(t *testing.T) {
		if sum.Counts.Refused == 0 {
			t.Fatal("no refusal counted")
		}
		first := map[string]time.Time{}
		for _, r := range rec.requests() {
			if !p.Limited429(r.Path) {
				continue
			}
			if at, ok := first[r.Path]; ok {
				if gap := r.At.Sub(at); gap < time.Second-jitter {
					t.Errorf("%s retried after %v, Retry-After was 1s", r.Path, gap)
				}
				continue
			}
			first[r.Path] = r.At
		}
	})
	t.Logf("summary: %+v", sum.Counts)
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}
