package crawl

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// batchWriter is implemented by stores that write several pages'
// captures and frontier changes in one transaction (internal/sqlite
// does): after a nil error all of them are stored, after an error none.
type batchWriter interface {
	PutCaptures(ctx context.Context, runID int64, writes []archive.CaptureWrite) error
}

// The writer's batches: it waits up to writeLinger for more pages before
// it commits (a commit costs about as much as a page's own writes, and
// the crawl's workers finish pages slower than a commit takes, so without
// the wait most batches would hold one page), and commits at most
// maxWriteBatch pages in one transaction.
const (
	writeLinger   = 2 * time.Millisecond
	maxWriteBatch = 64
)

// writer commits the pages the workers hand it (see submit) in batches,
// one transaction each, on its own goroutine.
//
// Durability: a batch is one transaction. A page handed to the writer is
// in flight (counted in crawler.inflight, so that the crawl loop neither
// ends nor gives up on "claimed elsewhere" while it waits) until its
// batch commits; until then its frontier entry stays claimed in the
// archive. A crash loses the batches not committed: their entries are
// still claimed, and a resume releases and fetches them again; nothing of
// a batch is stored twice, since it is stored all or not at all. The
// counters (captured, revisits, queued, pages) move when a batch commits.
//
// A batch that fails is fatal for the crawl (fail), and the writer drops
// the writes it is handed afterwards, whose entries stay claimed. An
// interrupted crawl still commits what was handed over before the
// workers stopped: the batches use a context that is not cancelled.
type writer struct {
	c      *crawler
	store  batchWriter
	ctx    context.Context           // the batches' context: never cancelled
	queue  chan archive.CaptureWrite // bounded: a worker waits when it is full
	fail   func(error)
	wake   chan<- struct{} // the crawl loop's
	failed atomic.Bool
	done   chan struct{}
}

// startWriter starts the crawl's writer for store. fail is called with
// the first storage error; wake is signalled after each commit.
func (c *crawler) startWriter(ctx context.Context, store batchWriter, fail func(error), wake chan<- struct{}) *writer {
	w := &writer{
		c: c, store: store, ctx: context.WithoutCancel(ctx),
		queue: make(chan archive.CaptureWrite, c.cfg.Workers),
		fail:  fail, wake: wake, done: make(chan struct{}),
	}
	go w.run()
	return w
}

// close stops the writer after it has committed (or, after a failure,
// dropped) every page handed to it. No submit may follow.
func (w *writer) close() {
	close(w.queue)
	<-w.done
}

func (w *writer) run() {
	defer close(w.done)
	batch := make([]archive.CaptureWrite, 0, maxWriteBatch)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for first := range w.queue {
		batch = append(batch[:0], first)
		batch = w.gather(batch, timer)
		w.commit(batch)
		clear(batch) // the bodies can be collected
	}
}

// gather adds to batch what is queued and, while other entries are being
// processed, what arrives within writeLinger, up to maxWriteBatch.
func (w *writer) gather(batch []archive.CaptureWrite, timer *time.Timer) []archive.CaptureWrite {
	lingering := false
	defer func() {
		if lingering {
			timer.Stop()
		}
	}()
	for len(batch) < maxWriteBatch {
		select {
		case pw, ok := <-w.queue:
			if !ok {
				return batch
			}
			batch = append(batch, pw)
			continue
		default:
		}
		// Nothing queued: wait for more only if some entry is still
		// being fetched or processed (in flight but not handed over).
		if w.c.inflight.Load() <= int64(len(batch)) {
			return batch
		}
		if !lingering {
			lingering = true
			timer.Reset(writeLinger)
		}
		select {
		case pw, ok := <-w.queue:
			if !ok {
				return batch
			}
			batch = append(batch, pw)
		case <-timer.C:
			lingering = false
			return batch
		}
	}
	return batch
}

// commit writes batch in one transaction and counts what it stored; a
// failure is fatal for the crawl, and after one the writer drops every
// batch (their entries stay claimed for a resume).
func (w *writer) commit(batch []archive.CaptureWrite) {
	c := w.c
	defer func() {
		c.inflight.Add(-int64(len(batch)))
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}()
	if w.failed.Load() {
		return
	}
	if err := w.store.PutCaptures(w.ctx, c.runID, batch); err != nil {
		w.failed.Store(true)
		w.fail(fmt.Errorf("archive: %w", err))
		return
	}
	for i := range batch {
		c.stored(&batch[i])
	}
}

// submit writes pw, the end of the processing of a claimed entry: through
// the crawl's writer if it has one (the page is in flight until its batch
// commits), else at once. It returns only storage errors of a write made
// at once; a cancelled crawl drops a write it cannot hand over, leaving
// the entry claimed for a resume.
func (c *crawler) submit(ctx context.Context, pw archive.CaptureWrite) error {
	w := c.writes
	if w == nil {
		if err := c.writeNow(ctx, &pw); err != nil {
			return c.storeErr(ctx, err)
		}
		c.stored(&pw)
		return nil
	}
	if w.failed.Load() {
		return nil
	}
	c.inflight.Add(1)
	select {
	case w.queue <- pw:
	case <-ctx.Done():
		c.inflight.Add(-1)
	}
	return nil
}

// writeNow writes pw with a store that cannot write batches, in the
// order that loses nothing if the process dies between two writes: the
// links and aliases first, then the capture (see putCapture), then the
// entry's new state.
func (c *crawler) writeNow(ctx context.Context, pw *archive.CaptureWrite) error {
	f := found{entries: pw.Entries, aliases: pw.Aliases}
	var err error
	if pw.Capture != nil {
		pw.ID, pw.NewBody, pw.Added, err = c.putCapture(ctx, pw.Capture, &f)
	} else {
		pw.Added, err = c.writeFound(ctx, &f)
	}
	if err != nil {
		return err
	}
	if ps, ok := c.store.(pageStore); ok && pw.Page != nil {
		pw.Page.CaptureID = pw.ID
		if err := ps.PutPage(ctx, pw.Page); err != nil {
			return err
		}
	}
	switch e := pw.End; {
	case e.URL == "":
		return nil
	case e.State == archive.FrontierQueued:
		return c.store.Retry(ctx, c.runID, e.URL, e.NotBefore, e.Reason)
	default:
		return c.store.Finish(ctx, c.runID, e.URL, e.State, e.Reason)
	}
}

// stored counts a page whose write has committed.
func (c *crawler) stored(pw *archive.CaptureWrite) {
	c.queued.Add(int64(pw.Added))
	if cp := pw.Capture; cp != nil {
		switch {
		case cp.Verdict == archive.VerdictRevisit:
			c.revisits.Add(1)
		case pw.NewBody:
			c.captured.Add(1)
		}
		c.log.Debug("captured", "url", cp.URL, "capture", pw.ID, "verdict", cp.Verdict, "new_body", pw.NewBody)
	}
	c.pages.Add(1)
}
