package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// claimAll enqueues urls in run and claims them.
func claimAll(t *testing.T, s *sqlite.Store, run int64, urls ...string) {
	t.Helper()
	ctx := context.Background()
	var es []archive.FrontierEntry
	for _, u := range urls {
		es = append(es, archive.FrontierEntry{URL: u, Depth: 1})
	}
	if _, err := s.Enqueue(ctx, run, es); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Claim(ctx, run, len(urls), t0); err != nil || len(got) != len(urls) {
		t.Fatalf("claim: %d of %d, %v", len(got), len(urls), err)
	}
}

// frontierStates returns the state and reason of each entry of a run.
func frontierStates(t *testing.T, s *sqlite.Store, run int64) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := s.FrontierEntries(context.Background(), run, "", func(e archive.FrontierEntry) error {
		out[e.URL] = fmt.Sprintf("%s %s attempts %d", e.State, e.Reason, e.Attempts)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPutCapturesWritesEachPage writes four pages in one batch: a capture
// with its links and aliases, a refused capture finished after it, a
// duplicate (an alias and a finish) and a retry; and checks each as the
// one-write-each API would have left it.
func TestPutCapturesWritesEachPage(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	const (
		a, b, dup, later = "https://portal.example/a", "https://portal.example/b", "https://portal.example/dup", "https://portal.example/later"
		link             = "https://portal.example/link"
	)
	claimAll(t, s, run, a, b, dup, later)
	body := []byte("<html>shared body</html>")
	refused := capture(run, b, body) // the same body: stored once
	refused.URL, refused.Status, refused.Verdict = b, 429, archive.VerdictRefused
	retryAt := t0.Add(time.Minute)
	writes := []archive.CaptureWrite{
		{
			Capture: capture(run, a, body),
			Entries: []archive.FrontierEntry{
				{URL: link, Depth: 2, DiscoveredFrom: a},
				{URL: a, Depth: 2, DiscoveredFrom: a}, // already there
				{URL: "https://elsewhere.example/", Depth: 2, DiscoveredFrom: a, State: archive.FrontierSkipped, Reason: "out-of-scope"},
			},
			Aliases: []archive.Alias{{Alias: a + "?utm_source=x", Canonical: a, Reason: "tracking-param"}},
		},
		{Capture: refused, End: archive.FrontierEntry{URL: b, State: archive.FrontierDone, Reason: "refused"}},
		{
			Aliases: []archive.Alias{{RunID: run, Alias: dup, Canonical: a, Reason: "same-content"}},
			End:     archive.FrontierEntry{URL: dup, State: archive.FrontierDone, Reason: "duplicate of " + a},
		},
		{End: archive.FrontierEntry{URL: later, State: archive.FrontierQueued, Reason: "http 503", NotBefore: retryAt}},
	}
	if err := s.PutCaptures(ctx, run, writes); err != nil {
		t.Fatal(err)
	}
	if w := writes[0]; w.ID == 0 || !w.NewBody || w.Added != 1 || w.Capture.ID != w.ID || w.Capture.BodySHA256 == "" {
		t.Errorf("first write: id %d, new body %v, %d added, capture id %d", w.ID, w.NewBody, w.Added, w.Capture.ID)
	}
	if w := writes[1]; w.ID == 0 || w.ID == writes[0].ID || w.NewBody || w.Added != 0 {
		t.Errorf("second write (the same body): id %d, new body %v, %d added", w.ID, w.NewBody, w.Added)
	}
	if w := writes[2]; w.ID != 0 || w.NewBody {
		t.Errorf("a write without a capture: id %d, new body %v", w.ID, w.NewBody)
	}
	want := map[string]string{
		a:                            "done ok attempts 0",
		b:                            "done refused attempts 0",
		dup:                          "done duplicate of " + a + " attempts 0",
		later:                        "queued http 503 attempts 1",
		link:                         "queued  attempts 0",
		"https://elsewhere.example/": "skipped out-of-scope attempts 0",
	}
	if got := frontierStates(t, s, run); !reflect.DeepEqual(got, want) {
		t.Errorf("frontier:\n got %v\nwant %v", got, want)
	}
	if _, _, next, err := s.Pending(ctx, run); err != nil || !next.Equal(retryAt) {
		t.Errorf("the retry is not before %v, want %v (%v)", next, retryAt, err)
	}
	aliases, err := s.Aliases(ctx, a)
	if err != nil || len(aliases) != 2 {
		t.Errorf("aliases of %s: %+v, %v", a, aliases, err)
	}
	for _, u := range []string{a, b} {
		c, err := s.FindCapture(ctx, u, run)
		if err != nil {
			t.Fatalf("capture of %s: %v", u, err)
		}
		full, err := s.Capture(ctx, c.ID, true)
		if err != nil || string(full.Body) != string(body) {
			t.Errorf("body of %s: %q, %v", u, full.Body, err)
		}
	}
}

// TestPutCapturesStoresPages writes captures with the pages derived from
// them: each page is stored under its capture's new id, as PutPage would
// store it, with its links, images and credits; a capture without a page
// gets none.
func TestPutCapturesStoresPages(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	const a, b, c = "https://portal.example/a", "https://portal.example/b", "https://portal.example/c"
	claimAll(t, s, run, a, b, c)
	page := func(u string) *archive.Page {
		return &archive.Page{
			URL: u, ExtractorVersion: "links-test", Kind: archive.KindArticle, Title: "Page " + u, WordCount: 42,
			Links:   []archive.Link{{Href: "/x", URL: "https://portal.example/x", Text: "X", Place: "menu", Tag: "a"}},
			Images:  []archive.Image{{Src: "https://portal.example/i.jpg", Alt: "i", Credit: "BelTA"}},
			Credits: []archive.Credit{{Kind: "photo", Name: "BelTA", Text: "Photo by BelTA"}},
		}
	}
	writes := []archive.CaptureWrite{
		{Capture: capture(run, a, []byte("<html>a</html>")), Page: page(a)},
		{Capture: capture(run, b, []byte("<html>b</html>"))},
		{Capture: capture(run, c, []byte("<html>a</html>")), Page: page(c)}, // a body stored already
	}
	if err := s.PutCaptures(ctx, run, writes); err != nil {
		t.Fatal(err)
	}
	for i, u := range map[int]string{0: a, 2: c} {
		w := writes[i]
		if w.Page.CaptureID != w.ID || w.ID == 0 {
			t.Fatalf("write %d: page of capture %d, capture id %d", i, w.Page.CaptureID, w.ID)
		}
		got, err := s.Page(ctx, w.ID)
		if err != nil {
			t.Fatalf("page of capture %d: %v", w.ID, err)
		}
		want := page(u)
		want.CaptureID = w.ID
		if !reflect.DeepEqual(got, want) {
			t.Errorf("page of capture %d:\n got %+v\nwant %+v", w.ID, got, want)
		}
	}
	if _, err := s.Page(ctx, writes[1].ID); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("a capture written without a page has one: %v", err)
	}
}

// TestPutCapturesIsOneTransaction checks that a batch is stored all or
// not at all: a write that fails (its entry is not in the frontier) or is
// invalid leaves no page of its batch in the archive, and its entries
// claimed.
func TestPutCapturesIsOneTransaction(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	const a, b = "https://portal.example/a", "https://portal.example/b"
	claimAll(t, s, run, a, b)
	good := func() archive.CaptureWrite {
		return archive.CaptureWrite{
			Capture: capture(run, a, []byte("<html>a</html>")),
			Entries: []archive.FrontierEntry{{URL: "https://portal.example/new", Depth: 2, DiscoveredFrom: a}},
		}
	}
	for _, tc := range []struct {
		name     string
		bad      archive.CaptureWrite
		notFound bool
	}{
		{name: "end of an entry not in the frontier", bad: archive.CaptureWrite{End: archive.FrontierEntry{URL: "https://portal.example/unknown", State: archive.FrontierDone, Reason: "x"}}, notFound: true},
		{name: "retry of an entry not in the frontier", bad: archive.CaptureWrite{End: archive.FrontierEntry{URL: "https://portal.example/unknown", State: archive.FrontierQueued}}, notFound: true},
		{name: "end in state claimed", bad: archive.CaptureWrite{End: archive.FrontierEntry{URL: b, State: archive.FrontierClaimed}}},
		{name: "capture of another run", bad: archive.CaptureWrite{Capture: capture(run+1, b, []byte("b"))}},
		{name: "invalid capture", bad: archive.CaptureWrite{Capture: &archive.Capture{RunID: run, URL: b}}},
		{name: "alias of another run", bad: archive.CaptureWrite{Aliases: []archive.Alias{{RunID: run + 1, Alias: b, Canonical: a}}}},
		{name: "empty write", bad: archive.CaptureWrite{}},
		{name: "page without its capture", bad: archive.CaptureWrite{
			Page: &archive.Page{URL: b, ExtractorVersion: "v"},
			End:  archive.FrontierEntry{URL: b, State: archive.FrontierDone, Reason: "x"},
		}},
		{name: "page without an extractor version", bad: archive.CaptureWrite{Capture: capture(run, b, []byte("b")), Page: &archive.Page{URL: b}}},
		{name: "revisit of a body not in the archive", bad: archive.CaptureWrite{Capture: func() *archive.Capture {
			c := capture(run, b, nil)
			c.Body, c.BodySHA256, c.Verdict, c.Status = nil, "0000000000000000000000000000000000000000000000000000000000000000", archive.VerdictRevisit, 304
			return c
		}()}, notFound: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.PutCaptures(ctx, run, []archive.CaptureWrite{good(), tc.bad})
			if err == nil {
				t.Fatal("the batch was stored")
			}
			if tc.notFound != errors.Is(err, archive.ErrNotFound) {
				t.Errorf("error %v: ErrNotFound %v, want %v", err, !tc.notFound, tc.notFound)
			}
			if _, err := s.FindCapture(ctx, a, run); !errors.Is(err, archive.ErrNotFound) {
				t.Errorf("the batch's good capture was stored: %v", err)
			}
			want := map[string]string{a: "claimed  attempts 0", b: "claimed  attempts 0"}
			if got := frontierStates(t, s, run); !reflect.DeepEqual(got, want) {
				t.Errorf("frontier:\n got %v\nwant %v", got, want)
			}
		})
	}
	if err := s.PutCaptures(ctx, run, nil); err != nil {
		t.Errorf("an empty batch: %v", err)
	}
}

// TestPutCapturesCompressesOnlyNewBodies writes a batch mixing a body the
// archive already holds, a new body met twice, the empty body and no body
// at all: only the new bodies are stored, each once and compressed, each
// capture reads back its own bytes, and NewBody says which write stored a
// body.
func TestPutCapturesCompressesOnlyNewBodies(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	old := bytes.Repeat([]byte("<p>stored by an earlier write</p>"), 200)
	if _, isNew := mustPut(t, s, capture(run, "https://portal.example/old", old)); !isNew {
		t.Fatal("the first body is not new")
	}
	fresh := bytes.Repeat([]byte("<p>new in this batch</p>"), 300)
	noResponse := capture(run, "https://portal.example/down", nil)
	noResponse.Status, noResponse.Verdict, noResponse.Header = 0, archive.VerdictError, nil
	bodies := map[string][]byte{
		"https://portal.example/again": bytes.Clone(old),
		"https://portal.example/new1":  fresh,
		"https://portal.example/new2":  bytes.Clone(fresh),
		"https://portal.example/empty": {},
	}
	order := []string{"https://portal.example/again", "https://portal.example/new1", "https://portal.example/new2", "https://portal.example/empty"}
	var writes []archive.CaptureWrite
	for _, u := range order {
		writes = append(writes, archive.CaptureWrite{Capture: capture(run, u, bodies[u])})
	}
	writes = append(writes, archive.CaptureWrite{Capture: noResponse})
	if err := s.PutCaptures(ctx, run, writes); err != nil {
		t.Fatal(err)
	}
	var newBodies []bool
	for _, w := range writes {
		newBodies = append(newBodies, w.NewBody)
	}
	if want := []bool{false, true, false, true, false}; !reflect.DeepEqual(newBodies, want) {
		t.Errorf("new bodies %v, want %v", newBodies, want)
	}
	for i, u := range order {
		c, err := s.Capture(ctx, writes[i].ID, true)
		if err != nil || !bytes.Equal(c.Body, bodies[u]) || c.Size != int64(len(bodies[u])) {
			t.Errorf("%s: %d bytes read back (size %d), want %d; %v", u, len(c.Body), c.Size, len(bodies[u]), err)
		}
	}
	if c, err := s.Capture(ctx, writes[4].ID, true); err != nil || c.Body != nil || c.BodySHA256 != "" {
		t.Errorf("no response: body %q, sha %q, %v", c.Body, c.BodySHA256, err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	raw := int64(len(old) + len(fresh))
	if st.Bodies != 3 || st.RawBytes != raw || st.StoredBytes >= raw/4 {
		t.Errorf("stats %+v: want 3 bodies of %d raw bytes, compressed", st, raw)
	}
}
