package polite_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/polite"
)

// waitQueued waits until n requests wait for a slot of the host.
func waitQueued(t *testing.T, l *polite.Limiter, host string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for l.Queued(host) != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests queued for %s, want %d", l.Queued(host), host, n)
		}
		runtime.Gosched()
	}
}

// receive receives from ch, failing the test if nothing comes within 5 s
// (a lost slot).
func receive[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("nothing received within 5 s")
	}
	var zero T
	return zero
}

// mustHaveSlots checks that exactly n slots of the host are free: n
// requests get one at once, and the next one waits.
func mustHaveSlots(t *testing.T, l *polite.Limiter, host string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var releases []func()
	for i := range n {
		release, err := l.Acquire(ctx, host)
		if err != nil {
			t.Fatalf("slot %d of %d: %v (a slot was lost)", i+1, n, err)
		}
		releases = append(releases, release)
	}
	short, cancelShort := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancelShort()
	if release, err := l.Acquire(short, host); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("request %d to a host of %d slots: %v, want it to wait", n+1, n, err)
		if release != nil {
			release()
		}
	}
	for _, release := range releases {
		release()
	}
}

// TestCancelledWaitersLoseNoSlot has many requests wait for a few slots
// while their contexts end at random moments, some of them just as a slot
// is handed to them: no more than the limit are ever in flight, and when
// all is done every slot is free again.
func TestCancelledWaitersLoseNoSlot(t *testing.T) {
	tests := []struct {
		name string
		opts polite.Options
	}{
		{"fixed", polite.Options{Concurrency: 3}},
		{"adaptive", polite.Options{Concurrency: 3, Adaptive: true, Factor: 0, StartConcurrency: 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const host, workers, rounds = "h:80", 48, 40
			limit := int32(tc.opts.Concurrency)
			l := polite.New(tc.opts)
			var cur atomic.Int32
			var served, cancelled atomic.Int64
			// A lost slot fails the test at the deadline, not hangs it.
			limited, stop := context.WithTimeout(context.Background(), 10*time.Second)
			defer stop()
			var wg sync.WaitGroup
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range rounds {
						ctx, cancel := context.WithCancel(limited)
						if rand.IntN(2) == 0 {
							// End the wait about when a slot frees.
							time.AfterFunc(time.Duration(rand.IntN(50))*time.Microsecond, cancel)
						}
						release, err := l.Acquire(ctx, host)
						if err != nil {
							cancel()
							if !errors.Is(err, context.Canceled) {
								t.Errorf("acquire: %v", err)
							}
							cancelled.Add(1)
							continue
						}
						if n := cur.Add(1); n > limit {
							t.Errorf("%d requests in flight, limit %d", n, limit)
						}
						runtime.Gosched()
						cur.Add(-1)
						if tc.opts.Adaptive {
							l.Answered(host, time.Millisecond) // the limit stays at Concurrency
						}
						release()
						release()
						cancel()
						served.Add(1)
					}
				}()
			}
			wg.Wait()
			if served.Load() == 0 || cancelled.Load() == 0 {
				t.Fatalf("%d served, %d cancelled: want both", served.Load(), cancelled.Load())
			}
			if q := l.Queued(host); q != 0 {
				t.Fatalf("%d requests still queued", q)
			}
			mustHaveSlots(t, l, host, int(limit))
			if h := l.Hosts()[0]; int64(h.Requests) < served.Load() {
				t.Errorf("%d requests counted, %d served", h.Requests, served.Load())
			}
		})
	}
}

// TestSlotHandedAsContextEnds ends a waiter's context just as the slot it
// waits for is freed, many times: whichever comes first, the slot is not
// lost.
func TestSlotHandedAsContextEnds(t *testing.T) {
	const host = "h:80"
	l := polite.New(polite.Options{Concurrency: 1})
	limit, stop := context.WithTimeout(context.Background(), 10*time.Second) // a lost slot fails, not hangs
	defer stop()
	for range 300 {
		hold, err := l.Acquire(limit, host)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			release, err := l.Acquire(ctx, host)
			if err == nil {
				release()
			}
			done <- err
		}()
		waitQueued(t, l, host, 1)
		cancel()
		hold()
		if err := receive(t, done); err != nil && !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
		if q := l.Queued(host); q != 0 {
			t.Fatalf("%d requests still queued", q)
		}
		release, err := l.Acquire(limit, host)
		if err != nil {
			t.Fatal(err)
		}
		release()
	}
	mustHaveSlots(t, l, host, 1)
}

// TestWaitersServedInOrder queues requests one after another behind a
// full host, then frees one slot at a time: each goes to the request that
// has waited longest, and one whose context ends leaves the queue without
// holding up the others.
func TestWaitersServedInOrder(t *testing.T) {
	tests := []struct {
		name   string
		limit  int
		cancel int // the waiter whose context ends while it waits (-1: none)
	}{
		{"one slot", 1, -1},
		{"one slot, a waiter gives up", 1, 3},
		{"three slots", 3, -1},
		{"three slots, the first waiter gives up", 3, 0},
		{"three slots, the last waiter gives up", 3, 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const host, waiters = "h:80", 8
			l := polite.New(polite.Options{Concurrency: tc.limit})
			var holds []func()
			for range tc.limit {
				release, err := l.Acquire(context.Background(), host)
				if err != nil {
					t.Fatal(err)
				}
				holds = append(holds, release)
			}
			type admission struct {
				waiter  int
				release func()
			}
			admitted := make(chan admission, waiters)
			gaveUp := make(chan error, 1)
			var cancelWaiter context.CancelFunc
			for i := range waiters {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if i == tc.cancel {
					cancelWaiter = cancel
				}
				go func() {
					release, err := l.Acquire(ctx, host)
					if err != nil {
						gaveUp <- err
						return
					}
					admitted <- admission{i, release}
				}()
				waitQueued(t, l, host, i+1)
			}
			if cancelWaiter != nil {
				cancelWaiter()
				if err := receive(t, gaveUp); !errors.Is(err, context.Canceled) {
					t.Fatalf("the waiter that gave up: %v", err)
				}
				waitQueued(t, l, host, waiters-1)
			}
			// Free one slot at a time; the next in line takes it.
			free := holds[0]
			holds = holds[1:]
			for i := range waiters {
				if i == tc.cancel {
					continue
				}
				free()
				a := receive(t, admitted)
				if a.waiter != i {
					t.Fatalf("a freed slot went to waiter %d, want %d (the longest waiting)", a.waiter, i)
				}
				free = a.release
			}
			free()
			for _, release := range holds {
				release()
			}
			mustHaveSlots(t, l, host, tc.limit)
		})
	}
}

// TestGrowingLimitAdmitsThatManyWaiters raises an adaptive host's limit
// one by one while requests wait: each new slot admits exactly one waiter,
// the first in line; a halved limit admits none.
func TestGrowingLimitAdmitsThatManyWaiters(t *testing.T) {
	const host = "h:80"
	l := polite.New(polite.Options{Concurrency: 4, Adaptive: true, Factor: 0, StartConcurrency: 1})
	hold, err := l.Acquire(context.Background(), host)
	if err != nil {
		t.Fatal(err)
	}
	const waiters = 6
	admitted := make(chan int, waiters)
	releases := make(chan func(), waiters)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := range waiters {
		go func() {
			release, err := l.Acquire(ctx, host)
			if err != nil {
				return
			}
			admitted <- i
			releases <- release
		}()
		waitQueued(t, l, host, i+1)
	}
	// grow feeds healthy answers (the limit grows by one after 2 × limit
	// of them) and checks the limit and the waiters left.
	grow := func(answers, limit, queued int) {
		t.Helper()
		for range answers {
			l.Answered(host, time.Millisecond)
		}
		if h := l.Hosts()[0]; h.Concurrency != limit {
			t.Fatalf("limit %d, want %d", h.Concurrency, limit)
		}
		if q := l.Queued(host); q != queued {
			t.Fatalf("limit %d: %d waiting, want %d", limit, q, queued)
		}
	}
	grow(1, 1, 6)
	grow(1, 2, 5)
	grow(3, 2, 5)
	grow(1, 3, 4)
	grow(6, 4, 3)
	grow(20, 4, 3) // Concurrency bounds the limit
	checkAdmitted(t, admitted, 0, 3)
	// Halving the limit to 2 with 4 in flight: a freed slot admits no one,
	// nor does the limit grown back to 3 with 3 in flight.
	l.Strained(host)
	hold()
	grow(0, 2, 3)
	grow(4, 3, 3)
	grow(6, 4, 2)
	checkAdmitted(t, admitted, 3, 4)
	// Each slot freed now admits the next in line.
	for range 2 {
		receive(t, releases)()
	}
	if q := l.Queued(host); q != 0 {
		t.Errorf("%d waiting after two slots freed, want 0", q)
	}
	checkAdmitted(t, admitted, 4, 6)
}

// checkAdmitted checks that the waiters admitted next are those from first
// up to end, in any order (they run on once admitted).
func checkAdmitted(t *testing.T, admitted <-chan int, first, end int) {
	t.Helper()
	seen := map[int]bool{}
	for range end - first {
		seen[receive(t, admitted)] = true
	}
	for i := first; i < end; i++ {
		if !seen[i] {
			t.Errorf("admitted %v, want the waiters %d to %d (first in line)", seen, first, end-1)
			return
		}
	}
}
