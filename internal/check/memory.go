package check

import (
	"context"
	"fmt"
	"net/http"
	"sort"

	"github.com/archiver-dev/archiver/internal/archive"
)

// MemoryArchive is an Archive held in memory: rule fixtures run on one, and
// tests of kinds can build one page by page. It is not safe for concurrent
// writes.
type MemoryArchive struct {
	runs     map[int64]archive.Run
	captures map[int64][]*archive.Capture // by run, in id order
	byID     map[int64]*archive.Capture
	pages    map[int64]*archive.Page // by capture id
}

// NewMemoryArchive returns an empty archive.
func NewMemoryArchive() *MemoryArchive {
	return &MemoryArchive{
		runs:     map[int64]archive.Run{},
		captures: map[int64][]*archive.Capture{},
		byID:     map[int64]*archive.Capture{},
		pages:    map[int64]*archive.Page{},
	}
}

// AddRun adds or replaces a run.
func (m *MemoryArchive) AddRun(r archive.Run) { m.runs[r.ID] = r }

// AddCapture adds a capture to its run (c.RunID), with its page if page is
// not nil. Capture ids must be unique.
func (m *MemoryArchive) AddCapture(c *archive.Capture, page *archive.Page) error {
	if _, dup := m.byID[c.ID]; dup {
		return fmt.Errorf("capture %d added twice", c.ID)
	}
	if _, ok := m.runs[c.RunID]; !ok {
		return fmt.Errorf("capture %d: no run %d", c.ID, c.RunID)
	}
	m.byID[c.ID] = c
	list := append(m.captures[c.RunID], c)
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	m.captures[c.RunID] = list
	if page != nil {
		m.pages[c.ID] = page
	}
	return nil
}

// Run returns one run.
func (m *MemoryArchive) Run(_ context.Context, id int64) (archive.Run, error) {
	r, ok := m.runs[id]
	if !ok {
		return archive.Run{}, archive.ErrNotFound
	}
	return r, nil
}

// Runs returns the runs, newest first.
func (m *MemoryArchive) Runs(context.Context) ([]archive.Run, error) {
	out := make([]archive.Run, 0, len(m.runs))
	for _, r := range m.runs {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].StartedAt.Equal(out[j].StartedAt) {
			return out[i].StartedAt.After(out[j].StartedAt)
		}
		return out[i].ID > out[j].ID
	})
	return out, nil
}

// Capture returns one capture.
func (m *MemoryArchive) Capture(_ context.Context, id int64, body bool) (*archive.Capture, error) {
	c, ok := m.byID[id]
	if !ok {
		return nil, archive.ErrNotFound
	}
	cp := *c
	if !body {
		cp.Body = nil
	}
	return &cp, nil
}

// EachCapture calls fn for the captures of a run, without bodies.
func (m *MemoryArchive) EachCapture(ctx context.Context, runID int64, fn func(*archive.Capture) error) error {
	for _, c := range m.captures[runID] {
		if err := ctx.Err(); err != nil {
			return err
		}
		cp := *c
		cp.Body = nil
		if err := fn(&cp); err != nil {
			return err
		}
	}
	return nil
}

// EachPage calls fn for the captures of a run that have a page.
func (m *MemoryArchive) EachPage(ctx context.Context, runID int64, fn func(*archive.Capture, *archive.Page) error) error {
	for _, c := range m.captures[runID] {
		p, ok := m.pages[c.ID]
		if !ok {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		cp := *c
		cp.Body = nil
		if base := m.repeated(c); base != nil {
			cp.Status, cp.Header = base.Status, base.Header
		}
		if err := fn(&cp, p); err != nil {
			return err
		}
	}
	return nil
}

// repeated returns the capture a 304 revisit repeats, or nil when c is not
// one (or the capture it names is not in the archive).
func (m *MemoryArchive) repeated(c *archive.Capture) *archive.Capture {
	if c.Status != http.StatusNotModified || c.Verdict != archive.VerdictRevisit || c.RevisitOf == 0 {
		return nil
	}
	return m.byID[c.RevisitOf]
}

var _ Archive = (*MemoryArchive)(nil)
