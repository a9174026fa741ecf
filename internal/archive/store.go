package archive

import (
	"context"
	"time"
)

// RunStore records crawl runs.
type RunStore interface {
	// CreateRun stores a new run in state running and returns its id.
	CreateRun(ctx context.Context, r Run) (int64, error)
	// FinishRun sets the run's final status, counts and finish time.
	FinishRun(ctx context.Context, id int64, status RunStatus, counts RunCounts, at time.Time) error
	// Run returns one run, or ErrNotFound.
	Run(ctx context.Context, id int64) (Run, error)
	// Runs returns all runs, newest first.
	Runs(ctx context.Context) ([]Run, error)
}

// Frontier is the crawl frontier of a run, kept in the archive so that an
// interrupted crawl can resume without refetching what was done and without
// losing what was claimed.
type Frontier interface {
	// Enqueue adds entries in state queued, or in state skipped with their
	// reason when their State is FrontierSkipped (as Skip, in the same
	// transaction); URLs already in the run's frontier (in any state) are
	// left as they are. It returns how many queued entries were new.
	Enqueue(ctx context.Context, runID int64, entries []FrontierEntry) (int, error)
	// Claim moves up to n queued entries whose NotBefore has passed at now to
	// state claimed and returns them, shallowest first.
	Claim(ctx context.Context, runID int64, n int, now time.Time) ([]FrontierEntry, error)
	// Finish moves a claimed entry to done or skipped with a reason.
	Finish(ctx context.Context, runID int64, url string, state FrontierState, reason string) error
	// Retry puts a claimed entry back in the queue, not to be claimed before
	// notBefore, and counts the attempt.
	Retry(ctx context.Context, runID int64, url string, notBefore time.Time, reason string) error
	// Release puts every claimed entry of the run back in the queue (on
	// resume, after a crash).
	Release(ctx context.Context, runID int64) (int, error)
	// Pending counts queued and claimed entries, and the earliest NotBefore
	// among the queued ones (zero if none).
	Pending(ctx context.Context, runID int64) (queued, claimed int, next time.Time, err error)
	// Skip records a URL that will not be fetched, with the reason, as a
	// frontier entry in state skipped (if the URL is not already present).
	Skip(ctx context.Context, runID int64, e FrontierEntry) error
}

// CaptureStore stores captures and their bodies.
type CaptureStore interface {
	// PutCapture stores a capture. The body (c.Body) is stored once per
	// SHA-256; c.BodySHA256 and c.Size are set from it. It returns the new
	// capture's id and whether the body was new to the archive.
	PutCapture(ctx context.Context, c *Capture) (id int64, newBody bool, err error)
	// Capture returns one capture; with body true, c.Body holds the bytes.
	Capture(ctx context.Context, id int64, body bool) (*Capture, error)
	// LatestCapture returns the newest capture of a canonical URL before the
	// given run (0: any run) that received a response, or ErrNotFound.
	LatestCapture(ctx context.Context, canonicalURL string, beforeRun int64) (*Capture, error)
	// AddAlias records that alias was collapsed into canonical in a run.
	AddAlias(ctx context.Context, runID int64, alias, canonical, reason string) error
}

// Alias is a URL that a crawl collapsed into a canonical URL, and why
// (a redirect, the same content, a rel=canonical, tracking parameters).
type Alias struct {
	RunID     int64  `json:"run_id"`
	Alias     string `json:"alias"`
	Canonical string `json:"canonical"`
	Reason    string `json:"reason"`
}

// CaptureWrite is what a crawl writes when it is done with one claimed
// frontier entry: the page's capture, if there is one, with the frontier
// entries and aliases its links revealed, and the end of the entry's
// claim. A store that writes several of them in one transaction lets a
// crawl share one commit among the pages its workers finish together.
//
// End moves the entry End.URL of the run: with State FrontierDone or
// FrontierSkipped as a Finish does (with End.Reason), with State
// FrontierQueued as a Retry does (not before End.NotBefore). An empty
// End.URL moves nothing; a capture whose verdict is ok or revisit ends
// its entry's claim by itself.
//
// Page, if not nil, is the page derived from Capture (which it needs),
// stored with it: the store sets its CaptureID to the capture's id, so
// that a check finds the page made and reads it instead of deriving it.
//
// ID, NewBody and Added are the store's results once the write has
// committed: the capture's id and whether its body was new to the archive
// (0 and false without a capture), and how many Entries were new to the
// frontier.
type CaptureWrite struct {
	Capture *Capture
	Entries []FrontierEntry
	Aliases []Alias
	End     FrontierEntry
	Page    *Page

	ID      int64
	NewBody bool
	Added   int
}
