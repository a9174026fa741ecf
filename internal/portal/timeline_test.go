package portal_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/portal"
)

func TestDeterministicBytes(t *testing.T) {
	p1, s1 := served(t, portal.Config{Seed: 42})
	_, s2 := served(t, portal.Config{Seed: 42})
	_, s3 := served(t, portal.Config{Seed: 43})
	m := p1.Manifest()
	c := noRedirect()
	urls := []string{"/en/", "/ru/", "/be/press-center/news/?page=2", "/robots.txt", "/sitemap.xml", "/en/rss.xml"}
	for _, pg := range m.Pages {
		if pg.Article != nil && len(urls) < 60 {
			urls = append(urls, pg.URL)
		}
	}
	for _, u := range urls {
		a := get(t, c, s1.URL, u)
		b := get(t, c, s2.URL, u)
		if u == "/en/" && bytes.Equal(a.raw, b.raw) {
			// Distinct requests differ in their volatile parts (counter, token, promo).
			a2 := get(t, c, s1.URL, u)
			if bytes.Equal(a.raw, a2.raw) {
				t.Errorf("%s: two requests gave identical bytes; the volatile parts should change", u)
			}
		}
		ra := bytes.ReplaceAll(stripVolatile(t, m, a.raw), []byte(s1.URL), []byte("BASE"))
		rb := bytes.ReplaceAll(stripVolatile(t, m, b.raw), []byte(s2.URL), []byte("BASE"))
		ra = bytes.ReplaceAll(ra, []byte(strings.TrimPrefix(s1.URL, "http://")), []byte("HOST"))
		rb = bytes.ReplaceAll(rb, []byte(strings.TrimPrefix(s2.URL, "http://")), []byte("HOST"))
		if !bytes.Equal(ra, rb) {
			t.Errorf("%s: same seed, different bytes beyond the volatile parts", u)
		}
	}
	a := get(t, c, s1.URL, "/en/")
	b := get(t, c, s3.URL, "/en/")
	if bytes.Equal(stripVolatile(t, m, a.raw), stripVolatile(t, m, b.raw)) {
		t.Error("seeds 42 and 43 gave the same home page")
	}
	// The manifest itself is deterministic.
	p2, _ := portal.New(portal.Config{Seed: 42})
	if len(p2.Manifest().Pages) != len(m.Pages) || p2.Manifest().Pages[len(m.Pages)/2].URL != m.Pages[len(m.Pages)/2].URL {
		t.Error("manifests of the same seed differ")
	}
}

func TestDayN(t *testing.T) {
	const day = 5
	p0, s0 := served(t, portal.Config{Seed: 6})
	pn, sn := served(t, portal.Config{Seed: 6, Day: day})
	m0, mn := p0.Manifest(), pn.Manifest()
	c := noRedirect()
	if mn.Today <= m0.Today {
		t.Fatalf("today %s on day %d, %s on day 0", mn.Today, day, m0.Today)
	}
	kinds := map[portal.ChangeKind]int{}
	changed := map[string]bool{}
	sitemap := string(get(t, c, sn.URL, "/sitemap.xml").raw)
	later := map[string]bool{} // URLs changed again after being published
	for _, ch := range mn.Changes {
		if ch.Kind != portal.ChangePublished {
			later[ch.URL] = true
		}
	}
	for _, ch := range mn.Changes {
		kinds[ch.Kind]++
		changed[ch.URL] = true
		if ch.Day < 1 || ch.Day > day {
			t.Errorf("change on day %d", ch.Day)
		}
		before, _ := manifestPage(m0, ch.URL)
		after, ok := manifestPage(mn, ch.URL)
		if !ok {
			t.Errorf("%s (%s) not in the day-%d manifest", ch.URL, ch.Kind, day)
			continue
		}
		f := get(t, c, sn.URL, ch.URL)
		switch ch.Kind {
		case portal.ChangePublished:
			if later[ch.URL] {
				continue // checked under its later change
			}
			if f.status != 200 || after.Article == nil || after.Article.Published.Value <= m0.Today {
				t.Errorf("published %s: %d", ch.URL, f.status)
			}
			if _, existed := manifestPage(m0, ch.URL); existed {
				t.Errorf("published %s already existed on day 0", ch.URL)
			}
		case portal.ChangeEdited:
			if before.Article == nil {
				// Published and edited within the window: compare with the story headline.
				if f.status != 200 || after.Article.Version != 1 {
					t.Errorf("edited %s: %d, version %d", ch.URL, f.status, after.Article.Version)
				}
				continue
			}
			if f.status != 200 || after.Article.Published != before.Article.Published || after.Article.Modified.Value != "" {
				t.Errorf("edited %s: status %d or dates changed", ch.URL, f.status)
				continue
			}
			old := get(t, c, s0.URL, ch.URL)
			if bytes.Equal(stripVolatile(t, m0, old.raw), stripVolatile(t, mn, f.raw)) {
				t.Errorf("edited %s: bytes unchanged", ch.URL)
			}
			if (ch.What == "headline") == (after.Article.Headline == before.Article.Headline) {
				t.Errorf("edited %s (%s): headline %q → %q", ch.URL, ch.What, before.Article.Headline, after.Article.Headline)
			}
		case portal.ChangeCorrected:
			if f.status != 200 || after.Article.Modified.Value != ch.Date || after.Article.Correction == "" {
				t.Errorf("corrected %s: %d, modified %q", ch.URL, f.status, after.Article.Modified.Value)
			}
			if !strings.Contains(parse(t, decode(t, f.raw, after.Charset)).text, after.Article.Correction) {
				t.Errorf("corrected %s: no correction note", ch.URL)
			}
		case portal.ChangeRemoved:
			if f.status != ch.Status || after.Status != ch.Status {
				t.Errorf("removed %s: %d, want %d", ch.URL, f.status, ch.Status)
			}
		case portal.ChangeOrphaned:
			if f.status != 200 || after.InSitemap || after.InListing || !hasQuirk(after.Quirks, portal.QuirkOrphaned) {
				t.Errorf("orphaned %s: %d, in sitemap %v", ch.URL, f.status, after.InSitemap)
			}
			if strings.Contains(sitemap, ch.URL) {
				t.Errorf("orphaned %s is in the sitemap", ch.URL)
			}
			for _, pg := range mn.Pages {
				for _, it := range pg.Items {
					if it == ch.URL {
						t.Errorf("orphaned %s still listed on %s", ch.URL, pg.URL)
					}
				}
			}
		}
	}
	for _, k := range []portal.ChangeKind{portal.ChangePublished, portal.ChangeEdited, portal.ChangeCorrected, portal.ChangeRemoved, portal.ChangeOrphaned} {
		if kinds[k] < day {
			t.Errorf("%d %s changes over %d days", kinds[k], k, day)
		}
	}
	// An untouched old article whose neighbours are untouched has the same
	// bytes on both days, apart from the volatile parts.
	compared := 0
	for _, pg := range m0.Pages {
		if pg.Article == nil || pg.DuplicateOf != "" || changed[pg.URL] || compared == 5 || strings.HasPrefix(pg.Calendar.Month, m0.Today[:7]) {
			continue
		}
		a := stripVolatile(t, m0, get(t, c, s0.URL, pg.URL).raw)
		b := stripVolatile(t, mn, get(t, c, sn.URL, pg.URL).raw)
		if bytes.Equal(a, b) {
			compared++
		}
	}
	if compared < 5 {
		t.Errorf("only %d untouched articles kept their bytes", compared)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []portal.Config{
		{Articles: 10},
		{Day: -1},
		{Day: 100000},
		{Quirks: portal.Quirks{RateLimit429: 1.5}},
		{Host: "http://x"},
	} {
		if _, err := portal.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted a bad config", cfg)
		}
	}
}

func TestConditionalRequests(t *testing.T) {
	p0, _ := served(t, portal.Config{Seed: 6})
	pn, sn := served(t, portal.Config{Seed: 6, Day: 3})
	m0 := p0.Manifest()
	condGet := func(u, since string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, sn.URL+u, nil)
		req.Header.Set("If-Modified-Since", since)
		resp, err := noRedirect().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	touched := map[string]bool{}
	for _, ch := range pn.Manifest().Changes {
		if ch.Kind == portal.ChangeEdited || ch.Kind == portal.ChangeCorrected {
			touched[ch.URL] = true
		}
	}
	revisits, refetched := 0, 0
	for _, pg := range m0.ArticlePages() {
		after, ok := pn.Manifest().Lookup(pg.URL)
		if !ok || after.Status != 200 || pg.LastModified == "" {
			continue
		}
		got := condGet(pg.URL, pg.LastModified)
		switch {
		case touched[pg.URL]:
			refetched++
			if got != 200 {
				t.Errorf("%s changed on a later day but answered %d to the day-0 Last-Modified", pg.URL, got)
			}
		default:
			revisits++
			if got != http.StatusNotModified {
				t.Errorf("%s unchanged but answered %d to its Last-Modified", pg.URL, got)
			}
		}
	}
	if revisits == 0 || refetched == 0 {
		t.Errorf("%d revisits, %d refetches", revisits, refetched)
	}
	if got := condGet("/css/portal.css", "Mon, 01 Jan 2024 00:00:00 GMT"); got != 200 {
		t.Errorf("stylesheet modified since 2024-01-01 answered %d", got)
	}
}
