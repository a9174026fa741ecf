package sqlite

import (
	"context"
	"database/sql"
	"fmt"
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
// batches are read and their pages derived. With q.Store, the derived
// pages are encoded as they are derived and written a batch at a time, in
// one transaction, while fn already reads them; EachPageDerived returns
// once they are all written. At most seven batches are in memory. It stops
// at and returns the first error of fn, of reading or of storing a page,
// or a stored page that does not decode; a page whose extraction fails is
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
	derived := make(chan *derivedBatch, 1)
	toStore := make(chan *derivedBatch, 1)
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
			if q.Store {
				b.encoded = make([]pageRow, len(items))
			}
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
				case q.Derive != nil && it.c.BodySHA256 != "" && mayBeHTML(it.c):
					todo = append(todo, i)
				}
				it.page, it.doc, it.links = nil, sql.NullString{}, sql.NullString{} // let the decoded JSON go
			}
			if len(todo) > 0 && b.err == nil {
				// The captures to derive from, with their bodies, in one
				// query rather than one each; the workers decompress them.
				if b.sources, err = s.readSources(ctx, items, todo); err != nil {
					errc <- err
					return
				}
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

	// A batch goes to fn once its pages are derived, and at the same time
	// to the goroutine that stores them, off fn's path.
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(derived)
		defer close(toStore)
		for b := range ready {
			b.pending.Wait()
			if q.Store && b.err == nil && ctx.Err() == nil {
				select {
				case toStore <- b:
				case <-ctx.Done():
					return
				}
			}
			select {
			case derived <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	// The derived pages of a batch are written in one transaction. The
	// first failure cancels the pass; storeErr is read once storeDone is
	// closed, which is safe to wait for when derived is closed or ctx done.
	var storeErr error
	storeDone := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(storeDone)
		for b := range toStore {
			if storeErr != nil || ctx.Err() != nil {
				continue
			}
			if rows := b.rows(); len(rows) > 0 {
				if storeErr = s.putPages(ctx, rows); storeErr != nil {
					cancel()
				}
			}
		}
	}()
	stored := func(err error) error {
		<-storeDone
		if storeErr != nil {
			return storeErr
		}
		return err
	}

	for b := range derived {
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
			return stored(err)
		}
	}
	if err := stored(nil); err != nil {
		return err
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
	sources map[int64]deriveSource // the captures to derive from, by id
	pages   []*archive.Page
	derived []bool    // pages[i] was derived here
	encoded []pageRow // with PageQuery.Store, derived pages[i] encoded to be stored
	pending sync.WaitGroup
	mu      sync.Mutex
	err     error // the first error of reading or storing a page
}

// deriveTask is the derivation of item i of a batch.
type deriveTask struct {
	b *derivedBatch
	i int
}

// mayBeHTML reports whether a capture's Content-Type leaves it possibly
// HTML; an image or a PDF has no page, and its body is not read.
func mayBeHTML(c *archive.Capture) bool {
	ct := c.ContentType()
	return ct == "" || strings.Contains(strings.ToLower(ct), "html")
}

// deriveSource is a capture a page is derived from, with its stored body not
// yet decompressed.
type deriveSource struct {
	c    *archive.Capture
	body *storedBody
}

// readSources reads the captures items[todo] in full, with their bodies
// still compressed, in one query.
func (s *Store) readSources(ctx context.Context, items []pageItem, todo []int) (map[int64]deriveSource, error) {
	ids := make([]any, len(todo))
	marks := make([]byte, 0, 2*len(todo))
	for n, i := range todo {
		ids[n] = items[i].c.ID
		marks = append(marks, ",?"...)
	}
	out := make(map[int64]deriveSource, len(todo))
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, captureQuery(true, `WHERE c.id IN (`+string(marks[1:])+`)`), ids...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, b, err := s.scanCapture(rows, true)
			if err != nil {
				return err
			}
			out[c.ID] = deriveSource{c: c, body: b}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("captures to derive pages from: %w", classify(err))
	}
	return out, nil
}

// derive extracts the page of item i, missing or stale, from its
// capture's body (store saves it). A 304 revisit is extracted as the
// response it repeats (see asRepeated).
func (b *derivedBatch) derive(ctx context.Context, s *Store, q PageQuery, i int) {
	c := b.items[i].c
	src, ok := b.sources[c.ID]
	if !ok {
		b.fail(fmt.Errorf("capture %d: %w", c.ID, archive.ErrNotFound))
		return
	}
	full := src.c
	err := s.fillBody(full, src.body)
	if err == nil {
		full, err = s.asRepeated(ctx, full)
	}
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
	if q.Store {
		// Encoded now, on this worker, before fn may see the page.
		r, err := encodePageRow(p)
		if err != nil {
			b.fail(err)
			return
		}
		r.absent = !b.items[i].version.Valid
		b.encoded[i] = r
	}
	b.pages[i], b.derived[i] = p, true
}

// rows returns the encoded pages of the batch, in capture order.
func (b *derivedBatch) rows() []pageRow {
	var out []pageRow
	for i, r := range b.encoded {
		if b.derived[i] {
			out = append(out, r)
		}
	}
	return out
}

func (b *derivedBatch) fail(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err == nil {
		b.err = err
	}
}
