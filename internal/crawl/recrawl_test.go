package crawl_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/portal"
)

// validators puts the demo portal behind what a production front end (a
// CMS cache, nginx, Varnish) adds and the generator does not: an ETag over
// the page without its volatile parts, and 304 Not Modified for a matching
// If-None-Match. The portal's handler is swapped to move it to another day.
type validators struct {
	h        atomic.Pointer[http.Handler]
	volatile []*regexp.Regexp
}

func (v *validators) etag(body []byte) string {
	for _, re := range v.volatile {
		body = re.ReplaceAll(body, nil)
	}
	s := sha256.Sum256(body)
	return `"` + hex.EncodeToString(s[:8]) + `"`
}

func (v *validators) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	(*v.h.Load()).ServeHTTP(rec, r)
	res := rec.Result()
	body := rec.Body.Bytes()
	for k, vals := range res.Header {
		w.Header()[k] = vals
	}
	if res.StatusCode == http.StatusOK {
		et := v.etag(plainBody(res.Header, body))
		w.Header().Set("ETag", et)
		if r.Header.Get("If-None-Match") == et {
			w.Header().Del("Content-Length")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.WriteHeader(res.StatusCode)
	w.Write(body)
}

// TestRecrawlStoresOnlyChanges crawls the demo portal, crawls it again
// unchanged (no new body may be stored), then crawls it as it stands three
// days later (new bodies exactly for the pages whose content changed).
func TestRecrawlStoresOnlyChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal three times")
	}
	day0, err := portal.New(portal.Config{Seed: 11, Articles: 24})
	if err != nil {
		t.Fatal(err)
	}
	day3, err := portal.New(portal.Config{Seed: 11, Articles: 24, Day: 3})
	if err != nil {
		t.Fatal(err)
	}
	v := &validators{}
	for _, vol := range day0.Manifest().Volatile {
		v.volatile = append(v.volatile, regexp.MustCompile(vol.Pattern))
	}
	h0, h3 := day0.Handler(), day3.Handler()
	v.h.Store(&h0)
	srv, _ := serve(t, v)
	st := openStore(t)
	cfg := testConfig(srv.URL + "/")
	for _, vol := range day0.Manifest().Volatile {
		cfg.Traps.Volatile = append(cfg.Traps.Volatile, vol.Pattern)
	}
	ctx := context.Background()

	first := mustRun(t, cfg, st)
	okPages := func(run int64) map[string]*archive.Capture {
		out := map[string]*archive.Capture{}
		err := st.RunCaptures(ctx, run, func(c *archive.Capture) error {
			if c.Status == http.StatusOK && len(c.Redirects) == 0 && !strings.HasSuffix(c.URL, "/robots.txt") {
				out[strings.TrimPrefix(c.URL, srv.URL)] = c
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	run1 := okPages(first.RunID)

	second := mustRun(t, cfg, st)
	rs, err := st.RunStats(ctx, second.RunID)
	if err != nil {
		t.Fatal(err)
	}
	// Every page captured in the first run is a revisit in the second: no
	// new body. (Error pages carry the same per-request parts but no
	// validators apply to them, so their differing bytes are stored again;
	// pages the first run did not reach have no previous capture.)
	newPages, reached := 0, 0
	for rel, c := range okPages(second.RunID) {
		if run1[rel] == nil {
			reached++
			continue
		}
		if c.Verdict != archive.VerdictRevisit {
			newPages++
			if newPages <= 10 {
				t.Errorf("unchanged page %s stored again (%s)", rel, c.Verdict)
			}
		}
	}
	if newPages > 0 {
		t.Errorf("recrawl of the unchanged portal stored %d page bodies again", newPages)
	}
	t.Logf("recrawl: %d captures, %.0f archive bytes per capture, %d revisits, %d new bodies in all (error pages and %d pages the first run did not reach)",
		rs.Captures, rs.BytesPerCapture(), second.Counts.Revisits, rs.NewBodies, reached)

	v.h.Store(&h3)
	before := okPages(second.RunID)
	for rel, c := range run1 {
		if before[rel] == nil {
			before[rel] = c
		}
	}
	third := mustRun(t, cfg, st)
	// The truth: of the pages captured before, those whose content
	// (volatile parts masked) differs between day 0 and day 3.
	get := func(h http.Handler, u string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
		return rec.Code, v.etag(plainBody(rec.Result().Header, rec.Body.Bytes()))
	}
	var stored, changed []string
	run3 := okPages(third.RunID)
	t.Logf("day 3: %d pages captured, %d of them captured before", len(run3), func() int {
		n := 0
		for rel := range run3 {
			if before[rel] != nil {
				n++
			}
		}
		return n
	}())
	for rel, c := range run3 {
		if before[rel] == nil {
			continue
		}
		if c.Verdict == archive.VerdictOK {
			stored = append(stored, rel)
		}
		s0, e0 := get(h0, rel)
		s3, e3 := get(h3, rel)
		if s0 != s3 || e0 != e3 {
			changed = append(changed, rel)
		}
	}
	sort.Strings(stored)
	sort.Strings(changed)
	if strings.Join(stored, "\n") != strings.Join(changed, "\n") {
		t.Errorf("day 3: stored new bodies for %d pages, %d changed", len(stored), len(changed))
		diff(t, "stored but unchanged", stored, changed)
		diff(t, "changed but not stored", changed, stored)
	}
	if len(changed) == 0 {
		t.Error("nothing changed in three days: the test proves nothing")
	}
	t.Logf("day 3: %d of %d pages captured before changed and were stored; %d revisits", len(changed), len(before), third.Counts.Revisits)
}

func diff(t *testing.T, what string, a, b []string) {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	n := 0
	for _, x := range a {
		if !in[x] {
			if n < 10 {
				t.Errorf("%s: %s", what, x)
			}
			n++
		}
	}
}

// plainBody removes a gzip content encoding.
func plainBody(h http.Header, body []byte) []byte {
	if h.Get("Content-Encoding") != "gzip" {
		return body
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return body
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		return body
	}
	return plain
}
