package pipeline_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/links/pipeline"
	"github.com/archiver-dev/archiver/internal/portal"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// TestCrawlDerivesPagesAsCheckWould crawls the demo portal twice with the
// crawl deriving the pages as it stores each capture, at links level
// (archiver crawl --derive links) and at full level (--derive full). The
// second run's pages are revisits: 304 Not Modified for the pages the
// portal dates with Last-Modified, the same body again for the others.
// Every HTML capture of both runs must have its page from the crawl, and
// each must be the page a check derives from the archive's stored bytes:
// RebuildPages derives them all again and nothing may change.
func TestCrawlDerivesPagesAsCheckWould(t *testing.T) {
	for _, tc := range []struct {
		level   string
		x       *extract.Extractor
		version string
	}{
		{"links", extract.New(extract.Options{LinksOnly: true}), extract.LinksVersion},
		{"full", extract.New(extract.Options{}), extract.Version},
	} {
		t.Run(tc.level, func(t *testing.T) {
			ctx := context.Background()
			base, store := portalArchive(t)
			cfg := crawl.DefaultConfig()
			cfg.Delay = 0
			cfg.Exclude = calendarTraps
			cfg.Derive = tc.x.Capture
			for range 2 {
				if _, err := pipeline.Crawl(ctx, store, cfg, base+"/"); err != nil {
					t.Fatal(err)
				}
			}

			derived := pagesByCapture(t, store)
			versions, err := store.PageVersions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for id, v := range versions {
				if v != tc.version {
					t.Errorf("capture %d: a page of version %s, want %s", id, v, tc.version)
				}
			}
			notModified := 0
			err = store.EachCapture(ctx, sqlite.CaptureQuery{}, func(c *archive.Capture) error {
				if _, ok := derived[c.ID]; ok && c.Status == http.StatusNotModified {
					notModified++
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(derived) < 50 || notModified < 10 {
				t.Fatalf("the crawls derived %d pages, %d of 304 revisits: too few to tell anything", len(derived), notModified)
			}

			st, err := store.RebuildPages(ctx, 0, tc.version, true, tc.x.Capture)
			if err != nil {
				t.Fatal(err)
			}
			if st.Failed != 0 || st.Rebuilt != len(derived) {
				t.Errorf("the archive holds %d HTML captures (%d failed to derive), the crawls derived %d pages", st.Rebuilt, st.Failed, len(derived))
			}
			rebuilt := pagesByCapture(t, store)
			changed := 0
			for id, want := range rebuilt {
				if got, ok := derived[id]; !ok {
					t.Errorf("capture %d: no page from the crawl", id)
				} else if got != want {
					if changed++; changed <= 3 {
						t.Errorf("capture %d: the crawl's page differs from the check's:\n crawl %s\n check %s", id, got, want)
					}
				}
			}
			if changed > 0 {
				t.Fatalf("%d of %d pages differ", changed, len(rebuilt))
			}
			t.Logf("%d pages derived by the crawls (%d of them of 304 revisits), all as the check derives them", len(derived), notModified)
		})
	}
}

// portalArchive serves the demo portal (24 articles a language, the
// fewest that plant every quirk) on loopback for the test, and opens an
// empty archive for it; both are closed when the test ends.
func portalArchive(t testing.TB) (base string, store *sqlite.Store) {
	t.Helper()
	p, err := portal.New(portal.Config{Seed: 7, Articles: 24})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler())
	t.Cleanup(srv.Close)
	store, err = sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "archive.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return srv.URL, store
}

// calendarTraps keeps the crawls of these tests out of the portal's
// calendar and day archives, which hold most of its URLs.
var calendarTraps = []string{"/*/calendar/?*", "/*/archive/?day=*", "/*/all_news/page/*", "/*/regions/news.html?*start=*start=*", "*;jsessionid=*"}

// pagesByCapture returns the stored page of every capture, as JSON.
func pagesByCapture(t *testing.T, store *sqlite.Store) map[int64]string {
	t.Helper()
	ctx := context.Background()
	versions, err := store.PageVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]string{}
	for id := range versions {
		p, err := store.Page(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		out[id] = string(b)
	}
	return out
}

// TestCrawlDeriveFailure checks that a failed derivation stores no page
// and stops nothing: the crawl goes on, and the check derives the page.
func TestCrawlDeriveFailure(t *testing.T) {
	ctx := context.Background()
	base, store := portalArchive(t)
	x := extract.New(extract.Options{LinksOnly: true})
	home := base + "/"
	cfg := crawl.DefaultConfig()
	cfg.Delay = 0
	cfg.Exclude = calendarTraps
	cfg.Derive = func(c *archive.Capture) (*archive.Page, error) {
		if c.URL == home {
			return nil, errors.New("planted failure")
		}
		return x.Capture(c)
	}
	sum, err := pipeline.Crawl(ctx, store, cfg, home)
	if err != nil {
		t.Fatal(err)
	}
	homeCapture, err := store.FindCapture(ctx, home, sum.RunID)
	if err != nil {
		t.Fatal(err)
	}
	versions, err := store.PageVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := versions[homeCapture.ID]; ok {
		t.Errorf("the home page's derivation failed, yet it has a page")
	}
	if len(versions) < 20 {
		t.Errorf("%d pages derived: the crawl stopped deriving after the failure", len(versions))
	}
	n := 0
	err = pipeline.LinksArchive(store).EachPage(ctx, sum.RunID, func(c *archive.Capture, _ *archive.Page) error {
		if c.ID == homeCapture.ID {
			n++
		}
		return nil
	})
	if err != nil || n != 1 {
		t.Errorf("the check read the home page %d times (%v), want once, derived by itself", n, err)
	}
}
