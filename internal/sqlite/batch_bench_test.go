package sqlite_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// BenchmarkPutCaptures writes claimed pages of the benchmark's portal
// (portalPage, linksOf) with PutCaptures, in batches of 1 to 64 pages: the
// cost of a page's write, the commit shared by the pages of a batch.
//
//	go test -run '^$' -bench PutCaptures ./internal/sqlite/
func BenchmarkPutCaptures(b *testing.B) {
	ctx := context.Background()
	for _, size := range []int{1, 4, 16, 64} {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) {
			s, _ := mustOpen(b)
			run := mustRun(b, s)
			pages := b.N
			// The frontier the pages come from, claimed: each batch
			// ends the claims of its pages.
			entries := make([]archive.FrontierEntry, pages)
			for i := range entries {
				entries[i] = archive.FrontierEntry{URL: portalURL(i), Depth: 1}
			}
			if _, err := s.Enqueue(ctx, run, entries); err != nil {
				b.Fatal(err)
			}
			if got, err := s.Claim(ctx, run, pages, t0); err != nil || len(got) != pages {
				b.Fatalf("claim: %d of %d, %v", len(got), pages, err)
			}
			bodies := make([][]byte, pages)
			for i := range bodies {
				bodies[i] = portalPage(i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := sqlite.ProcessCPU()
			batch := make([]archive.CaptureWrite, 0, size)
			for i := 0; i < pages; i += size {
				batch = batch[:0]
				for j := i; j < min(i+size, pages); j++ {
					c := capture(run, portalURL(j), bodies[j])
					c.URL = c.CanonicalURL
					batch = append(batch, archive.CaptureWrite{Capture: c, Entries: linksOf(pages+j, 4*pages)})
				}
				if err := s.PutCaptures(ctx, run, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			reportCPU(b, cpu)
			b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}
