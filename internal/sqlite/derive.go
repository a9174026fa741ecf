package sqlite

import (
	"context"
	"database/sql"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/archiver-dev/archiver/internal/archive"
)

// Derivation says how EachPageDerived renews pages: which stored versions
// it accepts besides the query's Version, and on how many goroutines it
// extracts the others.
type Derivation struct {
	// Accept lists further extractor versions whose stored pages are read
	// as they are: a page made by a fuller extraction serves a check that
	// needs less (a full page serves a links-level check). Pages made by
	// any other version are derived again with the query's Derive.
	Accept []string
	// Workers is the number of pages derived at once (loading the body,
	// extracting, storing); 0 or less means GOMAXPROCS.
	Workers int
}

// EachPageDerived is EachPage with the derivation of missing and stale
// pages spread over d.Workers goroutines, and with stored pages of the
// versions in d.Accept taken as current. fn is still called from one
// goroutine, in capture id order: while fn works on one batch, the next
// batches are read and their pages derived (and, with q.Store, stored, a
// batch at a time: its pages' concurrent writes share transactions through
// the writer's group commit). At most five batches are in memory. It stops at and
// returns the first error of fn, of reading or of storing a page, or a
// stored page that does not decode; a page whose extraction fails is
// skipped (there is nothing to check).
func (s *Store) EachPageDerived(ctx context.Context, q PageQuery, d Derivation, fn func(*archive.Capture, *archive.Page) error) error {
	workers := d.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()

	tasks := make(chan deriveTask, 2*workers)
	ready := make(chan *derivedBatch, 2)
	stored := make(chan *derivedBatch, 1)
	errc := make(chan error, 1)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range tasks {
				if ctx.Err() == nil {
					t.b.derive(ctx, s, q, t.i)
				}
				t.b.pending.Done()
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(ready)
		defer close(tasks)
		// Read every stored page as it is; which ones are current is
		// decided here, against Version and Accept.
		read := q
		read.Version, read.Derive = "", nil
		var after int64
		for {
			items, err := s.readPageBatch(ctx, read, after)
			if err != nil {
				errc <- err
				return
			}
			if len(items) == 0 {
				return
			}
			after = items[len(items)-1].c.ID
			b := &derivedBatch{items: items, pages: make([]*archive.Page, len(items)), derived: make([]bool, len(items))}
			var todo []int
			for i := range items {
				it := &items[i]
				accepted := it.version.Valid && (q.Version == "" || it.version.String == q.Version || slices.Contains(d.Accept, it.version.String))
				switch {
				case accepted || (q.Derive == nil && it.version.Valid):
					if it.err != nil {
						b.err = it.err
					}
					b.pages[i] = it.page
				case q.Derive != nil && it.c.BodySHA256 != "":
					todo = append(todo, i)
				}
				it.page, it.doc, it.links = nil, sql.NullString{}, sql.NullString{} // let the decoded JSON go
			}
			b.pending.Add(len(todo))
			for n, i := range todo {
				select {
				case tasks <- deriveTask{b: b, i: i}:
				case <-ctx.Done():
					b.pending.Add(-(len(todo) - n))
					return
				}
			}
			select {
			case ready <- b:
			case <-ctx.Done():
				return
			}
			if len(items) < pageBatch {
				return
			}
		}
	}()

	// The derived pages of a batch are stored at once, each by its own
	// goroutine, so that the writer's group commit puts them in one or a
	// few transactions rather than one per page.
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(stored)
		for b := range ready {
			b.pending.Wait()
			if q.Store && b.err == nil && ctx.Err() == nil {
				b.store(ctx, s)
			}
			select {
			case stored <- b:
			case <-ctx.Done():
				return
			}
		}
	}()

	for b := range stored {
		if b.err != nil {
			return b.err
		}
		for i, it := range b.items {
			p := b.pages[i]
			if p == nil {
				continue
			}
			if b.derived[i] && !q.Links {
				p.Links = nil
			}
			if err := fn(it.c, p); err != nil {
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	select {
	case err := <-errc:
		return err
	default:
	}
	return ctx.Err()
}

// derivedBatch is one batch of EachPageDerived: the captures, their pages
// (nil: skipped) and the derivations still running.
type derivedBatch struct {
	items   []pageItem
	pages   []*archive.Page
	derived []bool // pages[i] was derived here (and is to be stored)
	pending sync.WaitGroup
	mu      sync.Mutex
	err     error // the first error of reading or storing a page
}

// deriveTask is the derivation of item i of a batch.
type deriveTask struct {
	b *derivedBatch
	i int
}

// derive extracts the page of item i, missing or stale, from its
// capture's body (store saves it).
func (b *derivedBatch) derive(ctx context.Context, s *Store, q PageQuery, i int) {
	c := b.items[i].c
	if ct := c.ContentType(); ct != "" && !strings.Contains(strings.ToLower(ct), "html") {
		return // an image, a PDF: no page
	}
	full, err := s.pageSource(ctx, c.ID)
	if err != nil {
		b.fail(err)
		return
	}
	if !full.IsHTML() {
		return
	}
	p, err := q.Derive(full)
	if err != nil || p == nil {
		return // extraction failed: nothing to check
	}
	p.CaptureID = c.ID
	b.pages[i], b.derived[i] = p, true
}

// store saves the batch's derived pages, concurrently: the writer's group
// commit gathers them into few transactions.
func (b *derivedBatch) store(ctx context.Context, s *Store) {
	var wg sync.WaitGroup
	for i, p := range b.pages {
		if !b.derived[i] {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.PutPage(ctx, p); err != nil {
				b.fail(err)
			}
		}()
	}
	wg.Wait()
}

func (b *derivedBatch) fail(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err == nil {
		b.err = err
	}
}
