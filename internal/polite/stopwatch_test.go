package polite_test

import (
	"context"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/polite"
)

// TestAnsweredLate: answers read late count as healthy (the connections
// grow) but as no slower than the host's response time so far, or than
// Expect's before any answer; without either they count as measured.
func TestAnsweredLate(t *testing.T) {
	const host = "portal.example:80"
	newLimiter := func() *polite.Limiter {
		return polite.New(polite.Options{Concurrency: 4, Adaptive: true, Factor: 2, StartConcurrency: 1})
	}
	state := func(l *polite.Limiter) polite.Host { return l.Hosts()[0] }

	l := newLimiter()
	l.Expect(host, 500*time.Microsecond)
	for range 20 {
		l.AnsweredLate(host, 25*time.Millisecond)
	}
	if h := state(l); h.Latency != 500*time.Microsecond || h.Concurrency != 4 {
		t.Errorf("late answers after Expect(500µs): %+v; want latency 500µs and 4 connections", h)
	}

	// Answers read in time are the host's own: they move its response
	// time, which then bounds the late ones; Expect no longer changes it.
	for range 30 {
		l.Answered(host, 3*time.Millisecond)
	}
	l.AnsweredLate(host, 25*time.Millisecond)
	l.Expect(host, 100*time.Microsecond)
	if h := state(l); h.Latency < 2*time.Millisecond || h.Latency > 3*time.Millisecond {
		t.Errorf("after 3ms answers, a late one and an Expect: latency %s, want about 3ms", h.Latency)
	}

	// Nothing known: the late answer is all there is to go by.
	l = newLimiter()
	l.AnsweredLate(host, 25*time.Millisecond)
	if h := state(l); h.Latency != 25*time.Millisecond {
		t.Errorf("late answer, nothing known: latency %s, want 25ms", h.Latency)
	}

	// Fixed politeness ignores both.
	l = polite.New(polite.Options{Concurrency: 2, Delay: time.Millisecond})
	release, err := l.Acquire(context.Background(), host)
	if err != nil {
		t.Fatal(err)
	}
	release()
	l.Expect(host, time.Second)
	l.AnsweredLate(host, time.Second)
	if h := state(l); h.Latency != 0 || h.Delay != time.Millisecond {
		t.Errorf("fixed mode: %+v, want no latency and the 1ms delay", h)
	}
}
