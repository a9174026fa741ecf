// Package archive holds the domain types of archiver: runs, captures, the
// crawl frontier, extracted pages, findings, and the interfaces that the
// storage implementations satisfy. It imports no third-party packages, so
// that every other package can depend on it without dragging in colly,
// SQLite or an HTML parser.
package archive

import (
	"errors"
	"net/http"
	"strings"
	"time"
)

// ErrNotFound is returned by stores when the requested run, capture or URL
// does not exist.
var ErrNotFound = errors.New("not found")

// RunStatus is the state of a crawl run.
type RunStatus string

// The states a run can be in.
const (
	RunRunning     RunStatus = "running"
	RunComplete    RunStatus = "complete"
	RunInterrupted RunStatus = "interrupted"
	RunFailed      RunStatus = "failed"
)

// Run is one crawl of one or more seeds.
type Run struct {
	ID         int64
	Seeds      []string
	Config     string // the configuration as given, JSON encoded
	StartedAt  time.Time
	FinishedAt time.Time // zero while running
	Status     RunStatus
	Counts     RunCounts
}

// RunCounts summarises what a run did.
type RunCounts struct {
	Captured int            `json:"captured"` // captures with a new body
	Revisits int            `json:"revisits"` // 304 or an unchanged body
	Refused  int            `json:"refused"`  // 429, 503 with Retry-After, 403 rate limits
	Errors   int            `json:"errors"`   // transport errors and 5xx after retries
	Skipped  map[string]int `json:"skipped"`  // URLs not fetched, by reason
	Bytes    int64          `json:"bytes"`    // body bytes received
}

// Redirect is one hop of a redirect chain.
type Redirect struct {
	URL      string `json:"url"`
	Status   int    `json:"status"`
	Location string `json:"location"`
}

// Verdict classifies the outcome of one fetch.
type Verdict string

// The outcomes of a fetch.
const (
	VerdictOK      Verdict = "ok"      // a response was received and stored (any status)
	VerdictRevisit Verdict = "revisit" // 304 Not Modified or an identical body
	VerdictRefused Verdict = "refused" // the server refused us (429, 403 rate limit, 503 Retry-After)
	VerdictError   Verdict = "error"   // transport error: DNS, TLS, reset, timeout
)

// Capture is one fetch of one URL, with the bytes exactly as the server sent
// them (after removing transfer and content encodings such as gzip, before
// any charset conversion).
type Capture struct {
	ID             int64
	RunID          int64
	URL            string // as requested
	CanonicalURL   string
	FinalURL       string     // after redirects
	Redirects      []Redirect // the chain, in order; empty if none
	Method         string
	RequestHeader  http.Header
	Status         int
	Proto          string // "HTTP/1.1", "HTTP/2.0"
	Header         http.Header
	RemoteAddr     string
	FetchedAt      time.Time // when the request was sent, UTC
	Duration       time.Duration
	ContentLength  int64 // as declared by the server, -1 if unknown
	Size           int64 // length of the stored body
	Truncated      bool  // the body was cut at the size limit
	BodySHA256     string
	Depth          int
	DiscoveredFrom string
	Verdict        Verdict
	RevisitOf      int64  // for revisits, the capture whose body this one repeats
	Error          string // transport error text, if any
	Body           []byte // filled only when loaded with the body
}

// ContentType returns the Content-Type header of the capture.
func (c *Capture) ContentType() string {
	if c.Header == nil {
		return ""
	}
	return c.Header.Get("Content-Type")
}

// IsHTML reports whether the capture holds an HTML page, the captures
// that pages are derived from: its Content-Type says html, or, without
// one, its first 512 bytes look like HTML.
func (c *Capture) IsHTML() bool {
	ct := strings.ToLower(c.ContentType())
	if ct != "" {
		return strings.Contains(ct, "html")
	}
	head := c.Body
	if len(head) > 512 {
		head = head[:512]
	}
	h := strings.ToLower(string(head))
	return strings.Contains(h, "<html") || strings.Contains(h, "<!doctype html") || strings.Contains(h, "<head") || strings.Contains(h, "<body")
}

// FrontierState is the state of a URL in the crawl frontier.
type FrontierState string

// The states of a frontier entry.
const (
	FrontierQueued  FrontierState = "queued"
	FrontierClaimed FrontierState = "claimed"
	FrontierDone    FrontierState = "done"
	FrontierSkipped FrontierState = "skipped"
)

// FrontierEntry is one URL in a run's frontier.
type FrontierEntry struct {
	RunID          int64
	URL            string // canonical URL, the key
	Depth          int
	DiscoveredFrom string
	State          FrontierState
	Reason         string // why it was skipped, or how it ended
	Attempts       int
	NotBefore      time.Time // do not fetch before (Retry-After, backoff)
}
