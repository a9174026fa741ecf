package crawl

import (
	"context"
	"errors"
	"net"
	"net/http"

	"github.com/archiver-dev/archiver/internal/polite"
)

// newLimiter returns the per-host politeness scheduler of a crawl (package
// polite): for every host:port its own concurrency limit and delay, and a
// pause that a Retry-After imposes on the whole host. Colly's LimitRule is
// not used: it matches hosts with their port and shares one semaphore among
// all the hosts a rule matches. With AutoDelay the delay follows each
// host's response time and its concurrency grows while it answers fast and
// healthy (see AdaptiveOptions); else the limit and the delay are those
// configured.
func newLimiter(cfg Config) *polite.Limiter {
	if cfg.Delay == AutoDelay {
		a := cfg.Adaptive
		return polite.New(polite.Options{
			Concurrency: cfg.HostConcurrency, Adaptive: true,
			Factor: a.Factor, MinDelay: a.MinDelay, MaxDelay: a.MaxDelay, StartConcurrency: a.StartConcurrency,
		})
	}
	return polite.New(polite.Options{Concurrency: cfg.HostConcurrency, Delay: cfg.Delay})
}

// observe feeds the outcome of one request to the host back into its
// politeness (adaptive mode only): a healthy answer updates the host's
// response time (to its response headers, as the link checker measures
// it: a large body's transfer is not the host taking long to answer), a
// refusal or a failure (see needsBackoff) halves its concurrency and
// doubles its delay's penalty.
func (c *crawler) observe(host string, ex *exchange) {
	if ex == nil || errors.Is(ex.Err, context.Canceled) {
		return
	}
	if needsBackoff(ex) {
		c.hosts.Strained(host)
		return
	}
	if ex.Starved {
		// Read late by the crawler's own doing (every processor busy,
		// deriving pages, say): not the host slowing down.
		c.hosts.AnsweredLate(host, ex.Response)
		return
	}
	c.hosts.Answered(host, ex.Response)
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
type HostPoliteness = polite.Host
