package links

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/check"
)

func TestStarved(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name      string
		cpu, took time.Duration
		procs     int
		want      bool
	}{
		{"both processors busy", 20 * ms, 10 * ms, 2, true},
		{"three quarters busy", 15 * ms, 10 * ms, 2, true},
		{"one of two busy", 10 * ms, 10 * ms, 2, false},
		{"idle while waiting", ms / 10, 10 * ms, 2, false},
		{"one processor busy", 10 * ms, 10 * ms, 1, true},
		{"no time", 0, 0, 2, false},
	}
	for _, tc := range tests {
		if got := starved(tc.cpu, tc.took, tc.procs); got != tc.want {
			t.Errorf("%s: starved(%s, %s, %d) = %v, want %v", tc.name, tc.cpu, tc.took, tc.procs, got, tc.want)
		}
	}
}

// TestStarvedAnswers: answers read while the process was starved of CPU
// teach a host's politeness no slower time than its usual one (the
// crawl's, then the checker's own calm answers), so its connections grow
// and its delay stays short; without a usual time they count as measured.
func TestStarvedAnswers(t *testing.T) {
	ctx := context.Background()
	const host = "portal.example:80"
	latency := func(h *hosts) (time.Duration, int) {
		hs := h.limiter.Hosts()
		return hs[0].Latency, hs[0].Concurrency
	}
	answer200 := func(took time.Duration, starved bool) answer {
		return answer{method: "HEAD", status: 200, took: took, starved: starved}
	}

	h := newHosts(4, AutoDelay)
	h.expect(host, 500*time.Microsecond)
	for range 20 {
		h.answered(ctx, host, answer200(25*time.Millisecond, true))
	}
	if l, c := latency(h); l > 500*time.Microsecond || c != 4 {
		t.Errorf("after starved answers: latency %s, %d connections; want the crawl's 500µs and 4", l, c)
	}
	// Calm answers are the host's own: they move its usual time, which
	// then bounds the starved ones.
	for range 20 {
		h.answered(ctx, host, answer200(3*time.Millisecond, false))
	}
	h.answered(ctx, host, answer200(25*time.Millisecond, true))
	if l, _ := latency(h); l < 2*time.Millisecond || l > 3*time.Millisecond {
		t.Errorf("after calm 3ms answers and a starved one: latency %s, want about 3ms", l)
	}
	// The crawl's time no longer replaces the checker's own.
	h.expect(host, 100*time.Microsecond)
	h.answered(ctx, host, answer200(25*time.Millisecond, true))
	if l, _ := latency(h); l < 2*time.Millisecond {
		t.Errorf("expect after calm answers: latency %s, want the checker's own 3ms kept", l)
	}

	// No usual time: a starved answer is all there is to go by.
	h = newHosts(4, AutoDelay)
	h.answered(ctx, host, answer200(25*time.Millisecond, true))
	if l, _ := latency(h); l != 25*time.Millisecond {
		t.Errorf("starved answer without a usual time: latency %s, want 25ms", l)
	}
}

// TestAuditExpectsCrawlTimes: the audit gives the checker each crawled
// host's median fetch time as its usual response time.
func TestAuditExpectsCrawlTimes(t *testing.T) {
	mem := check.NewMemoryArchive()
	run := archive.Run{ID: 1, Seeds: []string{"https://portal.example/"}, Status: archive.RunComplete}
	mem.AddRun(run)
	for i, d := range []time.Duration{6, 2, 4, 40} {
		c := &archive.Capture{ID: int64(i + 1), RunID: 1, URL: fmt.Sprintf("https://portal.example/%d", i), Status: 200, Duration: d * time.Millisecond}
		if d == 40 {
			c.Status, c.Error = 0, "connection reset" // no answer: not a response time
		}
		c.CanonicalURL = c.URL
		if err := mem.AddCapture(c, nil); err != nil {
			t.Fatal(err)
		}
	}
	c := NewChecker(DefaultConfig())
	if _, err := Audit(context.Background(), mem, run, Options{Checker: c}); err != nil {
		t.Fatal(err)
	}
	if got := c.hosts.record("portal.example").usual; got != 4*time.Millisecond {
		t.Errorf("usual time %s, want the median of the answered fetches, 4ms", got)
	}
}
