package crawl

import (
	"context"
	"net/url"
	"strconv"

	"github.com/archiver-dev/archiver/internal/archive"
)

// knownLister is implemented by stores that list the canonical URLs
// earlier runs captured and a run's frontier does not hold yet
// (internal/sqlite does). See Config.Revisit.
type knownLister interface {
	KnownURLs(ctx context.Context, runID int64, fn func(url string, lastRun int64, depth int) error) error
}

// knownBatch is how many known URLs are queued per write.
const knownBatch = 512

// queueKnown queues, once per process, the in-scope URLs that earlier
// runs captured and that this run has not met: pages that nothing links to
// any more (removed or orphaned) are fetched again, so the timeline sees
// them vanish. Each is queued at the depth of its last capture with the
// reason "known from run N". The scope, trap, depth and robots.txt checks
// apply as to any link. It returns how many URLs it queued.
func (c *crawler) queueKnown(ctx context.Context) (int, error) {
	if c.revisitDone || !c.cfg.Revisit || !c.history {
		return 0, nil
	}
	c.revisitDone = true
	kl, ok := c.store.(knownLister)
	if !ok {
		return 0, nil
	}
	var batch []archive.FrontierEntry
	added := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		n, err := c.store.Enqueue(ctx, c.runID, batch)
		if err != nil {
			return err
		}
		added += n
		batch = batch[:0]
		return nil
	}
	err := kl.KnownURLs(ctx, c.runID, func(raw string, run int64, depth int) error {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path == "/robots.txt" {
			return nil // robots.txt is read by every run anyway
		}
		// The canonical options may have changed since the URL was stored.
		cu, _ := c.canon.Canonical(u)
		if cu != raw {
			if u, err = url.Parse(cu); err != nil {
				return nil
			}
		}
		if c.scope.check(u, cu) != "" {
			return nil // another site of the archive, or excluded now
		}
		if !c.markSeen(cu) {
			return nil
		}
		from := archive.FrontierEntry{URL: "known from run " + strconv.FormatInt(run, 10), Depth: depth - 1}
		ent := c.admit(from, u, cu)
		if ent == nil {
			return nil
		}
		if ent.State != archive.FrontierSkipped {
			ent.Reason = from.URL
		}
		batch = append(batch, *ent)
		if len(batch) >= knownBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return added, c.storeErr(ctx, err)
	}
	if added > 0 {
		c.revisited.Add(int64(added))
		c.log.Info("revisiting URLs known from earlier runs that this run found no link to", "run", c.runID, "queued", added)
	}
	return added, nil
}
