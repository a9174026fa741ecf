package crawl

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"
)

// hostLimiter is the per-host politeness scheduler: for every host:port its
// own concurrency limit and its own delay between request starts, and a
// pause that a Retry-After imposes on the whole host. Colly's LimitRule is
// not used: it matches hosts with their port and shares one semaphore among
// all the hosts a rule matches.
//
// With a fixed delay the limit and the delay are those configured. In
// adaptive mode (Config.Delay == AutoDelay) each host's delay follows its
// recent response time and its concurrency grows while it answers fast and
// healthy, and is halved when it refuses, fails or slows down (see
// AdaptiveOptions).
type hostLimiter struct {
	maxConc  int
	delay    time.Duration // the fixed delay, or the floor of the adaptive one
	adaptive bool
	opts     AdaptiveOptions

	mu    sync.Mutex
	hosts map[string]*hostState
}

type hostState struct {
	mu         sync.Mutex
	inflight   int
	wake       chan struct{} // closed when a slot frees or the limit grows
	next       time.Time     // the earliest start of the next request
	crawlDelay time.Duration // from robots.txt

	// Adaptive mode.
	limit    int           // requests allowed in flight now
	latency  time.Duration // moving average of response times
	base     time.Duration // the host's usual response time: the lowest average, drifting up slowly
	samples  int           // responses measured
	penalty  float64       // multiplies the delay after a refusal or failure; decays to 1
	good     int           // healthy responses since the limit last changed
	cooldown int           // responses to wait before a slowdown may halve the limit again

	requests, backoffs, maxLimit int
}

// A host answers "much slower than usual" when its recent response time
// and its last one are both latencyRise times its usual response time, and
// at least minLatencyRise more (so that the jitter of a host answering in a
// millisecond is not read as strain). The usual response time is learned
// from the first warmup answers, then follows lasting changes.
const (
	latencyRise    = 2.0
	minLatencyRise = 5 * time.Millisecond
	warmup         = 8
)

// maxPenalty bounds the factor refusals and failures put on the delay.
const maxPenalty = 64

func newHostLimiter(concurrency int, delay time.Duration, adaptive bool, opts AdaptiveOptions) *hostLimiter {
	return &hostLimiter{maxConc: concurrency, delay: delay, adaptive: adaptive, opts: opts, hosts: map[string]*hostState{}}
}

func (h *hostLimiter) state(host string) *hostState {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.hosts[host]
	if s == nil {
		s = &hostState{wake: make(chan struct{}), limit: h.maxConc, penalty: 1}
		if h.adaptive {
			s.limit = min(h.maxConc, max(1, h.opts.StartConcurrency))
		}
		s.maxLimit = s.limit
		h.hosts[host] = s
	}
	return s
}

// gap is the time between two request starts to the host; s.mu is held.
func (h *hostLimiter) gap(s *hostState) time.Duration {
	g := h.delay
	if h.adaptive {
		a := time.Duration(h.opts.Factor * s.penalty * float64(s.latency) / float64(s.limit))
		a = max(a, h.opts.MinDelay)
		if h.opts.MaxDelay > 0 {
			a = min(a, h.opts.MaxDelay)
		}
		g = max(g, a)
	}
	return max(g, s.crawlDelay)
}

// acquire waits for a free slot of the host and for its next start time,
// and returns the function that frees the slot.
func (h *hostLimiter) acquire(ctx context.Context, host string) (func(), error) {
	s := h.state(host)
	s.mu.Lock()
	for s.inflight >= s.limit {
		wake := s.wake
		s.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		s.mu.Lock()
	}
	s.inflight++
	s.requests++
	now := time.Now()
	start := s.next
	if start.Before(now) {
		start = now
	}
	s.next = start.Add(h.gap(s))
	s.mu.Unlock()
	var once sync.Once
	release := func() {
		once.Do(func() {
			s.mu.Lock()
			s.inflight--
			s.signal()
			s.mu.Unlock()
		})
	}
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

// signal wakes the requests waiting for a slot; s.mu is held.
func (s *hostState) signal() {
	close(s.wake)
	s.wake = make(chan struct{})
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

// observe feeds the outcome of one request to the host back into its
// politeness (adaptive mode only): a healthy answer updates the host's
// response time and, while it stays near the usual one, lets the
// concurrency grow by one every two rounds; an answer much slower than
// usual halves the concurrency; a refusal or a failure (see
// needsBackoff) halves it and doubles the delay's penalty.
func (h *hostLimiter) observe(host string, ex *exchange) {
	if !h.adaptive || ex == nil || errors.Is(ex.Err, context.Canceled) {
		return
	}
	if needsBackoff(ex) {
		h.backoff(host)
		return
	}
	s := h.state(host)
	s.mu.Lock()
	defer s.mu.Unlock()
	d := ex.Duration
	s.samples++
	switch {
	case s.samples == 1:
		s.latency, s.base = d, d
	case s.samples <= warmup:
		// The first answers (robots.txt among them) set the usual
		// response time: their mean.
		s.latency += (d - s.latency) / 4
		s.base += (d - s.base) / time.Duration(s.samples)
	default:
		s.latency += (d - s.latency) / 4
		s.base += (d - s.base) / 64 // a lasting change becomes the usual, slowly
	}
	s.penalty = max(1, s.penalty*0.9)
	if s.cooldown > 0 {
		s.cooldown--
	}
	rise := func(x time.Duration) bool {
		return float64(x) > latencyRise*float64(s.base) && x-s.base > minLatencyRise
	}
	slow := s.samples > warmup && rise(s.latency) && rise(d)
	if slow && s.cooldown == 0 {
		s.halve()
		return
	}
	if slow {
		return
	}
	s.good++
	if s.good >= 2*s.limit && s.limit < h.maxConc {
		s.limit++
		s.good = 0
		s.maxLimit = max(s.maxLimit, s.limit)
		s.signal()
	}
}

// backoff halves the host's concurrency and doubles the penalty on its
// delay (adaptive mode only).
func (h *hostLimiter) backoff(host string) {
	if !h.adaptive {
		return
	}
	s := h.state(host)
	s.mu.Lock()
	s.penalty = min(maxPenalty, s.penalty*2)
	s.halve()
	s.mu.Unlock()
}

// halve halves the concurrency limit (at least 1); s.mu is held.
func (s *hostState) halve() {
	s.limit = max(1, s.limit/2)
	s.good = 0
	s.cooldown = 2 * s.limit
	s.backoffs++
}

// needsBackoff reports whether an exchange shows a host under strain or
// refusing: a timeout or another transport error, 429, 503, any answer
// with Retry-After, or another 5xx.
func needsBackoff(ex *exchange) bool {
	if ex.Err != nil {
		var ne net.Error
		return errors.Is(ex.Err, context.DeadlineExceeded) || (errors.As(ex.Err, &ne) && ne.Timeout()) || ex.Status == 0
	}
	switch {
	case ex.Status == http.StatusTooManyRequests, ex.Status >= 500:
		return true
	case ex.Status >= 400 && ex.Header.Get("Retry-After") != "":
		return true
	}
	return false
}

// HostPoliteness is how the crawl treated one host (host:port).
type HostPoliteness struct {
	Host     string `json:"host"`
	Requests int    `json:"requests"`
	// Backoffs counts the times the host's concurrency was halved (a
	// refusal, a failure, or answers much slower than usual).
	Backoffs int `json:"backoffs"`
	// MaxConcurrency is the most requests the host was allowed in flight;
	// Concurrency is the limit at the end.
	MaxConcurrency int `json:"max_concurrency"`
	Concurrency    int `json:"concurrency"`
	// Delay is the time between two request starts at the end; Latency the
	// host's recent response time.
	Delay   time.Duration `json:"delay"`
	Latency time.Duration `json:"latency"`
}

// report returns the politeness of every host met, by host.
func (h *hostLimiter) report() []HostPoliteness {
	h.mu.Lock()
	names := make([]string, 0, len(h.hosts))
	for n := range h.hosts {
		names = append(names, n)
	}
	h.mu.Unlock()
	sort.Strings(names)
	out := make([]HostPoliteness, 0, len(names))
	for _, n := range names {
		s := h.state(n)
		s.mu.Lock()
		out = append(out, HostPoliteness{
			Host: n, Requests: s.requests, Backoffs: s.backoffs,
			MaxConcurrency: s.maxLimit, Concurrency: s.limit, Delay: h.gap(s), Latency: s.latency,
		})
		s.mu.Unlock()
	}
	return out
}
