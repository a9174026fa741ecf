package check

import (
	"context"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/report"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// StoreArchive lets the engine read a SQLite archive. Pages are streamed
// in batches; a capture whose stored page was made by another extractor
// version than Version or Accept (or that has no page yet) is extracted
// again with Extract, on Workers goroutines, and, with Persist, stored.
type StoreArchive struct {
	Store *sqlite.Store
	// Extract derives a page from a capture with its body; nil reads
	// stale pages as stored and skips captures without one.
	Extract ExtractFunc
	// Version is the current extractor version: the version of the pages
	// Extract makes.
	Version string
	// Accept lists further extractor versions whose stored pages serve
	// the check as they are: a check that needs only links-level pages
	// (extract.LinksVersion) accepts full pages (extract.Version), while a
	// full check accepts nothing else and re-derives links-level pages.
	Accept []string
	// Workers is the number of pages extracted at once; 0 means
	// GOMAXPROCS.
	Workers int
	// Persist stores re-extracted pages (the store must be writable).
	Persist bool
	// Links loads the links of pages (see RuleSet.NeedsLinks).
	Links bool
}

var _ Archive = (*StoreArchive)(nil)

// Run returns one crawl run.
func (a *StoreArchive) Run(ctx context.Context, id int64) (archive.Run, error) {
	return a.Store.Run(ctx, id)
}

// Runs returns the crawl runs, newest first.
func (a *StoreArchive) Runs(ctx context.Context) ([]archive.Run, error) {
	return a.Store.Runs(ctx)
}

// Capture returns one capture.
func (a *StoreArchive) Capture(ctx context.Context, id int64, body bool) (*archive.Capture, error) {
	return a.Store.Capture(ctx, id, body)
}

// EachCapture streams the captures of a run without bodies.
func (a *StoreArchive) EachCapture(ctx context.Context, runID int64, fn func(*archive.Capture) error) error {
	return a.Store.EachCapture(ctx, sqlite.CaptureQuery{RunID: runID}, fn)
}

// EachPage streams the pages of a run, in capture order, re-extracting
// missing and stale ones in parallel.
func (a *StoreArchive) EachPage(ctx context.Context, runID int64, fn func(*archive.Capture, *archive.Page) error) error {
	q := sqlite.PageQuery{RunID: runID, Version: a.Version, Store: a.Persist, Links: a.Links}
	if a.Extract != nil {
		q.Derive = sqlite.DeriveFunc(a.Extract)
	}
	return a.Store.EachPageDerived(ctx, q, sqlite.Derivation{Accept: a.Accept, Workers: a.Workers}, fn)
}

// WithLinks returns the archive with page links loaded, for site checks.
func (a *StoreArchive) WithLinks() Archive {
	cp := *a
	cp.Links = true
	return &cp
}

// FrontierEntries streams the frontier of a run (the links kinds read skip
// reasons from it).
func (a *StoreArchive) FrontierEntries(ctx context.Context, runID int64, state archive.FrontierState, fn func(archive.FrontierEntry) error) error {
	return a.Store.FrontierEntries(ctx, runID, state, fn)
}

// StoreHistory keeps check runs in a SQLite archive.
type StoreHistory struct {
	Store *sqlite.Store
}

var _ History = StoreHistory{}

// LastCheckRun returns the newest stored check run and its findings.
func (h StoreHistory) LastCheckRun(ctx context.Context) (report.CheckRun, []archive.Finding, error) {
	r, fs, err := h.Store.LastCheckRun(ctx)
	if err != nil {
		return report.CheckRun{}, nil, err
	}
	return report.CheckRun{
		ID: r.ID, CrawlRunID: r.CrawlRunID, PreviousID: r.PreviousID, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt,
		RulesHash: r.RulesHash, FailOn: r.FailOn, Failed: r.Failed, Pages: r.Pages, Config: r.Config, ToolVersion: r.ToolVersion,
	}, fs, nil
}

// SaveCheckRun stores a check run and its findings.
func (h StoreHistory) SaveCheckRun(ctx context.Context, run report.CheckRun, findings []archive.Finding) (int64, error) {
	c := CountFindings(findings)
	return h.Store.SaveCheckRun(ctx, sqlite.CheckRun{
		CrawlRunID: run.CrawlRunID, PreviousID: run.PreviousID, StartedAt: run.StartedAt, FinishedAt: run.FinishedAt,
		RulesHash: run.RulesHash, FailOn: run.FailOn, Failed: run.Failed, Pages: run.Pages,
		Errors: c.Errors, Warnings: c.Warnings, Notes: c.Notes, Config: run.Config, ToolVersion: run.ToolVersion,
	}, findings)
}
