package crawl_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// The child process of TestResumeAfterKill crawls the seed in these
// variables into the archive, until it is killed.
const (
	childDBEnv    = "ARCHIVER_CRAWL_TEST_CHILD_DB"
	childSeedEnv  = "ARCHIVER_CRAWL_TEST_CHILD_SEED"
	childBenchEnv = "ARCHIVER_CRAWL_TEST_CHILD_BENCH" // politeness off, the default workers, summary as JSON on stdout

	childVolatileEnv = "ARCHIVER_CRAWL_TEST_CHILD_VOLATILE" // Traps.Volatile, one pattern a line
	cpuProfileEnv    = "ARCHIVER_CRAWL_TEST_CPUPROFILE"     // the child writes its CPU profile here
	childDeriveEnv   = "ARCHIVER_CRAWL_TEST_CHILD_DERIVE"   // "links": derive links-level pages, as archiver crawl --derive links does
)

func TestMain(m *testing.M) {
	if db := os.Getenv(childDBEnv); db != "" {
		os.Exit(crawlChild(db, os.Getenv(childSeedEnv)))
	}
	os.Exit(m.Run())
}

func crawlChild(db, seed string) int {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer st.Close()
	if prof := os.Getenv(cpuProfileEnv); prof != "" {
		if f, err := os.Create(prof); err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	cfg := testConfig(seed)
	if os.Getenv(childBenchEnv) != "" {
		// The default workers, all on the one host.
		cfg.Workers = crawl.DefaultConfig().Workers
		cfg.HostConcurrency = cfg.Workers
	}
	if vol := os.Getenv(childVolatileEnv); vol != "" {
		cfg.Traps.Volatile = strings.Split(vol, "\n")
	}
	if os.Getenv(childDeriveEnv) == "links" {
		cfg.Derive = extract.New(extract.Options{LinksOnly: true}).Capture
	}
	sum, err := crawl.Run(ctx, cfg, st)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	if os.Getenv(childBenchEnv) != "" {
		json.NewEncoder(os.Stdout).Encode(sum)
	}
	return 0
}

// slowSite serves n pages linked from the home page, each after a short
// delay, so that a crawl of it takes long enough to be killed half-way.
func slowSite(n int, served *atomic.Int32) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", http.NotFound)
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		for i := range n {
			fmt.Fprintf(w, `<a href="/p/%d">p</a>`, i)
		}
	})
	mux.HandleFunc("/p/{n}", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(10 * time.Millisecond)
		fmt.Fprintf(w, "page %s", r.PathValue("n"))
		served.Add(1)
	})
	return mux
}

func TestResumeAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	const pages = 200
	var served atomic.Int32
	srv, rec := serve(t, slowSite(pages, &served))
	db := filepath.Join(t.TempDir(), "archive.db")

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childDBEnv+"="+db, childSeedEnv+"="+srv.URL+"/")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for served.Load() < pages/3 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the child crawled too slowly")
		}
		time.Sleep(time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("child was not killed: %v", err)
	}
	before := int(served.Load())
	if before >= pages {
		t.Fatalf("the child finished (%d pages) before it was killed", before)
	}

	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Fatalf("after SIGKILL: %v", err)
	}
	run, err := crawl.Resumable(context.Background(), st, []string{srv.URL + "/"})
	if err != nil || run.Status != archive.RunRunning {
		t.Fatalf("resumable run: %+v %v", run, err)
	}
	cfg := testConfig()
	cfg.ResumeRunID = run.ID
	sum := mustRun(t, cfg, st)
	if !sum.Resumed || sum.RunID != run.ID {
		t.Fatalf("summary %+v", sum)
	}
	caps := runCaptures(t, st, run.ID) // fails on a duplicate capture
	refetched := 0
	for i := range pages {
		p := fmt.Sprintf("/p/%d", i)
		if caps[srv.URL+p] == nil {
			t.Errorf("%s lost", p)
		}
		if n := rec.count(p); n > 1 {
			refetched++
		}
	}
	// Only the requests in flight when the child died may be repeated:
	// the crawl loop keeps up to three entries claimed per worker.
	if inFlight := 3 * testConfig().Workers; refetched > inFlight {
		t.Errorf("%d pages fetched twice, want at most the %d claimed at the kill", refetched, inFlight)
	}
	if rec.count("/") != 1 {
		t.Errorf("home fetched %d times", rec.count("/"))
	}
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("killed after %d pages; %d fetched again on resume", before, refetched)
}
