package crawl_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/portal"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// benchArticles is the demo portal's size for BenchmarkCrawlPortal:
// articles per language (450 gives about 10,000 captured URLs). Override with
// ARCHIVER_BENCH_ARTICLES.
func benchArticles() int {
	if n, err := strconv.Atoi(os.Getenv("ARCHIVER_BENCH_ARTICLES")); err == nil && n > 0 {
		return n
	}
	return 450
}

// childRun is one crawl in a child process, measured from outside.
type childRun struct {
	sum     crawl.Summary
	elapsed time.Duration
	cpu     time.Duration // the child's user and system CPU time
	maxRSS  int64         // bytes
}

// runCrawlChild crawls seed into db in a child process (this test binary),
// so that its peak RSS is the crawler's alone, not the portal's.
//
// With ARCHIVER_CRAWL_TEST_CPUPROFILE set, the child writes its CPU profile
// to that name with "." and tag appended, so that the first crawl's profile
// and the recrawl's are kept apart.
func runCrawlChild(b *testing.B, db, seed, tag string, volatile []string, env ...string) childRun {
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), childDBEnv+"="+db, childSeedEnv+"="+seed, childBenchEnv+"=1",
		childVolatileEnv+"="+strings.Join(volatile, "\n"))
	cmd.Env = append(cmd.Env, env...)
	if prof := os.Getenv(cpuProfileEnv); prof != "" {
		cmd.Env = append(cmd.Env, cpuProfileEnv+"="+prof+"."+tag)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("crawl child: %v", err)
	}
	r := childRun{elapsed: time.Since(start), cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss * 1024
	}
	if err := json.Unmarshal(out.Bytes(), &r.sum); err != nil {
		b.Fatalf("crawl child output %q: %v", out.String(), err)
	}
	return r
}

func fileSize(paths ...string) int64 {
	var n int64
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// BenchmarkCrawlPortal crawls a 10,000-page demo portal over loopback with
// politeness off, then crawls it again (the portal behind ETag validators),
// crawls it once more into a new archive deriving links-level pages
// (archiver crawl --derive links), and mirrors it with wget in the same
// run. It reports pages/s, the crawler's peak RSS, the archive's bytes
// per page after the first crawl and what the recrawl added per page.
//
//	go test -run '^$' -bench CrawlPortal -benchtime 1x ./internal/crawl/
func BenchmarkCrawlPortal(b *testing.B) {
	p, err := portal.New(portal.Config{Seed: 1, Articles: benchArticles()})
	if err != nil {
		b.Fatal(err)
	}
	// The portal behind the validators a production front end adds (an
	// ETag over the page without its volatile parts, 304 for a match; see
	// recrawl_test.go): without them every page's visit counter makes a
	// recrawl store every body again.
	v := &validators{}
	var patterns []string
	for _, vol := range p.Manifest().Volatile {
		v.volatile = append(v.volatile, regexp.MustCompile(vol.Pattern))
		patterns = append(patterns, vol.Pattern)
	}
	h := p.Handler()
	v.h.Store(&h)
	srv := httptest.NewServer(v)
	defer srv.Close()
	for range b.N {
		dir := b.TempDir()
		db := filepath.Join(dir, "bench.db")
		first := runCrawlChild(b, db, srv.URL+"/", "first", patterns)
		size1 := fileSize(db, db+"-wal")
		second := runCrawlChild(b, db, srv.URL+"/", "recrawl", patterns)
		size2 := fileSize(db, db+"-wal")

		st, err := sqlite.OpenReadOnly(context.Background(), db)
		if err != nil {
			b.Fatal(err)
		}
		rs1, err1 := st.RunStats(context.Background(), first.sum.RunID)
		rs2, err2 := st.RunStats(context.Background(), second.sum.RunID)
		st.Close()
		if err1 != nil || err2 != nil {
			b.Fatal(err1, err2)
		}
		pages1 := float64(rs1.Captures)
		b.ReportMetric(pages1, "pages")
		b.ReportMetric(pages1/first.elapsed.Seconds(), "pages/s")
		b.ReportMetric(float64(first.cpu.Microseconds())/pages1, "cpu-µs/page")
		b.ReportMetric(float64(rs2.Captures)/second.elapsed.Seconds(), "recrawl-pages/s")
		b.ReportMetric(float64(second.cpu.Microseconds())/float64(rs2.Captures), "recrawl-cpu-µs/page")
		b.ReportMetric(float64(max(first.maxRSS, second.maxRSS))/(1<<20), "peak-RSS-MB")
		b.ReportMetric(float64(size1)/pages1, "archive-bytes/page")
		b.ReportMetric(float64(size2-size1)/float64(rs2.Captures), "recrawl-bytes/page")
		// What an unchanged page costs: the archive's growth without the
		// new bodies (of the pages that did change), per revisit.
		if rev := second.sum.Counts.Revisits; rev > 0 {
			b.ReportMetric(float64(size2-size1-rs2.NewStoredBytes)/float64(rev), "recrawl-bytes/unchanged-page")
		}
		b.ReportMetric(float64(second.sum.Counts.Captured), "recrawl-new-bodies")

		// The first crawl again, into a new archive, deriving links-level
		// pages as it stores them (archiver crawl --derive links).
		ddb := filepath.Join(dir, "derive.db")
		derived := runCrawlChild(b, ddb, srv.URL+"/", "derive", patterns, childDeriveEnv+"=links")
		if st, err = sqlite.OpenReadOnly(context.Background(), ddb); err != nil {
			b.Fatal(err)
		}
		rs3, err := st.RunStats(context.Background(), derived.sum.RunID)
		st.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rs3.Captures)/derived.elapsed.Seconds(), "derive-links-pages/s")
		b.ReportMetric(float64(derived.cpu.Microseconds())/float64(rs3.Captures), "derive-links-cpu-µs/page")
		b.Logf("first crawl: %d captures in %v (%d requests); recrawl: %d captures, %d revisits, %d new bodies in %v; archive %d → %d bytes",
			rs1.Captures, first.elapsed.Round(time.Millisecond), first.sum.Fetches, rs2.Captures, second.sum.Counts.Revisits,
			second.sum.Counts.Captured, second.elapsed.Round(time.Millisecond), size1, size2)

		wget, err := exec.LookPath("wget")
		if err != nil {
			b.Log("wget is not installed: the wget --mirror comparison is skipped (apt-get install wget)")
			continue
		}
		mirror := filepath.Join(dir, "mirror")
		// wget has no trap limits: it walks the portal's endless calendar
		// until it is stopped. It gets three times the crawler's time (at
		// least 30 s), and its rate is the files it wrote in that time.
		budget := max(3*first.elapsed, 30*time.Second)
		ctx, cancel := context.WithTimeout(context.Background(), budget)
		cmd := exec.CommandContext(ctx, wget, "--mirror", "--quiet", "--no-parent", "--level=20", "-e", "robots=on", "-P", mirror, srv.URL+"/")
		start := time.Now()
		err = cmd.Run() // wget exits 8 when some pages answered 4xx/5xx
		el := time.Since(start)
		stopped := ctx.Err() != nil
		cancel()
		if ee, ok := err.(*exec.ExitError); err != nil && !stopped && (!ok || ee.ExitCode() != 8) {
			b.Fatalf("wget: %v", err)
		}
		files := 0
		filepath.WalkDir(mirror, func(_ string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files++
			}
			return nil
		})
		var rss int64
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss * 1024
		}
		b.ReportMetric(float64(files)/el.Seconds(), "wget-pages/s")
		b.ReportMetric(float64(rss)/(1<<20), "wget-peak-RSS-MB")
		b.Logf("wget --mirror: %d files in %v (stopped at the time budget: %v)", files, el.Round(time.Millisecond), stopped)
	}
}
