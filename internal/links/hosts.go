package links

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/archiver-dev/archiver/internal/polite"
)

// hosts keeps the politeness state of every host the checker talks to: the
// per-host concurrency and delay of package polite (as the crawler's), a
// pause after a Retry-After, and what the host answered so far, which tells
// bot blocking from a forbidden page.
type hosts struct {
	limiter *polite.Limiter

	mu sync.Mutex
	m  map[string]*hostRecord
}

type hostRecord struct {
	lastOK    time.Time // last 2xx answer
	refuseTil time.Time // the host asked for a longer wait than we grant
}

// The adaptive politeness of AutoDelay, as the crawler's defaults: twice
// the host's response time between two request starts, divided by the
// connections to it, which start at one and grow while it answers healthy;
// never more than autoMax.
const (
	autoFactor = 2
	autoMax    = 10 * time.Second
)

// hostRefusingError is returned by acquire for a host that asked us to
// stay away longer than the checker is willing to wait.
type hostRefusingError struct {
	until time.Time
}

func (e *hostRefusingError) Error() string {
	return fmt.Sprintf("the host asked not to be contacted before %s", e.until.UTC().Format(time.RFC3339))
}

func newHosts(perHost int, delay time.Duration) *hosts {
	o := polite.Options{Concurrency: perHost, Delay: delay}
	if delay == AutoDelay {
		o = polite.Options{Concurrency: perHost, Adaptive: true, Factor: autoFactor, MaxDelay: autoMax, StartConcurrency: 1}
	}
	return &hosts{limiter: polite.New(o), m: map[string]*hostRecord{}}
}

// record returns the host's record; h.mu is held.
func (h *hosts) record(host string) *hostRecord {
	r, ok := h.m[host]
	if !ok {
		r = &hostRecord{}
		h.m[host] = r
	}
	return r
}

// acquire waits for a slot and for the host's next start time; the returned
// function releases the slot. A host that asked to be left alone for
// longer than the checker waits fails at once with a hostRefusingError.
func (h *hosts) acquire(ctx context.Context, host string) (func(), error) {
	h.mu.Lock()
	until := h.record(host).refuseTil
	h.mu.Unlock()
	if until.After(time.Now()) {
		return nil, &hostRefusingError{until: until}
	}
	return h.limiter.Acquire(ctx, host)
}

// pause keeps every request to the host from starting before until; if
// until is further away than maxWait, the host is not asked again before
// then at all: requests to it fail at once with a hostRefusingError.
func (h *hosts) pause(host string, until time.Time, maxWait time.Duration) {
	if time.Until(until) > maxWait {
		h.mu.Lock()
		if r := h.record(host); until.After(r.refuseTil) {
			r.refuseTil = until
		}
		h.mu.Unlock()
		return
	}
	h.limiter.Pause(host, until)
}

// answered records an answer of the host and its response time (a.took):
// refusals, server errors and failures in transit (a timeout, a reset)
// strain the host's politeness, as a 403 does from a host that served
// pages before (a blocked bot); other answers feed its response time. A
// request the checker itself gave up (ctx ended) tells nothing.
func (h *hosts) answered(ctx context.Context, host string, a answer) {
	if ctx.Err() != nil {
		return
	}
	h.mu.Lock()
	r := h.record(host)
	servedBefore := !r.lastOK.IsZero()
	if a.err == nil && a.status >= 200 && a.status < 300 {
		r.lastOK = time.Now()
	}
	h.mu.Unlock()
	switch {
	case errors.As(a.err, new(*BlockedError)):
		// The SSRF guard refused to connect: the host was not asked.
	case a.err != nil, a.status == http.StatusTooManyRequests, a.status >= 500,
		a.status == http.StatusForbidden && servedBefore:
		h.limiter.Strained(host)
	case a.starved:
		// Read late by the checker's own doing (every processor busy
		// deriving pages): not the host slowing down.
		h.limiter.AnsweredLate(host, a.took)
	default:
		h.limiter.Answered(host, a.took)
	}
}

// servingSince reports whether the host answered 2xx after t.
func (h *hosts) servingSince(host string, t time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.record(host).lastOK.After(t)
}
