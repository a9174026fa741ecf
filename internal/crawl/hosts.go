package crawl

import (
	"context"
	"sync"
	"time"
)

// hostLimiter is the per-host politeness scheduler: for every host:port its
// own concurrency limit and its own delay between request starts, and a
// pause that a Retry-After imposes on the whole host. Colly's LimitRule is
// not used: it matches hosts with their port and shares one semaphore among
// all the hosts a rule matches.
type hostLimiter struct {
	concurrency int
	delay       time.Duration

	mu    sync.Mutex
	hosts map[string]*hostState
}

type hostState struct {
	slots      chan struct{}
	mu         sync.Mutex
	next       time.Time     // the earliest start of the next request
	crawlDelay time.Duration // from robots.txt
}

func newHostLimiter(concurrency int, delay time.Duration) *hostLimiter {
	return &hostLimiter{concurrency: concurrency, delay: delay, hosts: map[string]*hostState{}}
}

func (h *hostLimiter) state(host string) *hostState {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.hosts[host]
	if s == nil {
		s = &hostState{slots: make(chan struct{}, h.concurrency)}
		h.hosts[host] = s
	}
	return s
}

// acquire waits for a free slot of the host and for its next start time,
// and returns the function that frees the slot.
func (h *hostLimiter) acquire(ctx context.Context, host string) (func(), error) {
	s := h.state(host)
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	release := func() { <-s.slots }
	s.mu.Lock()
	now := time.Now()
	start := s.next
	if start.Before(now) {
		start = now
	}
	gap := h.delay
	if s.crawlDelay > gap {
		gap = s.crawlDelay
	}
	s.next = start.Add(gap)
	s.mu.Unlock()
	if wait := time.Until(start); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			release()
			return nil, ctx.Err()
		}
	}
	return release, nil
}

// pause keeps every request to the host from starting before until.
func (h *hostLimiter) pause(host string, until time.Time) {
	s := h.state(host)
	s.mu.Lock()
	if until.After(s.next) {
		s.next = until
	}
	s.mu.Unlock()
}

// setCrawlDelay records the host's robots.txt Crawl-delay.
func (h *hostLimiter) setCrawlDelay(host string, d time.Duration) {
	s := h.state(host)
	s.mu.Lock()
	s.crawlDelay = d
	s.mu.Unlock()
}
