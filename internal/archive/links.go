package archive

import (
	"context"
	"time"
)

// LinkVerdict is the stored judgement of one link target, checked live and
// kept in the archive so that a scheduled check does not ask the same host
// again before the verdict expires.
type LinkVerdict struct {
	URL        string        `json:"url"`     // the target, without fragment
	Verdict    string        `json:"verdict"` // ok, broken, refused, dns-error, …
	Status     int           `json:"status,omitempty"`
	FinalURL   string        `json:"final_url,omitempty"`
	Redirects  []Redirect    `json:"redirects,omitempty"`
	Method     string        `json:"method,omitempty"` // HEAD or GET
	Attempts   int           `json:"attempts,omitempty"`
	Detail     string        `json:"detail,omitempty"`
	RetryAfter time.Duration `json:"retry_after,omitempty"`
	Title      string        `json:"title,omitempty"`
	IDs        []string      `json:"ids,omitempty"` // element ids, when the body was read
	HasIDs     bool          `json:"has_ids,omitempty"`
	CheckedAt  time.Time     `json:"checked_at"`
	ExpiresAt  time.Time     `json:"expires_at"`
}

// LinkCache stores live link verdicts with an expiry time.
type LinkCache interface {
	// LinkVerdict returns the stored verdict for url if it has not expired
	// at now, or ErrNotFound.
	LinkVerdict(ctx context.Context, url string, now time.Time) (LinkVerdict, error)
	// PutLinkVerdict stores v, replacing any earlier verdict for v.URL.
	PutLinkVerdict(ctx context.Context, v LinkVerdict) error
	// PruneLinkVerdicts removes the verdicts expired at now and returns how
	// many were removed.
	PruneLinkVerdicts(ctx context.Context, now time.Time) (int, error)
}
