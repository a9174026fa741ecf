package timeline_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
	"github.com/archiver-dev/archiver/internal/timeline"
)

// benchVersions returns the versions of URL u in a synthetic history of
// runs daily runs: most versions repeat the content before them, every
// tenth URL is edited in some run (silently or not), every fiftieth is
// removed in the last two runs.
func benchVersions(u int, url string, runs int, t0 time.Time) []archive.Version {
	vs := make([]archive.Version, 0, runs)
	section := fmt.Sprintf("https://portal.test/en/section-%d/", u%12)
	for r := 1; r <= runs; r++ {
		edit := 0
		if u%10 == 0 && r > (u/10)%runs {
			edit = 1
		}
		body := timeline.HashText(fmt.Sprintf("body %d %d", u, edit))
		v := archive.Version{
			URL: url, RunID: int64(r), CaptureID: int64(r)*1_000_000 + int64(u), FetchedAt: t0.AddDate(0, 0, r-1).Add(time.Duration(u) * time.Millisecond),
			Status: 200, FinalURL: url, Verdict: archive.VerdictOK, BodySHA256: body, Indexed: true,
			Digest: archive.Digest{
				ContentHash: timeline.HashText(body), Kind: archive.KindArticle, Section: section,
				Refs: archive.RefListing | archive.RefDay | archive.RefSitemap, DayCaptured: true, ListingComplete: true,
				Fields: archive.VersionFields{
					Headline:  fmt.Sprintf("Minister of section %d holds meeting number %d with delegation", u%12, u),
					Published: t0.AddDate(0, 0, -(u%700)).Format(time.DateOnly) + " 10:00", Authors: []string{"Ivan Petrov"},
					Source: "BelTA", Dateline: "MINSK, 3 April (BelTA) -", Credits: []string{"sectsco.org"},
					Breadcrumbs: []string{"Home", "Government", "Events"}, BodyHash: body,
				},
			},
		}
		if edit == 1 && u%20 == 0 {
			v.Digest.Fields.Modified = t0.AddDate(0, 0, r-1).Format(time.DateOnly)
		}
		if u%50 == 0 && r > runs-2 {
			v.Status, v.Digest = 404, archive.Digest{ContentHash: "gone", Kind: archive.KindOther}
		}
		vs = append(vs, v)
	}
	return vs
}

// buildBenchStore writes urls × runs versions into a new archive.
func buildBenchStore(b *testing.B, urls, runs int) *sqlite.Store {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "bench.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2024, 4, 1, 6, 0, 0, 0, time.UTC)
	for r := 1; r <= runs; r++ {
		id, err := st.CreateRun(ctx, archive.Run{Seeds: []string{"https://portal.test/"}, StartedAt: t0.AddDate(0, 0, r-1)})
		if err != nil {
			b.Fatal(err)
		}
		if err := st.FinishRun(ctx, id, archive.RunComplete, archive.RunCounts{}, t0.AddDate(0, 0, r-1).Add(time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
	perRun := make([][]archive.Version, runs)
	for u := 0; u < urls; u++ {
		url := fmt.Sprintf("https://portal.test/en/section-%d/article-%07d_i_%010d.html", u%12, u, u)
		for r, v := range benchVersions(u, url, runs, t0) {
			perRun[r] = append(perRun[r], v)
		}
	}
	for r := range perRun {
		if err := st.PutVersions(ctx, int64(r+1), timeline.IndexVersion, perRun[r], nil); err != nil {
			b.Fatal(err)
		}
		perRun[r] = nil
	}
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	ro, err := sqlite.OpenReadOnly(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ro.Close() })
	return ro
}

// BenchmarkAnalyse measures the whole analysis at the newest run, streamed
// from a SQLite archive. The target is urls=100000 (10 runs) in
// under 10 s on 2 cores:
//
//	go test -run '^$' -bench 'Analyse/urls=100000' -benchtime 1x -cpu 2 ./internal/timeline/
func BenchmarkAnalyse(b *testing.B) {
	for _, urls := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("urls=%d", urls), func(b *testing.B) {
			const runs = 10
			st := buildBenchStore(b, urls, runs)
			opts := timeline.DefaultOptions()
			opts.Now = func() time.Time { return time.Date(2024, 4, 10, 12, 0, 0, 0, time.UTC) }
			b.ReportAllocs()
			b.ResetTimer()
			var a *timeline.Analysis
			for i := 0; i < b.N; i++ {
				var err error
				a, err = timeline.Analyse(context.Background(), st, 0, opts)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if a.URLs != urls || a.Versions != urls*runs {
				b.Fatalf("analysed %d URLs, %d versions; want %d, %d", a.URLs, a.Versions, urls, urls*runs)
			}
			if len(a.Changes) == 0 || len(a.Removals) == 0 {
				b.Fatalf("the synthetic history has changes and removals; got %d, %d", len(a.Changes), len(a.Removals))
			}
			b.ReportMetric(float64(a.Versions)*float64(b.N)/b.Elapsed().Seconds(), "versions/s")
		})
	}
}
