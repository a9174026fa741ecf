package sqlite_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// pageSize50K is the body size of the benchmarks: a typical article page.
const pageSize50K = 50 << 10

// htmlPages50K cuts real HTML pages of ../shared/evaldata into 50 KB bodies.
func htmlPages50K(b *testing.B) [][]byte {
	var out [][]byte
	for _, p := range sqlite.EvalHTML(b, 2) {
		for len(p) >= pageSize50K {
			out = append(out, p[:pageSize50K:pageSize50K])
			p = p[pageSize50K:]
		}
	}
	if len(out) == 0 {
		b.Skip("no evaluation page of 50 KB")
	}
	return out
}

// unique returns a copy of page made distinct by n (written over its
// last 8 bytes), so that its body is new to the archive.
func unique(page []byte, n uint64) []byte {
	b := append([]byte(nil), page...)
	binary.LittleEndian.PutUint64(b[len(b)-8:], n)
	return b
}

// BenchmarkPutCapture stores 50 KB HTML captures, one transaction each:
// with a new body every time (compressed and stored), and with the same
// body every time (a revisit: only the capture row is written).
//
//	go test -run '^$' -bench PutCapture -benchtime 2000x ./internal/sqlite
func BenchmarkPutCapture(b *testing.B) {
	pages := htmlPages50K(b)
	ctx := context.Background()
	b.Run("new-body", func(b *testing.B) {
		s, _ := mustOpen(b)
		run := mustRun(b, s)
		b.SetBytes(pageSize50K)
		i := 0
		cpu := sqlite.ProcessCPU()
		for b.Loop() {
			c := capture(run, fmt.Sprintf("https://portal.example/p/%d", i), unique(pages[i%len(pages)], uint64(i)))
			if _, isNew, err := s.PutCapture(ctx, c); err != nil || !isNew {
				b.Fatal(err, isNew)
			}
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "captures/s")
		reportCPU(b, cpu)
		reportSize(b, s)
	})
	b.Run("new-body-parallel", func(b *testing.B) {
		s, _ := mustOpen(b)
		run := mustRun(b, s)
		b.SetBytes(pageSize50K)
		var next uint64
		var mu = make(chan struct{}, 1)
		cpu := sqlite.ProcessCPU()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				mu <- struct{}{}
				n := next
				next++
				<-mu
				c := capture(run, fmt.Sprintf("https://portal.example/p/%d", n), unique(pages[int(n)%len(pages)], n))
				if _, _, err := s.PutCapture(ctx, c); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "captures/s")
		reportCPU(b, cpu)
	})
	b.Run("same-body", func(b *testing.B) {
		s, _ := mustOpen(b)
		run := mustRun(b, s)
		body := pages[0]
		b.SetBytes(pageSize50K)
		i := 0
		cpu := sqlite.ProcessCPU()
		for b.Loop() {
			c := capture(run, fmt.Sprintf("https://portal.example/p/%d", i), body)
			if _, _, err := s.PutCapture(ctx, c); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "captures/s")
		reportCPU(b, cpu)
		reportSize(b, s)
	})
}

// reportCPU reports the process CPU time per operation since start, which
// stays meaningful when other processes compete for the cores.
func reportCPU(b *testing.B, start int64) {
	if used := sqlite.ProcessCPU() - start; start != 0 && used > 0 {
		b.ReportMetric(float64(used)/float64(b.N)/1e3, "cpu-µs/op")
	}
}

// reportSize reports the archive's file size per capture.
func reportSize(b *testing.B, s *sqlite.Store) {
	st, err := s.Stats(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(st.BytesPerCapture(), "file-B/capture")
}

// filledArchive stores n captures of 50 KB real HTML, each with a new body.
func filledArchive(b *testing.B, n int) (*sqlite.Store, int64, []int64) {
	b.Helper()
	pages := htmlPages50K(b)
	s, _ := mustOpen(b)
	run := mustRun(b, s)
	ids := make([]int64, n)
	for i := range n {
		c := capture(run, fmt.Sprintf("https://portal.example/p/%d", i), unique(pages[i%len(pages)], uint64(i)))
		id, _ := mustPut(b, s, c)
		ids[i] = id
	}
	return s, run, ids
}

// BenchmarkCaptureRead reads random captures of a 2,000-capture archive by
// id, with and without their 50 KB body.
//
//	go test -run '^$' -bench CaptureRead -benchtime 5000x ./internal/sqlite
func BenchmarkCaptureRead(b *testing.B) {
	s, _, ids := filledArchive(b, 2000)
	ctx := context.Background()
	for _, body := range []bool{false, true} {
		b.Run(fmt.Sprintf("body=%v", body), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(3, 4))
			if body {
				b.SetBytes(pageSize50K)
			}
			cpu := sqlite.ProcessCPU()
			for b.Loop() {
				if _, err := s.Capture(ctx, ids[rng.IntN(len(ids))], body); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
			reportCPU(b, cpu)
		})
	}
	b.Run("latest-by-url", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(5, 6))
		cpu := sqlite.ProcessCPU()
		for b.Loop() {
			if _, err := s.LatestCapture(ctx, fmt.Sprintf("https://portal.example/p/%d", rng.IntN(len(ids))), 0); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
		reportCPU(b, cpu)
	})
}

// BenchmarkEachCapture iterates over the 2,000 captures of a run, with and
// without their 50 KB bodies.
//
//	go test -run '^$' -bench EachCapture -benchtime 5x ./internal/sqlite
func BenchmarkEachCapture(b *testing.B) {
	s, run, ids := filledArchive(b, 2000)
	ctx := context.Background()
	for _, body := range []bool{false, true} {
		b.Run(fmt.Sprintf("body=%v", body), func(b *testing.B) {
			if body {
				b.SetBytes(int64(len(ids)) * pageSize50K)
			}
			cpu := sqlite.ProcessCPU()
			for b.Loop() {
				n := 0
				err := s.EachCapture(ctx, sqlite.CaptureQuery{RunID: run, Body: body}, func(*archive.Capture) error { n++; return nil })
				if err != nil || n != len(ids) {
					b.Fatal(err, n)
				}
			}
			b.ReportMetric(float64(b.N*len(ids))/b.Elapsed().Seconds(), "captures/s")
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkFrontier enqueues, claims and finishes URLs in batches as a
// crawler does: per operation, Claim of 4 URLs, then for each an Enqueue
// of the 20 links found on it and a Finish (9 write transactions).
//
//	go test -run '^$' -bench Frontier -benchtime 2000x ./internal/sqlite
func BenchmarkFrontier(b *testing.B) {
	s, _ := mustOpen(b)
	ctx := context.Background()
	run := mustRun(b, s)
	now := time.Now()
	n := 0
	if _, err := s.Enqueue(ctx, run, []archive.FrontierEntry{{URL: "https://portal.example/"}}); err != nil {
		b.Fatal(err)
	}
	cpu := sqlite.ProcessCPU()
	for b.Loop() {
		got, err := s.Claim(ctx, run, 4, now)
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range got {
			links := make([]archive.FrontierEntry, 20)
			for j := range links {
				n++
				links[j] = archive.FrontierEntry{URL: fmt.Sprintf("https://portal.example/p/%d", n), Depth: e.Depth + 1, DiscoveredFrom: e.URL}
			}
			if _, err := s.Enqueue(ctx, run, links); err != nil {
				b.Fatal(err)
			}
			if err := s.Finish(ctx, run, e.URL, archive.FrontierDone, "200"); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*4)/b.Elapsed().Seconds(), "urls/s")
	reportCPU(b, cpu)
}
