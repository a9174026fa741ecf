package crawl

import (
	"context"
	"net/http"

	"github.com/archiver-dev/archiver/internal/archive"
)

// pageStore is implemented by stores that keep the pages derived from
// captures (internal/sqlite does). A store that writes batches stores a
// write's page with its capture (see archive.CaptureWrite); another one
// is handed the page after its capture.
type pageStore interface {
	PutPage(ctx context.Context, p *archive.Page) error
}

// derive returns the page Config.Derive derives from cap, for the store to
// write with it, or nil: without Derive, for a store that keeps no pages,
// for a capture that is not an HTML page, and when the derivation fails
// (a check derives the page again and decides what its failure means).
// The capture is derived as a check reads it back from the archive: a 304
// revisit as the response it repeats (repeated, loaded with its body;
// without it nothing is derived), with its status, headers and body.
func (c *crawler) derive(cap *archive.Capture, repeated *archive.Capture) *archive.Page {
	if c.cfg.Derive == nil || cap == nil || cap.Status == 0 {
		return nil
	}
	if _, ok := c.store.(pageStore); !ok {
		return nil
	}
	src := *cap
	src.FetchedAt = src.FetchedAt.UTC()
	if src.Verdict == archive.VerdictRevisit && src.Status == http.StatusNotModified {
		if repeated == nil || repeated.Body == nil {
			return nil
		}
		src.Status, src.Header, src.Body = repeated.Status, repeated.Header, repeated.Body
	}
	if src.Body == nil || !src.IsHTML() {
		return nil
	}
	p, err := c.cfg.Derive(&src)
	if err != nil || p == nil {
		c.log.Debug("derive: left for the check", "url", cap.URL, "err", err)
		return nil
	}
	return p
}
