package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

func openTimelineStore(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "archive.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestTimelineVersionsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTimelineStore(t)
	t0 := time.Date(2024, 4, 1, 6, 0, 0, 0, time.UTC)
	r1, err := s.CreateRun(ctx, archive.Run{Seeds: []string{"https://portal.test/"}, StartedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.CreateRun(ctx, archive.Run{Seeds: []string{"https://portal.test/"}, StartedAt: t0.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	a := "https://portal.test/en/news/a.html"
	b := "https://portal.test/en/news/b.html"
	full := archive.Version{
		URL: a, RunID: r1, CaptureID: 11, FetchedAt: t0.Add(time.Minute), Status: 200, FinalURL: a, Verdict: archive.VerdictOK,
		BodySHA256: "aa", Indexed: true,
		Digest: archive.Digest{
			ContentHash: "c1", Kind: archive.KindArticle, Section: "https://portal.test/en/news/", SoftNotFound: true, Duplicate: true,
			Refs: archive.RefListing | archive.RefSitemap, Day: "2024-04-01", Items: 4, ItemsOnDay: 3, ItemsAfter: 1, ItemsDated: 4,
			LatestListed: true, DayCaptured: true, ListingComplete: true,
			Fields: archive.VersionFields{
				Headline: "Headline", Published: "2024-04-01 10:00", Modified: "2024-04-02", Authors: []string{"A. One", "B. Two"},
				Source: "BelTA", Dateline: "MINSK, 1 April (BelTA) -", Credits: []string{"sectsco.org"},
				Breadcrumbs: []string{"Home", "News"}, Correction: "Correction: fixed", BodyHash: "bh",
			},
		},
	}
	moved := archive.Version{URL: a, RunID: r2, CaptureID: 21, FetchedAt: t0.Add(25 * time.Hour), Status: 301,
		FinalURL: "https://portal.test/en/", Redirected: true, Verdict: archive.VerdictOK, Indexed: true}
	other := archive.Version{URL: b, RunID: r1, CaptureID: 12, FetchedAt: t0.Add(2 * time.Minute), Status: 404, FinalURL: b, Verdict: archive.VerdictOK, Indexed: true}
	if err := s.PutVersions(ctx, r1, "v1", []archive.Version{full, other}, []archive.MissingURL{{URL: "https://portal.test/x", Via: "sitemap", Kind: "sitemap"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutVersions(ctx, r2, "v1", []archive.Version{moved}, nil); err != nil {
		t.Fatal(err)
	}
	// Indexing a run again replaces its rows.
	if err := s.PutVersions(ctx, r2, "v2", []archive.Version{moved}, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.PutVersions(ctx, r2, "v2", []archive.Version{full}, nil); err == nil {
		t.Error("a version of run 1 stored under run 2: no error")
	}
	full.RunStarted, moved.RunStarted, other.RunStarted = t0, t0.Add(24*time.Hour), t0

	var gotURLs []string
	var got [][]archive.Version
	err = s.Versions(ctx, r2, func(u string, vs []archive.Version) error {
		gotURLs = append(gotURLs, u)
		got = append(got, append([]archive.Version(nil), vs...))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotURLs, []string{a, b}) {
		t.Fatalf("urls %v", gotURLs)
	}
	if !reflect.DeepEqual(got[0], []archive.Version{full, moved}) {
		t.Errorf("versions of a:\n got %+v\nwant %+v", got[0], []archive.Version{full, moved})
	}
	if !reflect.DeepEqual(got[1], []archive.Version{other}) {
		t.Errorf("versions of b:\n got %+v\nwant %+v", got[1], other)
	}
	// Up to run 1 only.
	n := 0
	if err := s.Versions(ctx, r1, func(u string, vs []archive.Version) error { n += len(vs); return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("versions up to run 1: %d, want 2", n)
	}
	// fn's error stops the scan and comes back.
	stop := errors.New("stop")
	if err := s.Versions(ctx, r2, func(string, []archive.Version) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("error from fn: %v", err)
	}
	vs, err := s.URLVersions(ctx, a)
	if err != nil || len(vs) != 2 || vs[1].CaptureID != 21 {
		t.Errorf("URLVersions: %v %+v", err, vs)
	}
	if _, err := s.URLVersions(ctx, "https://portal.test/none"); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("URLVersions of an unknown URL: %v", err)
	}
	missing, err := s.NeverCaptured(ctx, r1)
	if err != nil || len(missing) != 1 || missing[0].URL != "https://portal.test/x" {
		t.Errorf("NeverCaptured: %v %+v", err, missing)
	}
	indexed, err := s.IndexedRuns(ctx, "v2")
	if err != nil || !reflect.DeepEqual(indexed, map[int64]int{r2: 1}) {
		t.Errorf("IndexedRuns: %v %v", err, indexed)
	}
}

func TestTimelineCaptureLookups(t *testing.T) {
	ctx := context.Background()
	s := openTimelineStore(t)
	t0 := time.Date(2024, 4, 1, 6, 0, 0, 0, time.UTC)
	run, err := s.CreateRun(ctx, archive.Run{Seeds: []string{"https://portal.test/"}, StartedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	u := "https://portal.test/en/a.html"
	c := &archive.Capture{RunID: run, URL: u + "?utm_source=x", CanonicalURL: u, FinalURL: u, Method: "GET", Status: 200,
		FetchedAt: t0, Verdict: archive.VerdictOK, Body: []byte("<html>a</html>")}
	if _, _, err := s.PutCapture(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAlias(ctx, run, u+"?utm_source=x", u, "tracking-param"); err != nil {
		t.Fatal(err)
	}
	ever, err := s.EverCaptured(ctx, run, []string{u, "https://portal.test/en/b.html"})
	if err != nil || !reflect.DeepEqual(ever, map[string]bool{u: true}) {
		t.Errorf("EverCaptured: %v %v", err, ever)
	}
	aliases, err := s.RunAliases(ctx, run)
	if err != nil || aliases[u+"?utm_source=x"] != u {
		t.Errorf("RunAliases: %v %v", err, aliases)
	}
	counts, err := s.CaptureCounts(ctx)
	if err != nil || !reflect.DeepEqual(counts, map[int64]int{run: 1}) {
		t.Errorf("CaptureCounts: %v %v", err, counts)
	}
	var bodies []string
	if err := s.RunCaptures(ctx, run, func(c *archive.Capture) error { bodies = append(bodies, string(c.Body)); return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(bodies, []string{"<html>a</html>"}) {
		t.Errorf("RunCaptures bodies: %q", bodies)
	}
}
