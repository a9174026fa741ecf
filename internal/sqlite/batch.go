package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/archiver-dev/archiver/internal/archive"
)

// PutCaptures writes several pages in one write transaction: for each
// write, in order, its Entries (as Enqueue), its Aliases (as AddAlias),
// its Capture (as PutCapture) with its Page (as PutPage, under the
// capture's new id) and its End (as Finish or Retry), all in run runID. A crawl hands it the pages its workers finished within a moment,
// so that they share one commit instead of paying for one each.
//
// The batch is one transaction and so the unit of durability: after a
// nil error every write of it is in the archive, after an error none is
// (an End whose URL is not in the run's frontier is an error wrapping
// archive.ErrNotFound and fails the batch). Each Capture gets its ID,
// BodySHA256 and Size as with PutCapture, and each write its results
// (see archive.CaptureWrite). The bodies are hashed and compressed before the
// transaction begins, on the caller's goroutine.
func (s *Store) PutCaptures(ctx context.Context, runID int64, writes []archive.CaptureWrite) error {
	if len(writes) == 0 {
		return nil
	}
	if s.readOnly {
		return fmt.Errorf("put captures in run %d: %w", runID, ErrReadOnly)
	}
	prepared := make([]*preparedCapture, len(writes))
	for i := range writes {
		w := &writes[i]
		if err := validWrite(runID, w); err != nil {
			return fmt.Errorf("put captures in run %d: %w", runID, err)
		}
		if w.Capture == nil {
			continue
		}
		p, err := s.prepareCapture(w.Capture)
		if err != nil {
			return fmt.Errorf("put captures in run %d: %w", runID, err)
		}
		prepared[i] = p
	}
	asked, err := s.compressBodies(ctx, prepared)
	if err != nil {
		return fmt.Errorf("put captures in run %d: %w", runID, err)
	}
	in := &interned{}
	err = s.write(ctx, func(tx *sql.Tx) error {
		in.reset()
		for i := range writes {
			if err := s.putWriteTx(ctx, tx, in, runID, &writes[i], prepared[i]); err != nil {
				return fmt.Errorf("%s: %w", writeURL(&writes[i]), err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put captures in run %d: %w", runID, err)
	}
	s.cache.add(in)
	known, fresh := 0, 0
	for i := range writes {
		if p := prepared[i]; p != nil {
			p.done()
			writes[i].ID, writes[i].NewBody = p.id, p.newBody
			switch {
			case !p.compress:
			case p.newBody:
				fresh++
			default:
				known++
			}
		}
	}
	if !asked {
		s.cache.sawBodies(known, fresh)
	}
	return nil
}

// putWriteTx writes w (p is its prepared capture, nil for none) inside the
// write transaction tx and sets its Added.
func (s *Store) putWriteTx(ctx context.Context, tx *sql.Tx, in *interned, runID int64, w *archive.CaptureWrite, p *preparedCapture) error {
	var err error
	if w.Added, err = s.enqueueTx(ctx, tx, in, runID, w.Entries); err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	if err := s.addAliasesTx(ctx, tx, in, runID, w.Aliases); err != nil {
		return err
	}
	if p != nil {
		if err := p.insertTx(ctx, s, tx, in); err != nil {
			return err
		}
		if w.Page != nil {
			w.Page.CaptureID = p.id
			doc, links, err := encodePage(w.Page)
			if err != nil {
				return fmt.Errorf("page: %w", err)
			}
			if err := s.putPageTx(ctx, tx, w.Page, doc, links); err != nil {
				return fmt.Errorf("page: %w", err)
			}
		}
	}
	switch e := w.End; {
	case e.URL == "":
		return nil
	case e.State == archive.FrontierQueued:
		if err := s.retryTx(ctx, tx, runID, e.URL, e.NotBefore, e.Reason); err != nil {
			return fmt.Errorf("retry: %w", err)
		}
	default:
		if err := s.finishTx(ctx, tx, runID, e.URL, e.State, e.Reason); err != nil {
			return fmt.Errorf("finish: %w", err)
		}
	}
	return nil
}

// validWrite checks a write of PutCaptures in run runID.
func validWrite(runID int64, w *archive.CaptureWrite) error {
	if w.Capture == nil && len(w.Entries) == 0 && len(w.Aliases) == 0 && w.End.URL == "" {
		return errors.New("an empty write")
	}
	if w.Capture != nil && w.Capture.RunID != runID {
		return fmt.Errorf("capture %s of run %d", w.Capture.URL, w.Capture.RunID)
	}
	if w.Page != nil {
		if w.Capture == nil {
			return fmt.Errorf("%s: a page without its capture", writeURL(w))
		}
		if w.Page.ExtractorVersion == "" {
			return fmt.Errorf("%s: a page without its extractor version", writeURL(w))
		}
	}
	if err := validAliases(runID, w.Aliases); err != nil {
		return fmt.Errorf("%s: %w", writeURL(w), err)
	}
	switch w.End.State {
	case archive.FrontierDone, archive.FrontierSkipped, archive.FrontierQueued:
	default:
		if w.End.URL != "" {
			return fmt.Errorf("%s: end in state %q, not done, skipped or queued", w.End.URL, w.End.State)
		}
	}
	return nil
}

// writeURL names a write in errors: its capture's URL, else its entry's.
func writeURL(w *archive.CaptureWrite) string {
	if w.Capture != nil {
		return w.Capture.URL
	}
	if w.End.URL != "" {
		return w.End.URL
	}
	return "a page's links"
}
