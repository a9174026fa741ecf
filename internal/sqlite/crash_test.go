package sqlite_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// crashChildEnv, when set, makes TestKillDuringWrites act as the child
// process: it names the archive and the run to crawl.
const crashChildEnv = "ARCHIVER_SQLITE_CRASH_CHILD"

// crashBody is the deterministic body of a URL in the crash test: some
// compressible HTML and some incompressible bytes.
func crashBody(url string) []byte {
	h := fnv.New64a()
	h.Write([]byte(url))
	rng := rand.New(rand.NewPCG(h.Sum64(), 7))
	var b bytes.Buffer
	for range 100 {
		fmt.Fprintf(&b, "<p><a href=%q>%s</a></p>\n", url, url)
	}
	for range 2048 {
		b.WriteByte(byte(rng.UintN(256)))
	}
	return b.Bytes()
}

// crawlFrontier claims, captures and finishes entries with workers
// goroutines until the frontier is empty, calling report after each
// committed capture.
func crawlFrontier(ctx context.Context, s *sqlite.Store, run int64, workers int, report func(url string, id int64)) error {
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				got, err := s.Claim(ctx, run, 2, t0)
				if err != nil {
					errs <- err
					return
				}
				if len(got) == 0 {
					return
				}
				for _, e := range got {
					c := capture(run, e.URL, crashBody(e.URL))
					id, _, err := s.PutCapture(ctx, c)
					if err != nil {
						errs <- err
						return
					}
					report(e.URL, id)
					if err := s.Finish(ctx, run, e.URL, archive.FrontierDone, "200"); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// TestKillDuringWrites runs a child process (this test binary again) that
// crawls a frontier into an archive with three workers, kills it with
// SIGKILL in the middle, and checks that the archive passes
// integrity_check, holds every capture the child reported as committed,
// and that resuming (Release, then crawling on) ends with exactly one
// capture per URL: nothing lost, nothing duplicated.
func TestKillDuringWrites(t *testing.T) {
	if spec := os.Getenv(crashChildEnv); spec != "" {
		crashChild(t, spec)
		return
	}
	if testing.Short() {
		t.Skip("starts a subprocess; skipped with -short")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "archive.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	run := mustRun(t, s)
	const total = 600
	var entries []archive.FrontierEntry
	for i := range total {
		entries = append(entries, archive.FrontierEntry{URL: fmt.Sprintf("https://portal.example/news/%04d", i), Depth: 1})
	}
	if _, err := s.Enqueue(ctx, run, entries); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestKillDuringWrites$", "-test.count=1")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%d", crashChildEnv, path, run))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	committed := map[string]int64{}
	sc := bufio.NewScanner(stdout)
	killed := false
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 || f[0] != "committed" {
			continue
		}
		id, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			t.Fatalf("child line %q", sc.Text())
		}
		committed[f[1]] = id
		if len(committed) == 150 && !killed {
			if err := cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("the child ended before it was killed (%v); stderr:\n%s", err, stderr.String())
	}
	if err == nil {
		t.Fatal("the killed child exited cleanly")
	}
	t.Logf("child killed after %d reported captures (%v)", len(committed), err)

	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen after the kill: %v", err)
	}
	defer s.Close()
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatalf("after SIGKILL: %v", err)
	}
	for url, id := range committed {
		c, err := s.Capture(ctx, id, true)
		if err != nil {
			t.Fatalf("committed capture %d of %s: %v", id, url, err)
		}
		if c.CanonicalURL != url || !bytes.Equal(c.Body, crashBody(url)) {
			t.Fatalf("committed capture %d: URL %s, body of %d bytes differ", id, c.CanonicalURL, len(c.Body))
		}
	}
	stored := 0
	if err := s.EachCapture(ctx, sqlite.CaptureQuery{RunID: run}, func(*archive.Capture) error { stored++; return nil }); err != nil {
		t.Fatal(err)
	}
	counts, err := s.FrontierCounts(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	// Every stored capture ended its claim in the same transaction.
	if counts[archive.FrontierDone] != stored {
		t.Errorf("after the kill: %d captures but %d entries done (%v)", stored, counts[archive.FrontierDone], counts)
	}
	released, err := s.Release(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("after the kill: %d captures stored (%d reported), %d claims released", stored, len(committed), released)
	if released != counts[archive.FrontierClaimed] {
		t.Errorf("released %d, frontier had %d claimed", released, counts[archive.FrontierClaimed])
	}

	// Resume: crawl the rest in this process.
	if err := crawlFrontier(ctx, s, run, 2, func(string, int64) {}); err != nil {
		t.Fatal(err)
	}
	perURL := map[string]int{}
	err = s.EachCapture(ctx, sqlite.CaptureQuery{RunID: run, Body: true}, func(c *archive.Capture) error {
		perURL[c.CanonicalURL]++
		if !bytes.Equal(c.Body, crashBody(c.CanonicalURL)) {
			t.Errorf("capture %d of %s: wrong body", c.ID, c.CanonicalURL)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(perURL) != total {
		t.Errorf("%d URLs captured after resuming, want %d", len(perURL), total)
	}
	for url, n := range perURL {
		if n != 1 {
			t.Errorf("%s captured %d times", url, n)
		}
	}
	q, c, _, err := s.Pending(ctx, run)
	if err != nil || q != 0 || c != 0 {
		t.Errorf("after resuming: %d queued, %d claimed (%v)", q, c, err)
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

// crashChild is the child side of TestKillDuringWrites: it crawls until it
// is killed, printing each committed capture.
func crashChild(t *testing.T, spec string) {
	path, runText, _ := strings.Cut(spec, "|")
	run, err := strconv.ParseInt(runText, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	err = crawlFrontier(ctx, s, run, 3, func(url string, id int64) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(os.Stdout, "committed %s %d\n", url, id)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Not killed in time: the parent sees a clean exit and fails.
}
