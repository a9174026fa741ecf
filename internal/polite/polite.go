// Package polite schedules requests to web hosts the way a polite crawler
// does: for every host its own concurrency limit and its own least time
// between two request starts, a pause that a Retry-After puts on the whole
// host, and, in adaptive mode, a delay and a concurrency that follow how
// the host answers. The crawler (internal/crawl) and the live link checker
// (internal/links) share it, so that a site is treated the same by both.
// A Stopwatch times each request and tells an answer the process read late
// by its own doing (every processor busy) from a host slowing down.
//
//	l := polite.New(polite.Options{Concurrency: 4, Adaptive: true, Factor: 2})
//	release, err := l.Acquire(ctx, "portal.example:443")
//	w := polite.Start()
//	… make the request …
//	took, late := w.Stop()
//	l.Answered("portal.example:443", took) // l.AnsweredLate if late, l.Strained on a refusal
//	release()
package polite

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Options configure a Limiter.
//
// In adaptive mode, modelled on Heritrix's delay factor and Scrapy's
// AutoThrottle, for each host:
//
//   - the time between two request starts is Factor × the host's recent
//     response time × a penalty ÷ the host's concurrency limit, clamped to
//     [MinDelay, MaxDelay], and never below Delay nor the host's own
//     minimum (a robots.txt Crawl-delay, SetMinDelay): a host answering in
//     1 ms gets requests every few milliseconds, one answering in 500 ms
//     about one a second;
//   - the concurrency limit starts at StartConcurrency and grows by one
//     every two rounds of healthy answers, up to Concurrency, while the
//     host answers about as fast as usual;
//   - it is halved when the host answers much slower than usual (twice its
//     usual response time and at least 5 ms more), and halved with the
//     penalty doubled (up to 64×) when the caller reports strain (Strained:
//     a refusal, a 5xx, a timeout); the penalty decays back to 1 with
//     healthy answers.
//
// Without Adaptive the limit is Concurrency and the delay is Delay.
type Options struct {
	// Concurrency is the most requests in flight to one host (at least 1).
	Concurrency int
	// Delay is the least time between two request starts to one host.
	Delay time.Duration
	// Adaptive makes the delay and the concurrency follow the host.
	Adaptive bool
	// Factor is k in delay ≈ k × response time ÷ concurrency (adaptive).
	Factor float64
	// MinDelay and MaxDelay bound the adaptive delay (MaxDelay 0: no bound).
	MinDelay time.Duration
	MaxDelay time.Duration
	// StartConcurrency is each host's limit before any answer (adaptive;
	// at least 1).
	StartConcurrency int
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

// maxPenalty bounds the factor strain puts on the delay.
const maxPenalty = 64

// Limiter is the per-host scheduler. It is safe for concurrent use; hosts
// are told apart by the string the caller passes (host:port for the
// crawler, so that two servers on one address are two hosts).
type Limiter struct {
	opts Options

	mu    sync.Mutex
	hosts map[string]*hostState

	// signals holds empty channels with room for one value, for the
	// tickets that wait (see ticket).
	signals sync.Pool
}

type hostState struct {
	mu       sync.Mutex
	inflight int
	// first and last are the ends of the queue of requests waiting for a
	// slot, served first come, first served.
	first, last *ticket
	next        time.Time     // the earliest start of the next request
	minDelay    time.Duration // the host's own minimum (robots.txt Crawl-delay)

	// Adaptive mode.
	limit    int           // requests allowed in flight now
	latency  time.Duration // moving average of response times
	base     time.Duration // the host's usual response time: the lowest average, drifting up slowly
	samples  int           // responses measured
	penalty  float64       // multiplies the delay after strain; decays to 1
	good     int           // healthy responses since the limit last changed
	cooldown int           // responses to wait before a slowdown may halve the limit again

	requests, backoffs, maxLimit int
}

// New returns a Limiter with the options o.
func New(o Options) *Limiter {
	o.Concurrency = max(1, o.Concurrency)
	o.StartConcurrency = max(1, o.StartConcurrency)
	return &Limiter{opts: o, hosts: map[string]*hostState{}}
}

func (l *Limiter) state(host string) *hostState {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.hosts[host]
	if s == nil {
		s = &hostState{limit: l.opts.Concurrency, penalty: 1}
		if l.opts.Adaptive {
			s.limit = min(l.opts.Concurrency, l.opts.StartConcurrency)
		}
		s.maxLimit = s.limit
		l.hosts[host] = s
	}
	return s
}

// gap is the time between two request starts to the host; s.mu is held.
func (l *Limiter) gap(s *hostState) time.Duration {
	g := l.opts.Delay
	if l.opts.Adaptive {
		a := time.Duration(l.opts.Factor * s.penalty * float64(s.latency) / float64(s.limit))
		a = max(a, l.opts.MinDelay)
		if l.opts.MaxDelay > 0 {
			a = min(a, l.opts.MaxDelay)
		}
		g = max(g, a)
	}
	return max(g, s.minDelay)
}

// A ticket is one request's claim on a slot of a host. While the host is
// full the ticket waits in the host's queue; the request that frees a slot
// (or the answer that raises the limit) hands the slot to the first ticket
// in the queue: it takes the slot on the ticket's behalf, sets start and
// sends on ready, so that exactly one waiting goroutine wakes. The host's
// mutex guards the fields; the goroutine that received from ready reads
// start without it (the send orders the write before the read).
type ticket struct {
	prev, next *ticket
	ready      chan struct{} // from Limiter.signals while the ticket waits
	granted    bool          // the slot was handed to the ticket
	released   bool          // the slot was freed
	start      time.Time     // when the request may start
}

// Acquire waits for a free slot of the host and for its next start time,
// and returns the function that frees the slot (calling it again does
// nothing). It returns ctx's error if ctx ends first. Requests waiting for
// a slot of one host get it in the order they asked.
func (l *Limiter) Acquire(ctx context.Context, host string) (func(), error) {
	s := l.state(host)
	t := &ticket{}
	s.mu.Lock()
	if s.first == nil && s.inflight < s.limit {
		t.start = l.take(s)
		s.mu.Unlock()
	} else if err := l.wait(ctx, s, t); err != nil {
		return nil, err
	}
	release := func() { l.free(s, t) }
	if wait := time.Until(t.start); wait > 0 {
		timer := time.NewTimer(wait)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-ctx.Done():
			release()
			return nil, ctx.Err()
		}
	}
	return release, nil
}

// wait queues t for a slot of the host and waits until the slot is handed
// to it or ctx ends; s.mu is held on entry and free on return. A slot
// handed to t as ctx ended goes on to the next in the queue.
func (l *Limiter) wait(ctx context.Context, s *hostState, t *ticket) error {
	ready, _ := l.signals.Get().(chan struct{})
	if ready == nil {
		ready = make(chan struct{}, 1)
	}
	t.ready = ready
	s.push(t)
	s.mu.Unlock()
	select {
	case <-ready:
		l.signals.Put(ready)
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	granted := t.granted
	if granted {
		<-ready // sent with granted set: empty the channel for its reuse
	} else {
		s.remove(t)
	}
	s.mu.Unlock()
	l.signals.Put(ready)
	if granted {
		l.free(s, t)
	}
	return ctx.Err()
}

// take takes a slot of the host and returns when its request may start;
// s.mu is held.
func (l *Limiter) take(s *hostState) time.Time {
	s.inflight++
	s.requests++
	start := s.next
	if now := time.Now(); start.Before(now) {
		start = now
	}
	s.next = start.Add(l.gap(s))
	return start
}

// free frees t's slot of the host, once, and hands it on.
func (l *Limiter) free(s *hostState, t *ticket) {
	s.mu.Lock()
	if !t.released {
		t.released = true
		s.inflight--
		l.handOff(s)
	}
	s.mu.Unlock()
}

// handOff gives the free slots of the host to the first tickets in the
// queue, one each, and wakes them; s.mu is held.
func (l *Limiter) handOff(s *hostState) {
	for s.first != nil && s.inflight < s.limit {
		t := s.first
		s.remove(t)
		t.start = l.take(s)
		t.granted = true
		t.ready <- struct{}{} // never blocks: room for one, and one grant
	}
}

// push queues t last; s.mu is held.
func (s *hostState) push(t *ticket) {
	t.prev = s.last
	if s.last != nil {
		s.last.next = t
	} else {
		s.first = t
	}
	s.last = t
}

// remove takes t out of the queue; s.mu is held.
func (s *hostState) remove(t *ticket) {
	if t.prev != nil {
		t.prev.next = t.next
	} else {
		s.first = t.next
	}
	if t.next != nil {
		t.next.prev = t.prev
	} else {
		s.last = t.prev
	}
	t.prev, t.next = nil, nil
}

// Pause keeps every request to the host from starting before until (a
// Retry-After).
func (l *Limiter) Pause(host string, until time.Time) {
	s := l.state(host)
	s.mu.Lock()
	if until.After(s.next) {
		s.next = until
	}
	s.mu.Unlock()
}

// SetMinDelay sets the host's own least time between two request starts
// (its robots.txt Crawl-delay), which every delay respects.
func (l *Limiter) SetMinDelay(host string, d time.Duration) {
	s := l.state(host)
	s.mu.Lock()
	s.minDelay = d
	s.mu.Unlock()
}

// Answered feeds a healthy answer of the host, which took took, back into
// its politeness (adaptive mode only): it updates the host's response
// time and, while that stays near the usual one, lets the concurrency grow
// by one every two rounds; an answer much slower than usual halves the
// concurrency.
func (l *Limiter) Answered(host string, took time.Duration) {
	if !l.opts.Adaptive {
		return
	}
	s := l.state(host)
	s.mu.Lock()
	defer s.mu.Unlock()
	l.answered(s, took)
}

// AnsweredLate feeds a healthy answer that the process read late by its
// own doing (a Stopwatch found it starved of CPU) back into the host's
// politeness: it counts as healthy, but as no slower than the host's
// response time so far (or, before any, than Expect's), so that a process
// busy deriving pages on every processor does not take its own lateness
// for the host slowing down. Without a response time yet, took is taken
// as measured.
func (l *Limiter) AnsweredLate(host string, took time.Duration) {
	if !l.opts.Adaptive {
		return
	}
	s := l.state(host)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.latency > 0 {
		took = min(took, s.latency)
	}
	l.answered(s, took)
}

// Expect gives the host the response time d, measured elsewhere (the
// crawl's fetches from it, for the link checker), until it answers:
// answers read late (AnsweredLate) are then taken as no slower than d.
// It does nothing once the host has answered.
func (l *Limiter) Expect(host string, d time.Duration) {
	if !l.opts.Adaptive || d <= 0 {
		return
	}
	s := l.state(host)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.samples == 0 {
		s.latency = d
	}
}

// answered is Answered; s.mu is held.
func (l *Limiter) answered(s *hostState, took time.Duration) {
	s.samples++
	switch {
	case s.samples == 1:
		s.latency, s.base = took, took
	case s.samples <= warmup:
		// The first answers (robots.txt among them) set the usual
		// response time: their mean.
		s.latency += (took - s.latency) / 4
		s.base += (took - s.base) / time.Duration(s.samples)
	default:
		s.latency += (took - s.latency) / 4
		s.base += (took - s.base) / 64 // a lasting change becomes the usual, slowly
	}
	s.penalty = max(1, s.penalty*0.9)
	if s.cooldown > 0 {
		s.cooldown--
	}
	rise := func(x time.Duration) bool {
		return float64(x) > latencyRise*float64(s.base) && x-s.base > minLatencyRise
	}
	slow := s.samples > warmup && rise(s.latency) && rise(took)
	if slow && s.cooldown == 0 {
		s.halve()
		return
	}
	if slow {
		return
	}
	s.good++
	if s.good >= 2*s.limit && s.limit < l.opts.Concurrency {
		s.limit++
		s.good = 0
		s.maxLimit = max(s.maxLimit, s.limit)
		l.handOff(s)
	}
}

// Strained reports that the host refused a request or failed to answer it
// (a 429, a 503, a Retry-After, another 5xx, a timeout, a transport
// error): in adaptive mode its concurrency is halved and the penalty on
// its delay doubled.
func (l *Limiter) Strained(host string) {
	if !l.opts.Adaptive {
		return
	}
	s := l.state(host)
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

// Host is how a Limiter treated one host.
type Host struct {
	Host     string `json:"host"`
	Requests int    `json:"requests"`
	// Backoffs counts the times the host's concurrency was halved (strain,
	// or answers much slower than usual).
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

// Hosts returns how every host met was treated, by host name.
func (l *Limiter) Hosts() []Host {
	l.mu.Lock()
	names := make([]string, 0, len(l.hosts))
	for n := range l.hosts {
		names = append(names, n)
	}
	l.mu.Unlock()
	sort.Strings(names)
	out := make([]Host, 0, len(names))
	for _, n := range names {
		s := l.state(n)
		s.mu.Lock()
		out = append(out, Host{
			Host: n, Requests: s.requests, Backoffs: s.backoffs,
			MaxConcurrency: s.maxLimit, Concurrency: s.limit, Delay: l.gap(s), Latency: s.latency,
		})
		s.mu.Unlock()
	}
	return out
}
