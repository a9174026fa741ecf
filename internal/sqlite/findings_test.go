package sqlite_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

func openCheckStore(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "archive.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestCheckRunsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openCheckStore(t)
	if _, _, err := s.LastCheckRun(ctx); !errors.Is(err, archive.ErrNotFound) {
		t.Fatalf("LastCheckRun on an empty archive: %v, want ErrNotFound", err)
	}
	at := time.Date(2026, 4, 3, 10, 0, 0, 0, time.UTC)
	f1 := archive.Finding{RuleID: "editorial/a", Severity: archive.SeverityError, URL: "https://e.gov/a", Fingerprint: "fa", State: archive.StateNew,
		Evidence: "x", Occurrences: []archive.Occurrence{{URL: "https://e.gov/b"}}, CapturedAt: at}
	f2 := archive.Finding{RuleID: "editorial/b", Severity: archive.SeverityNote, URL: "https://e.gov/b", Fingerprint: "fb", State: archive.StatePersisting, Suppressed: "waiver", WaiverNote: "ok"}
	resolved := archive.Finding{RuleID: "editorial/b", Severity: archive.SeverityNote, URL: "https://e.gov/c", Fingerprint: "fc", State: archive.StateResolved}
	id1, err := s.SaveCheckRun(ctx, sqlite.CheckRun{CrawlRunID: 1, StartedAt: at, FinishedAt: at.Add(time.Second), RulesHash: "h", FailOn: "error", Failed: true, Pages: 3, Errors: 1}, []archive.Finding{f1, f2, resolved})
	if err != nil {
		t.Fatal(err)
	}
	id2, err := s.SaveCheckRun(ctx, sqlite.CheckRun{CrawlRunID: 2, PreviousID: id1, StartedAt: at.Add(time.Hour), FinishedAt: at.Add(time.Hour), RulesHash: "h", FailOn: "warning"}, []archive.Finding{f2})
	if err != nil {
		t.Fatal(err)
	}
	run, fs, err := s.LastCheckRun(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if run.ID != id2 || run.PreviousID != id1 || run.CrawlRunID != 2 || run.FailOn != "warning" || len(fs) != 1 || fs[0].Fingerprint != "fb" || fs[0].WaiverNote != "ok" {
		t.Errorf("last run %+v findings %+v", run, fs)
	}
	first, err := s.CheckRunFindings(ctx, id1)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 || first[0].Fingerprint != "fa" || len(first[0].Occurrences) != 1 || !first[0].CapturedAt.Equal(at) {
		t.Errorf("findings of run 1 (the resolved one must not be stored): %+v", first)
	}
	runs, err := s.CheckRuns(ctx)
	if err != nil || len(runs) != 2 || runs[0].ID != id1 || !runs[0].Failed || runs[0].Errors != 1 || !runs[0].StartedAt.Equal(at) {
		t.Errorf("CheckRuns = %+v, %v", runs, err)
	}
	if _, err := s.CheckRun(ctx, 99); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("CheckRun(99): %v, want ErrNotFound", err)
	}
}

func TestEachPage(t *testing.T) {
	ctx := context.Background()
	s := openCheckStore(t)
	at := time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC)
	run, err := s.CreateRun(ctx, archive.Run{Seeds: []string{"https://e.gov/"}, StartedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	put := func(url, ct, body string) int64 {
		t.Helper()
		id, _, err := s.PutCapture(ctx, &archive.Capture{RunID: run, URL: url, CanonicalURL: url, Status: 200, FetchedAt: at,
			Header: http.Header{"Content-Type": {ct}}, Body: []byte(body), Verdict: archive.VerdictOK})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	current := put("https://e.gov/a", "text/html", "<h1>A</h1>")
	stale := put("https://e.gov/b", "text/html", "<h1>B</h1>")
	missing := put("https://e.gov/c", "text/html; charset=utf-8", "<h1>C</h1>")
	image := put("https://e.gov/i.jpg", "image/jpeg", "\xff\xd8")
	if err := s.PutPage(ctx, &archive.Page{CaptureID: current, URL: "https://e.gov/a", ExtractorVersion: "v2", Headline: "A",
		Images: []archive.Image{{Src: "https://e.gov/i.jpg", Credit: "X"}}, Credits: []archive.Credit{{Kind: "photo", Name: "X", Image: "https://e.gov/i.jpg"}},
		Links: []archive.Link{{Href: "/b", URL: "https://e.gov/b", Place: archive.PlaceBody}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPage(ctx, &archive.Page{CaptureID: stale, URL: "https://e.gov/b", ExtractorVersion: "v1", Headline: "old"}); err != nil {
		t.Fatal(err)
	}
	derived := map[int64]int{}
	derive := func(c *archive.Capture) (*archive.Page, error) {
		derived[c.ID]++
		if len(c.Body) == 0 {
			t.Errorf("derive got capture %d without its body", c.ID)
		}
		return &archive.Page{URL: c.URL, ExtractorVersion: "v2", Headline: "derived " + string(c.Body)}, nil
	}
	type seen struct {
		id       int64
		headline string
		images   int
		links    int
		ct       string
	}
	pass := func(links bool) []seen {
		var out []seen
		err := s.EachPage(ctx, sqlite.PageQuery{RunID: run, Version: "v2", Derive: derive, Store: true, Links: links}, func(c *archive.Capture, p *archive.Page) error {
			out = append(out, seen{c.ID, p.Headline, len(p.Images), len(p.Links), c.ContentType()})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	got := pass(false)
	want := []seen{{current, "A", 1, 0, "text/html"}, {stale, "derived <h1>B</h1>", 0, 0, "text/html"}, {missing, "derived <h1>C</h1>", 0, 0, "text/html; charset=utf-8"}}
	if len(got) != len(want) {
		t.Fatalf("pages %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("page %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if derived[image] != 0 {
		t.Error("an image capture was sent to the extractor")
	}
	// The derived pages were stored: a second pass derives nothing, and
	// links are loaded when asked.
	got = pass(true)
	if derived[stale] != 1 || derived[missing] != 1 {
		t.Errorf("derived %v, want each stale page once", derived)
	}
	if got[0].links != 1 || got[1].headline != "derived <h1>B</h1>" {
		t.Errorf("second pass %+v", got)
	}
	// A failing callback stops the pass with its error.
	stop := errors.New("stop")
	n := 0
	err = s.EachPage(ctx, sqlite.PageQuery{RunID: run}, func(*archive.Capture, *archive.Page) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("EachPage returned %v after %d calls", err, n)
	}
}
