package links

import (
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// Verdict is the judgement on one link target.
type Verdict string

// The verdicts. Only [Broken], [SoftNotFound], [MissingFragment],
// [RedirectLoop], [TooManyRedirects] and the transport failures say that the
// target is wrong; [Refused] means the server would not let us verify it and
// is never reported as broken.
const (
	// OK: the target answered 2xx (after any redirects).
	OK Verdict = "ok"
	// Broken: the target answered 404, 410 or another 4xx.
	Broken Verdict = "broken"
	// ServerError: the target answered 5xx on every attempt.
	ServerError Verdict = "server-error"
	// Refused: the server refused to answer us (429, 503 with Retry-After,
	// 403 that looks like bot blocking); the target is unverified.
	Refused Verdict = "refused"
	// DNSError: the host name did not resolve.
	DNSError Verdict = "dns-error"
	// TLSError: the TLS handshake failed (untrusted or invalid certificate).
	TLSError Verdict = "tls-error"
	// ConnectionRefused: nothing listens on the target's port.
	ConnectionRefused Verdict = "connection-refused"
	// ConnectionReset: the connection was reset or closed mid-response.
	ConnectionReset Verdict = "connection-reset"
	// ConnectionError: another transport failure.
	ConnectionError Verdict = "connection-error"
	// Timeout: the target did not answer in time.
	Timeout Verdict = "timeout"
	// RedirectLoop: the redirect chain comes back to a URL it passed.
	RedirectLoop Verdict = "redirect-loop"
	// TooManyRedirects: the redirect chain is longer than allowed.
	TooManyRedirects Verdict = "too-many-redirects"
	// Blocked: the SSRF guard refused to connect to a private, loopback or
	// link-local address.
	Blocked Verdict = "blocked"
	// InvalidURL: the link is not a URL that can be fetched.
	InvalidURL Verdict = "invalid-url"
	// SoftNotFound: the target answered 200 but is a "not found" page, a
	// redirect to the home page or an empty day archive.
	SoftNotFound Verdict = "soft-404"
	// MissingFragment: the target page has no element with the link's
	// #fragment as its id or name.
	MissingFragment Verdict = "missing-fragment"
	// Canceled: the check was interrupted; it is neither cached nor reported.
	Canceled Verdict = "canceled"
)

// Problem reports whether the verdict says the link is wrong (as opposed to
// fine, or unverifiable).
func (v Verdict) Problem() bool {
	switch v {
	case OK, Refused, Canceled, Blocked, "":
		return false
	}
	return true
}

// Transient reports whether the verdict may change soon by itself (rate
// limits, outages, timeouts), so that it is cached for a shorter time.
func (v Verdict) Transient() bool {
	switch v {
	case Refused, ServerError, Timeout, ConnectionReset, ConnectionError, ConnectionRefused, DNSError:
		return true
	}
	return false
}

// Source says where a result comes from.
type Source string

// The sources of a result.
const (
	FromArchive Source = "archive" // the target's capture in the crawl run
	FromLive    Source = "live"    // an HTTP request made now
	FromCache   Source = "cache"   // a live result stored by an earlier check
)

// Result is the judgement on one target URL with its evidence.
type Result struct {
	URL        string             `json:"url"`     // the target, without fragment
	Verdict    Verdict            `json:"verdict"` // the judgement
	Status     int                `json:"status,omitempty"`
	FinalURL   string             `json:"final_url,omitempty"`
	Chain      []archive.Redirect `json:"chain,omitempty"`
	Method     string             `json:"method,omitempty"` // HEAD or GET, for live checks
	Attempts   int                `json:"attempts,omitempty"`
	CheckedAt  time.Time          `json:"checked_at"`
	From       Source             `json:"from"`
	Detail     string             `json:"detail,omitempty"`      // error text, soft-404 reason, refusal reason
	RetryAfter time.Duration      `json:"retry_after,omitempty"` // what the server asked for, if it did
	CaptureID  int64              `json:"capture_id,omitempty"`  // the target's capture, for archive results
	BodySHA256 string             `json:"body_sha256,omitempty"`
	Title      string             `json:"title,omitempty"` // the target's <title>, when it was read
	IDs        []string           `json:"ids,omitempty"`   // element ids of the target, when they were read
	HasIDs     bool               `json:"has_ids,omitempty"`

	observed time.Time // when the answer came, on the real clock (for 403 judgement)
}
