package crawl

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// robotsRules is what one origin's robots.txt says to this crawler.
type robotsRules struct {
	origin      string
	status      int    // of the robots.txt response that decided, 0 if none
	body        []byte // the robots.txt served, for colly's own check
	group       *robotstxt.Group
	unavailable bool // robots.txt could not be read even after retries
	crawlDelay  time.Duration
	sitemaps    []string
	source      string // "fetched", "archived copy", "none"
}

// allowed reports whether u may be fetched, using the same path form as
// colly's own check (escaped path, then the re-encoded query).
func (r *robotsRules) allowed(u *url.URL) bool {
	if r.unavailable {
		return false
	}
	if r.group == nil {
		return true
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.Query().Encode()
	}
	return r.group.Test(p)
}

// robotsCache holds the robots.txt rules of every origin met in a run,
// loaded once per origin.
type robotsCache struct {
	agent string
	mu    sync.Mutex
	rules map[string]*robotsCall
}

type robotsCall struct {
	done  chan struct{}
	rules *robotsRules
	err   error
}

func newRobotsCache(agent string) *robotsCache {
	return &robotsCache{agent: agent, rules: map[string]*robotsCall{}}
}

// get returns the rules of an origin (scheme://host[:port]), loading them
// with load the first time. A load that fails (the context was cancelled)
// is not kept.
func (c *robotsCache) get(ctx context.Context, origin string, load func(context.Context) (*robotsRules, error)) (*robotsRules, error) {
	c.mu.Lock()
	call := c.rules[origin]
	if call == nil {
		call = &robotsCall{done: make(chan struct{})}
		c.rules[origin] = call
		c.mu.Unlock()
		call.rules, call.err = load(ctx)
		if call.err != nil {
			c.mu.Lock()
			delete(c.rules, origin)
			c.mu.Unlock()
		}
		close(call.done)
		return call.rules, call.err
	}
	c.mu.Unlock()
	select {
	case <-call.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if call.err != nil {
		return c.get(ctx, origin, load)
	}
	return call.rules, nil
}

// loaded returns the rules of an origin if they are loaded.
func (c *robotsCache) loaded(origin string) *robotsRules {
	c.mu.Lock()
	call := c.rules[origin]
	c.mu.Unlock()
	if call == nil {
		return nil
	}
	select {
	case <-call.done:
		return call.rules
	default:
		return nil
	}
}

// collyResponse answers colly's own robots.txt request from the cache, so
// that colly never reads a transient 5xx as "disallow all" and never
// fetches robots.txt around the politeness scheduler.
func (c *robotsCache) collyResponse(req *http.Request) (*http.Response, error) {
	origin := originOf(req.URL)
	r := c.loaded(origin)
	if r == nil {
		return nil, fmt.Errorf("robots.txt of %s is not loaded", origin)
	}
	body := []byte{}
	if r.status >= 200 && r.status < 300 {
		body = r.body
	}
	return &http.Response{
		Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"text/plain"}},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)), Request: req,
	}, nil
}

// parseRobots builds the rules for a decided robots.txt response: 2xx is
// parsed, 4xx allows everything (as Google and RFC 9309 do).
func parseRobots(origin, agent string, status int, body []byte, source string) *robotsRules {
	r := &robotsRules{origin: origin, status: status, body: body, source: source}
	if status < 200 || status >= 300 {
		return r
	}
	data, err := robotstxt.FromBytes(body)
	if err != nil {
		return r
	}
	r.group = data.FindGroup(agent)
	if r.group != nil {
		r.crawlDelay = r.group.CrawlDelay
	}
	r.sitemaps = data.Sitemaps
	return r
}

// originOf is scheme://host[:port] of u, with the default port dropped.
func originOf(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + normalHost(u)
}
