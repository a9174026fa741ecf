package links

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// hosts keeps the politeness state of every host the checker talks to: a
// semaphore for per-host concurrency, the earliest time the next request may
// start (spacing requests by the delay, and pausing the host after a
// Retry-After), and what the host answered so far, which tells bot blocking
// from a forbidden page.
type hosts struct {
	perHost int
	delay   time.Duration // the fixed gap, or AutoDelay

	mu sync.Mutex
	m  map[string]*hostState
}

type hostState struct {
	sem chan struct{}

	mu        sync.Mutex
	next      time.Time     // earliest start of the next request
	lastOK    time.Time     // last 2xx answer
	forbidden int           // 403 answers so far
	refuseTil time.Time     // the host asked for a longer wait than we grant
	rtt       time.Duration // smoothed response time (AutoDelay), 0 before the first answer
}

// The adaptive gap of AutoDelay: autoFactor times the host's smoothed
// response time, divided by the connections to it (as the crawler's
// adaptive politeness: on average the host serves at most half a request
// of ours per connection), autoStart before its first answer, never more
// than autoMax.
const (
	autoFactor = 2
	autoStart  = 100 * time.Millisecond
	autoMax    = 10 * time.Second
)

// gap returns the least time between two request starts to the host.
// Called with s.mu held.
func (h *hosts) gap(s *hostState) time.Duration {
	if h.delay != AutoDelay {
		return h.delay
	}
	if s.rtt == 0 {
		return autoStart
	}
	return min(autoFactor*s.rtt/time.Duration(h.perHost), autoMax)
}

// hostRefusingError is returned by acquire for a host that asked us to
// stay away longer than the checker is willing to wait.
type hostRefusingError struct {
	until time.Time
}

func (e *hostRefusingError) Error() string {
	return fmt.Sprintf("the host asked not to be contacted before %s", e.until.UTC().Format(time.RFC3339))
}

func newHosts(perHost int, delay time.Duration) *hosts {
	return &hosts{perHost: perHost, delay: delay, m: map[string]*hostState{}}
}

func (h *hosts) get(host string) *hostState {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.m[host]
	if !ok {
		s = &hostState{sem: make(chan struct{}, h.perHost)}
		h.m[host] = s
	}
	return s
}

// acquire waits for a slot and for the host's next start time; the returned
// function releases the slot.
func (h *hosts) acquire(ctx context.Context, host string) (func(), error) {
	s := h.get(host)
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	release := func() { <-s.sem }
	s.mu.Lock()
	now := time.Now()
	if s.refuseTil.After(now) {
		until := s.refuseTil
		s.mu.Unlock()
		release()
		return nil, &hostRefusingError{until: until}
	}
	start := now
	if s.next.After(start) {
		start = s.next
	}
	s.next = start.Add(h.gap(s))
	s.mu.Unlock()
	if err := sleep(ctx, start.Sub(now)); err != nil {
		release()
		return nil, err
	}
	return release, nil
}

// pause keeps every request to the host from starting before until; if
// until is further away than maxWait, the host is not asked again before
// then at all: requests to it fail at once with a hostRefusingError.
func (h *hosts) pause(host string, until time.Time, maxWait time.Duration) {
	s := h.get(host)
	s.mu.Lock()
	if until.Sub(time.Now()) > maxWait {
		if until.After(s.refuseTil) {
			s.refuseTil = until
		}
	} else if until.After(s.next) {
		s.next = until
	}
	s.mu.Unlock()
}

// answered records a response status from the host and how long the
// exchange took.
func (h *hosts) answered(host string, status int, took time.Duration) {
	s := h.get(host)
	s.mu.Lock()
	if took > 0 {
		if s.rtt == 0 {
			s.rtt = took
		} else {
			s.rtt = (7*s.rtt + 3*took) / 10
		}
	}
	switch {
	case status >= 200 && status < 300:
		s.lastOK = time.Now()
	case status == 403:
		s.forbidden++
	}
	s.mu.Unlock()
}

// servingSince reports whether the host answered 2xx after t.
func (h *hosts) servingSince(host string, t time.Time) bool {
	s := h.get(host)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastOK.After(t)
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
