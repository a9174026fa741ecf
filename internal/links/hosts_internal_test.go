package links

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/check"
)

// TestAuditExpectsCrawlTimes: the audit gives the checker each crawled
// host's median fetch time as its expected response time.
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
	if hs := c.hosts.limiter.Hosts(); len(hs) != 1 || hs[0].Latency != 4*time.Millisecond {
		t.Errorf("hosts %+v, want portal.example expected to answer in the median of the answered fetches, 4ms", hs)
	}
}
