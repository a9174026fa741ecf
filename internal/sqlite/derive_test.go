package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// TestEachPageDerived checks the concurrent page derivation against the
// serial EachPage: the same captures and pages in the same order, pages of
// accepted versions read as stored, the others derived once each (on
// several goroutines) and stored under the version the extractor gives.
func TestEachPageDerived(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t)
	run := mustRun(t, s)
	at := time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC)
	put := func(url, ct, body string) int64 {
		t.Helper()
		id, _, err := s.PutCapture(ctx, &archive.Capture{RunID: run, URL: url, CanonicalURL: url, Status: 200, FetchedAt: at,
			Header: http.Header{"Content-Type": {ct}}, Body: []byte(body), Verdict: archive.VerdictOK})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	// More than one read batch (256 captures), so that derivation overlaps
	// the callback across batches.
	const n = 600
	var ids []int64
	version := map[int64]string{}
	for i := range n {
		ct := "text/html"
		if i%50 == 7 {
			ct = "image/jpeg"
		}
		id := put(fmt.Sprintf("https://e.gov/p%03d", i), ct, fmt.Sprintf("<h1>%d</h1>", i))
		ids = append(ids, id)
		switch i % 4 {
		case 0: // current
			version[id] = "links/2"
		case 1: // a fuller extraction: accepted
			version[id] = "full/2"
		case 2: // stale
			version[id] = "full/1"
		}
		if v := version[id]; v != "" && ct == "text/html" {
			if err := s.PutPage(ctx, &archive.Page{CaptureID: id, URL: fmt.Sprint(i), ExtractorVersion: v, Headline: "stored " + v,
				Links: []archive.Link{{Href: "/x", URL: "https://e.gov/x"}}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	var mu sync.Mutex
	derived := map[int64]int{}
	var inFlight, most atomic.Int32
	derive := func(c *archive.Capture) (*archive.Page, error) {
		k := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if k <= m || most.CompareAndSwap(m, k) {
				break
			}
		}
		time.Sleep(time.Millisecond) // long enough for derivations to overlap
		mu.Lock()
		derived[c.ID]++
		mu.Unlock()
		if len(c.Body) == 0 {
			return nil, errors.New("no body")
		}
		if string(c.Body) == "<h1>599</h1>" {
			return nil, errors.New("extraction fails")
		}
		return &archive.Page{URL: c.URL, ExtractorVersion: "links/2", Headline: "derived " + string(c.Body),
			Links: []archive.Link{{Href: "/y", URL: "https://e.gov/y"}, {Href: "/z", URL: "https://e.gov/z"}}}, nil
	}
	q := sqlite.PageQuery{RunID: run, Version: "links/2", Derive: derive, Store: true, Links: true}
	type seen struct {
		id       int64
		headline string
		links    int
	}
	pass := func() []seen {
		var out []seen
		err := s.EachPageDerived(ctx, q, sqlite.Derivation{Accept: []string{"full/2"}, Workers: 4}, func(c *archive.Capture, p *archive.Page) error {
			out = append(out, seen{c.ID, p.Headline, len(p.Links)})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	got := pass()
	var want []seen
	for i, id := range ids {
		switch v := version[id]; {
		case i%50 == 7 || i == 599: // an image; a failed extraction
		case v == "links/2" || v == "full/2":
			want = append(want, seen{id, "stored " + v, 1})
		default:
			want = append(want, seen{id, fmt.Sprintf("derived <h1>%d</h1>", i), 2})
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d pages, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("page %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	for i, id := range ids {
		v := version[id]
		if i%50 == 7 {
			if derived[id] != 0 {
				t.Errorf("image capture %d sent to the extractor", id)
			}
			continue
		}
		if w := map[bool]int{true: 1, false: 0}[v != "links/2" && v != "full/2"]; derived[id] != w {
			t.Errorf("capture %d (stored %q) derived %d times, want %d", id, v, derived[id], w)
		}
	}
	if most.Load() < 2 {
		t.Errorf("at most %d derivation at once with 4 workers", most.Load())
	}
	// The derived pages were stored under the extractor's version: the
	// serial EachPage at that version derives nothing but the failure.
	clear(derived)
	n2 := 0
	if err := s.EachPage(ctx, q, func(*archive.Capture, *archive.Page) error { n2++; return nil }); err != nil {
		t.Fatal(err)
	}
	full := 0
	for i, id := range ids {
		if version[id] == "full/2" && i%50 != 7 {
			full++
		}
	}
	if len(derived) != full+1 { // the full/2 pages are stale to EachPage; the failing page again
		t.Errorf("EachPage derived %d pages after EachPageDerived, want %d", len(derived), full+1)
	}
	clear(derived)
	if again := pass(); len(again) != len(want) || len(derived) != 1 {
		t.Errorf("second pass: %d pages, %d derived; want %d pages, only the failing one derived", len(again), len(derived), len(want))
	}
}

// TestEachPageDerivedStops checks that a failing callback and a canceled
// context end the pass with their error and leave no goroutine behind
// blocked (the test would hang or the race detector complain).
func TestEachPageDerivedStops(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t)
	run := mustRun(t, s)
	for i := range 700 {
		if _, _, err := s.PutCapture(ctx, &archive.Capture{RunID: run, URL: fmt.Sprintf("https://e.gov/%d", i), CanonicalURL: fmt.Sprintf("https://e.gov/%d", i), Status: 200, FetchedAt: t0,
			Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<p>x</p>"), Verdict: archive.VerdictOK}); err != nil {
			t.Fatal(err)
		}
	}
	derive := func(c *archive.Capture) (*archive.Page, error) {
		return &archive.Page{URL: c.URL, ExtractorVersion: "v"}, nil
	}
	stop := errors.New("stop")
	calls := 0
	err := s.EachPageDerived(ctx, sqlite.PageQuery{RunID: run, Version: "v", Derive: derive}, sqlite.Derivation{Workers: 3},
		func(*archive.Capture, *archive.Page) error {
			calls++
			if calls == 10 {
				return stop
			}
			return nil
		})
	if !errors.Is(err, stop) || calls != 10 {
		t.Errorf("EachPageDerived returned %v after %d calls, want stop after 10", err, calls)
	}
	cctx, cancel := context.WithCancel(ctx)
	calls = 0
	err = s.EachPageDerived(cctx, sqlite.PageQuery{RunID: run, Version: "v", Derive: derive}, sqlite.Derivation{},
		func(*archive.Capture, *archive.Page) error {
			calls++
			if calls == 300 {
				cancel()
			}
			return nil
		})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("canceled pass returned %v after %d calls", err, calls)
	}
}

// TestEachPageDerivedSources checks what the extractor is given, now that a
// batch's captures and bodies are read in one query: each capture as
// Capture reads it with its body, and a 304 revisit with the status and
// headers of the response it repeats (its Content-Type and charset) and
// the body it references. An image's body is not read at all.
func TestEachPageDerivedSources(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t)
	run1 := mustRun(t, s)
	first := capture(run1, "https://portal.example/a", []byte("<p>a, version 1</p>"))
	first.Header = http.Header{"Content-Type": {"text/html; charset=windows-1251"}, "Etag": {`"a1"`}, "Content-Language": {"ru"}}
	firstID, _ := mustPut(t, s, first)

	run2 := mustRun(t, s)
	revisit := capture(run2, "https://portal.example/a", nil)
	revisit.Status, revisit.Verdict, revisit.BodySHA256, revisit.RevisitOf = 304, archive.VerdictRevisit, first.BodySHA256, firstID
	revisit.Header = http.Header{"Etag": {`"a1"`}, "Date": {"Fri, 27 Nov 2026 10:26:47 GMT"}}
	revisitID, _ := mustPut(t, s, revisit)
	changedID, _ := mustPut(t, s, capture(run2, "https://portal.example/b", []byte("<p>b, version 2</p>")))
	image := capture(run2, "https://portal.example/c.jpg", []byte("\xff\xd8\xff"))
	image.Header = http.Header{"Content-Type": {"image/jpeg"}}
	imageID, _ := mustPut(t, s, image)

	got := map[int64]*archive.Capture{}
	var mu sync.Mutex
	derive := func(c *archive.Capture) (*archive.Page, error) {
		mu.Lock()
		got[c.ID] = c
		mu.Unlock()
		return &archive.Page{URL: c.URL, ExtractorVersion: "v"}, nil
	}
	if err := s.EachPageDerived(ctx, sqlite.PageQuery{RunID: run2, Version: "v", Derive: derive}, sqlite.Derivation{Workers: 2},
		func(*archive.Capture, *archive.Page) error { return nil }); err != nil {
		t.Fatal(err)
	}
	want := map[int64]*archive.Capture{}
	for _, id := range []int64{revisitID, changedID} {
		c, err := s.Capture(ctx, id, true)
		if err != nil {
			t.Fatal(err)
		}
		want[id] = c
	}
	base, err := s.Capture(ctx, firstID, false)
	if err != nil {
		t.Fatal(err)
	}
	want[revisitID].Status, want[revisitID].Header = base.Status, base.Header
	if _, ok := got[imageID]; ok {
		t.Error("the image was given to the extractor")
	}
	for id, w := range want {
		if !reflect.DeepEqual(got[id], w) {
			t.Errorf("capture %d given to the extractor:\n got %+v\nwant %+v", id, got[id], w)
		}
	}
	if string(got[revisitID].Body) != "<p>a, version 1</p>" || got[revisitID].ContentType() != "text/html; charset=windows-1251" {
		t.Errorf("the revisit was derived from body %q with Content-Type %q", got[revisitID].Body, got[revisitID].ContentType())
	}
}

// TestEachPageDerivedStoreFails checks that pages which cannot be stored
// (the archive is open read-only) end the pass with the store's error, now
// that they are stored while fn reads them, rather than with the
// cancellation that stops the pass.
func TestEachPageDerivedStoreFails(t *testing.T) {
	ctx := context.Background()
	s, path := mustOpen(t)
	run := mustRun(t, s)
	for i := range 700 {
		u := fmt.Sprintf("https://e.gov/%d", i)
		if _, _, err := s.PutCapture(ctx, &archive.Capture{RunID: run, URL: u, CanonicalURL: u, Status: 200, FetchedAt: t0,
			Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<p>x</p>"), Verdict: archive.VerdictOK}); err != nil {
			t.Fatal(err)
		}
	}
	ro, err := sqlite.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	derive := func(c *archive.Capture) (*archive.Page, error) {
		return &archive.Page{URL: c.URL, ExtractorVersion: "v"}, nil
	}
	calls := 0
	err = ro.EachPageDerived(ctx, sqlite.PageQuery{RunID: run, Version: "v", Derive: derive, Store: true}, sqlite.Derivation{Workers: 2},
		func(*archive.Capture, *archive.Page) error { calls++; return nil })
	if !errors.Is(err, sqlite.ErrReadOnly) {
		t.Errorf("EachPageDerived on a read-only archive with Store returned %v after %d pages, want ErrReadOnly", err, calls)
	}
	versions, err := s.PageVersions(ctx)
	if err != nil || len(versions) != 0 {
		t.Errorf("pages stored: %d (%v), want none", len(versions), err)
	}
}
