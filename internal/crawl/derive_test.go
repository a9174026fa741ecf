package crawl_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// unbatchedPages is the archive without its batch API but with PutPage:
// the crawl writes each page at once and hands it its derived page after.
type unbatchedPages struct {
	unbatched
}

// PutPage is the archive's.
func (u unbatchedPages) PutPage(ctx context.Context, p *archive.Page) error {
	return u.st.PutPage(ctx, p)
}

// TestCrawlDerive crawls the demo portal with Config.Derive, into a store
// that writes batches and one that writes each page at once: every HTML
// capture with a body gets the page derived from it (the derivation sees
// its URL and body), no other capture gets one; and with a store that
// keeps no pages, Derive is never called.
func TestCrawlDerive(t *testing.T) {
	cfg, _ := batchPortal(t)
	cfg.Workers, cfg.HostConcurrency = 4, 4
	cfg.Derive = func(c *archive.Capture) (*archive.Page, error) {
		if c.ID != 0 || len(c.Body) == 0 {
			return nil, fmt.Errorf("capture %s: id %d, %d bytes of body", c.URL, c.ID, len(c.Body))
		}
		return &archive.Page{URL: c.URL, ExtractorVersion: "test", Title: fmt.Sprint(len(c.Body))}, nil
	}
	batched := openStore(t)
	one := openStore(t)
	for _, tc := range []struct {
		name  string
		store crawl.Store
		st    *sqlite.Store
	}{
		{"batched", batched, batched},
		{"one by one", unbatchedPages{unbatched{Store: one, st: one}}, one},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			sum := mustRun(t, cfg, tc.store)
			pages, html := 0, 0
			err := tc.st.EachCapture(ctx, sqlite.CaptureQuery{RunID: sum.RunID, Body: true}, func(c *archive.Capture) error {
				p, err := tc.st.Page(ctx, c.ID)
				isPage := c.Status != 0 && len(c.Body) > 0 && c.IsHTML()
				if isPage {
					html++
				}
				switch {
				case err == nil:
					pages++
					if !isPage {
						t.Errorf("%s (%d, %s): a page, but no HTML body", c.URL, c.Status, c.ContentType())
					} else if p.URL != c.URL || p.Title != fmt.Sprint(len(c.Body)) || p.ExtractorVersion != "test" {
						t.Errorf("%s: page %+v, not the one derived from it", c.URL, p)
					}
				case isPage:
					t.Errorf("%s: no page (%v)", c.URL, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if html < 50 {
				t.Fatalf("%d HTML captures: too few to tell", html)
			}
			t.Logf("%d HTML captures, %d pages", html, pages)
		})
	}

	var called atomic.Bool
	cfg.Derive = func(*archive.Capture) (*archive.Page, error) { called.Store(true); return nil, nil }
	bare := openStore(t)
	mustRun(t, cfg, unbatched{Store: bare, st: bare})
	if called.Load() {
		t.Error("Derive was called for a store that keeps no pages")
	}
}
