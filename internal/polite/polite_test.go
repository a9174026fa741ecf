package polite_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/polite"
)

// run makes n requests to host on n goroutines through l, each holding
// its slot for hold and reporting a healthy answer, and returns the peak
// number in flight and the start times in order.
func run(t *testing.T, l *polite.Limiter, host string, n int, hold time.Duration) (peak int32, starts []time.Time) {
	t.Helper()
	var cur, top atomic.Int32
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := l.Acquire(context.Background(), host)
			if err != nil {
				t.Error(err)
				return
			}
			now := cur.Add(1)
			for {
				p := top.Load()
				if now <= p || top.CompareAndSwap(p, now) {
					break
				}
			}
			mu.Lock()
			starts = append(starts, time.Now())
			mu.Unlock()
			time.Sleep(hold)
			cur.Add(-1)
			l.Answered(host, hold)
			release()
			release() // a second call does nothing
		}()
	}
	wg.Wait()
	return top.Load(), starts
}

func TestFixedConcurrencyAndDelay(t *testing.T) {
	l := polite.New(polite.Options{Concurrency: 3, Delay: 5 * time.Millisecond})
	peak, starts := run(t, l, "a:80", 12, 10*time.Millisecond)
	if peak > 3 {
		t.Errorf("peak %d in flight, want at most 3", peak)
	}
	// Starts are at least the delay apart: 12 starts span 11 delays.
	if span := starts[len(starts)-1].Sub(starts[0]); span < 11*5*time.Millisecond {
		t.Errorf("12 requests started within %s, want at least 55 ms (5 ms apart)", span)
	}
	h := l.Hosts()
	if len(h) != 1 || h[0].Host != "a:80" || h[0].Requests != 12 || h[0].Concurrency != 3 || h[0].Delay != 5*time.Millisecond {
		t.Errorf("hosts %+v", h)
	}
}

func TestHostsAreIndependent(t *testing.T) {
	l := polite.New(polite.Options{Concurrency: 1, Delay: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for _, h := range []string{"a:80", "a:8080", "b:80"} {
		release, err := l.Acquire(ctx, h)
		if err != nil {
			t.Fatalf("%s: the first request to a host waits for no other host: %v", h, err)
		}
		release()
	}
}

func TestAdaptiveGrowsWhileHealthyAndHalvesOnStrain(t *testing.T) {
	l := polite.New(polite.Options{Concurrency: 4, Adaptive: true, Factor: 2, StartConcurrency: 1})
	const host = "portal:443"
	if h := l.Hosts(); len(h) != 0 {
		t.Fatalf("hosts before any request: %+v", h)
	}
	peak, _ := run(t, l, host, 60, time.Millisecond)
	h := l.Hosts()[0]
	if h.Concurrency != 4 || h.MaxConcurrency != 4 {
		t.Fatalf("after 60 healthy answers: %+v, want the concurrency grown from 1 to 4", h)
	}
	if peak > 4 {
		t.Errorf("peak %d in flight, want at most 4", peak)
	}
	// delay = 2 × latency ÷ limit.
	if want := 2 * h.Latency / 4; h.Delay != want {
		t.Errorf("delay %s with latency %s at concurrency 4, want %s", h.Delay, h.Latency, want)
	}
	l.Strained(host)
	h2 := l.Hosts()[0]
	if h2.Concurrency != 2 || h2.Backoffs != 1 {
		t.Errorf("after strain: %+v, want the concurrency halved to 2 and one backoff", h2)
	}
	// The penalty doubles the delay on top of the halved concurrency.
	if h2.Delay < 3*h.Delay {
		t.Errorf("delay after strain %s, want about 4× the healthy %s", h2.Delay, h.Delay)
	}
	l.Strained(host)
	l.Strained(host)
	if c := l.Hosts()[0].Concurrency; c != 1 {
		t.Errorf("concurrency %d after three strains, want 1 (never 0)", c)
	}
}

func TestAdaptiveHalvesOnSlowdown(t *testing.T) {
	l := polite.New(polite.Options{Concurrency: 4, Adaptive: true, Factor: 2, StartConcurrency: 4})
	const host = "slow:80"
	for range 20 {
		l.Answered(host, time.Millisecond)
	}
	for range 3 {
		l.Answered(host, 50*time.Millisecond) // much slower than the usual 1 ms
	}
	h := l.Hosts()[0]
	if h.Concurrency >= 4 || h.Backoffs == 0 {
		t.Errorf("after answers 50× slower than usual: %+v, want the concurrency halved", h)
	}
}

func TestAdaptiveBounds(t *testing.T) {
	l := polite.New(polite.Options{Concurrency: 2, Adaptive: true, Factor: 2, MinDelay: 3 * time.Millisecond, MaxDelay: 40 * time.Millisecond})
	l.Answered("fast", 10*time.Microsecond)
	l.Answered("slow", time.Second)
	got := map[string]time.Duration{}
	for _, h := range l.Hosts() {
		got[h.Host] = h.Delay
	}
	if got["fast"] != 3*time.Millisecond || got["slow"] != 40*time.Millisecond {
		t.Errorf("delays %v, want MinDelay 3ms for the fast host and MaxDelay 40ms for the slow one", got)
	}
	l.SetMinDelay("fast", time.Second) // a robots.txt Crawl-delay wins over every bound
	for _, h := range l.Hosts() {
		if h.Host == "fast" && h.Delay != time.Second {
			t.Errorf("delay %s with a 1s Crawl-delay, want 1s", h.Delay)
		}
	}
}

func TestFixedModeIgnoresFeedback(t *testing.T) {
	l := polite.New(polite.Options{Concurrency: 2, Delay: time.Millisecond})
	release, err := l.Acquire(context.Background(), "h")
	if err != nil {
		t.Fatal(err)
	}
	release()
	l.Answered("h", time.Second)
	l.Strained("h")
	h := l.Hosts()[0]
	if h.Concurrency != 2 || h.Delay != time.Millisecond || h.Backoffs != 0 {
		t.Errorf("fixed politeness changed with feedback: %+v", h)
	}
}

func TestPauseAndCancel(t *testing.T) {
	l := polite.New(polite.Options{Concurrency: 1})
	l.Pause("h", time.Now().Add(time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := l.Acquire(ctx, "h"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("acquire on a paused host: %v, want the context's deadline", err)
	}
	// The slot taken while waiting was freed: a host that is not paused
	// still gets its one slot, and a full host makes the next caller wait.
	release, err := l.Acquire(context.Background(), "other")
	if err != nil {
		t.Fatal(err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, err := l.Acquire(ctx2, "other"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second acquire of a one-slot host: %v, want to wait until the deadline", err)
	}
	release()
	release3, err := l.Acquire(context.Background(), "other")
	if err != nil {
		t.Fatalf("acquire after release: %v", err)
	}
	release3()
	// A paused host is free again after its pause.
	l.Pause("p", time.Now().Add(30*time.Millisecond))
	start := time.Now()
	r, err := l.Acquire(context.Background(), "p")
	if err != nil {
		t.Fatal(err)
	}
	r()
	if waited := time.Since(start); waited < 25*time.Millisecond {
		t.Errorf("acquire during a 30 ms pause returned after %s", waited)
	}
}
