package timeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// Source is where the analysis reads the archive from. internal/sqlite
// implements it.
type Source interface {
	// Runs returns every run, newest first.
	Runs(ctx context.Context) ([]archive.Run, error)
	// Versions calls fn once per canonical URL, in ascending URL order,
	// with that URL's captures from runs up to and including upTo, oldest
	// first. The slice is only valid during the call.
	Versions(ctx context.Context, upTo int64, fn func(url string, vs []Version) error) error
	// NeverCaptured returns the URLs that the indexes of run (its sitemaps)
	// listed and that no run up to it captured.
	NeverCaptured(ctx context.Context, run int64) ([]Missing, error)
}

// Missing is a URL an index listed that the archive never captured (an
// alias of archive.MissingURL).
type Missing = archive.MissingURL

// ChangeKind says what kind of change a version brought.
type ChangeKind string

// The kinds of change.
const (
	// ChangeDeclared: the headline or body changed and the page says so,
	// with a newer modified date or a correction note.
	ChangeDeclared ChangeKind = "declared-edit"
	// ChangeSilent: the headline or body changed and the page does not say
	// so.
	ChangeSilent ChangeKind = "silent-edit"
	// ChangeMetadata: other tracked fields changed (dates, byline, credits,
	// dateline, source, breadcrumbs), the text did not.
	ChangeMetadata ChangeKind = "metadata"
	// ChangePage: the page changed outside the tracked fields (navigation,
	// related links).
	ChangePage ChangeKind = "page"
)

// Change is what changed between the previous good version of a URL and
// the version captured in the analysed run.
type Change struct {
	URL    string        `json:"url"`
	Kind   ChangeKind    `json:"kind"`
	From   Version       `json:"from"`
	To     Version       `json:"to"`
	Fields []FieldChange `json:"fields"`
}

// Removal is a URL that answered with a page and now is gone.
type Removal struct {
	URL       string  `json:"url"`
	How       string  `json:"how"` // "404", "410", "soft 404", "redirect to home"
	LastGood  Version `json:"last_good"`
	FirstGone Version `json:"first_gone"`
	Latest    Version `json:"latest"`
	Runs      int     `json:"runs"`      // consecutive runs that saw it gone
	Confirmed bool    `json:"confirmed"` // gone for the configured persistence
}

// Orphan is a page still served but no longer linked from any listing,
// day archive or the sitemap that used to link it.
type Orphan struct {
	URL        string  `json:"url"`
	Latest     Version `json:"latest"`
	LastLinked Version `json:"last_linked"`
	WasRefs    Refs    `json:"was_refs"`
}

// Stale is a URL whose last good capture is older than the freshness.
type Stale struct {
	URL      string        `json:"url"`
	LastGood Version       `json:"last_good"`
	Age      time.Duration `json:"age"`
}

// DayProblemKind names a problem of a day archive.
type DayProblemKind string

// The problems of day archives and of articles against them.
const (
	DayLinkedEmpty      DayProblemKind = "calendar-day-empty"       // a calendar links the day; its page lists nothing
	DayLinkedBroken     DayProblemKind = "calendar-day-broken"      // a calendar links the day; its page is a 404
	DayIgnoresDate      DayProblemKind = "day-archive-ignores-date" // the day's page lists articles of other (later) days
	DayMissingArticle   DayProblemKind = "missing-from-day-archive" // a listed article is absent from its day's page
	DayMissingInListing DayProblemKind = "missing-from-listing"     // a day archive lists an article its section listing lacks
)

// DayProblem is one problem of a day archive, or of an article against its
// day archive.
type DayProblem struct {
	Kind    DayProblemKind `json:"kind"`
	URL     string         `json:"url"` // the day archive, or the article
	Day     string         `json:"day"`
	Version Version        `json:"version"`
	Detail  string         `json:"detail"`
}

// DayCount is the number of articles a section published on one day.
type DayCount struct {
	Date  string `json:"date"` // YYYY-MM-DD
	Count int    `json:"count"`
	Gap   bool   `json:"gap"` // the cadence expected an article and there is none
}

// SectionDays is a section's publishing history, for a calendar heatmap.
type SectionDays struct {
	Section string     `json:"section"` // scheme://host/path/ of the section, or of a language root
	Cadence Cadence    `json:"cadence"`
	Learned bool       `json:"learned"` // the cadence was learned, not configured
	Days    []DayCount `json:"days"`    // every day from the first to the last article, in order
}

// RunProblemKind names a problem of our own schedule.
type RunProblemKind string

// The problems of runs.
const (
	RunMissed     RunProblemKind = "missed-run"
	RunIncomplete RunProblemKind = "incomplete-run"
)

// RunProblem is a scheduled run that did not happen or did not finish.
type RunProblem struct {
	Kind   RunProblemKind `json:"kind"`
	Run    archive.Run    `json:"run"` // the incomplete run, or the run after the missed slots
	Due    time.Time      `json:"due"` // when the first missed run was due
	Missed int            `json:"missed"`
	Detail string         `json:"detail"`
}

// Analysis is the timeline as it stands at one run.
type Analysis struct {
	Run           archive.Run   `json:"run"`
	URLs          int           `json:"urls"`
	Versions      int           `json:"versions"`
	Changes       []Change      `json:"changes"`
	Removals      []Removal     `json:"removals"` // confirmed and pending (see Removal.Confirmed)
	Orphans       []Orphan      `json:"orphans"`
	Stale         []Stale       `json:"stale"`
	DayProblems   []DayProblem  `json:"day_problems"`
	Sections      []SectionDays `json:"sections"`
	NeverCaptured []Missing     `json:"never_captured"`
	RunProblems   []RunProblem  `json:"run_problems"`
	Unchanged     int           `json:"unchanged"` // URLs captured in the run with the same content as before
	New           int           `json:"new"`       // URLs first captured in the run
}

// Analyse computes the timeline at run (0: the newest run), streaming the
// versions from src.
func Analyse(ctx context.Context, src Source, run int64, opts Options) (*Analysis, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	runs, err := src.Runs(ctx)
	if err != nil {
		return nil, fmt.Errorf("timeline: runs: %w", err)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("timeline: the archive has no runs: %w", archive.ErrNotFound)
	}
	var cur archive.Run
	if run == 0 {
		cur = runs[0]
	} else {
		i := slices.IndexFunc(runs, func(r archive.Run) bool { return r.ID == run })
		if i < 0 {
			return nil, fmt.Errorf("timeline: run %d: %w", run, archive.ErrNotFound)
		}
		cur = runs[i]
	}
	a := newAnalyser(cur, &opts)
	err = src.Versions(ctx, cur.ID, func(url string, vs []Version) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		a.add(url, vs)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("timeline: versions: %w", err)
	}
	res := a.finish()
	res.NeverCaptured, err = src.NeverCaptured(ctx, cur.ID)
	if err != nil && !errors.Is(err, archive.ErrNotFound) {
		return nil, fmt.Errorf("timeline: never captured: %w", err)
	}
	res.RunProblems = runProblems(runs, cur, &opts)
	return res, nil
}

// analyser accumulates the analysis one URL at a time.
type analyser struct {
	run  archive.Run
	opts *Options
	res  *Analysis
	// days counts articles per section and per language root.
	days map[string]map[string]int
	// listed marks, per language root, the days whose day archive lists
	// articles in the run: never a gap, whatever dates the articles print.
	listed map[string]map[string]bool
}

func newAnalyser(run archive.Run, opts *Options) *analyser {
	return &analyser{run: run, opts: opts, res: &Analysis{Run: run}, days: map[string]map[string]int{}, listed: map[string]map[string]bool{}}
}

// content reports whether a version is a content page (an article or
// another page, not an index of the portal): only content pages have
// changes and removals reported.
func content(v Version) bool {
	return v.Indexed && !churning(v.Digest.Kind) && v.Digest.Day == "" && v.Digest.Kind != "" && !v.Digest.Duplicate
}

// churning kinds change on every publication; their changes are not
// reported.
func churning(k archive.PageKind) bool {
	switch k {
	case archive.KindListing, archive.KindDayArchive, archive.KindCalendar, archive.KindHome:
		return true
	}
	return false
}

// add analyses one URL's versions (oldest first, none after the run).
func (a *analyser) add(url string, vs []Version) {
	if len(vs) == 0 {
		return
	}
	a.res.URLs++
	a.res.Versions += len(vs)
	last := len(vs) - 1
	latest := vs[last]
	inRun := latest.RunID == a.run.ID

	// The last good version (before the latest, and including it).
	lastGood, prevGood := -1, -1
	for i := last; i >= 0; i-- {
		if StateOf(vs[i]) == StateGood {
			if lastGood < 0 {
				lastGood = i
			} else {
				prevGood = i
				break
			}
		}
	}

	if inRun {
		switch {
		case lastGood == last && prevGood < 0:
			if last == 0 || !hasRun(vs[:last], StateGood) {
				a.res.New++
			}
		case lastGood == last:
			a.change(url, vs[prevGood], latest)
		}
		a.dayProblems(url, latest)
		if d := latest.Digest; latest.Indexed && d.Day != "" && d.Kind != archive.KindArticle && StateOf(latest) == StateGood &&
			d.Items > 0 && d.ItemsAfter == 0 && !d.LatestListed && validDay(d.Day) {
			root := rootOf(SectionOf(url))
			if a.listed[root] == nil {
				a.listed[root] = map[string]bool{}
			}
			a.listed[root][d.Day] = true
		}
	}
	a.removal(url, vs, lastGood)
	if lastGood >= 0 && lastGood == last {
		a.orphan(url, vs, inRun)
	}
	if lastGood >= 0 {
		a.count(vs[lastGood])
		if a.opts.Freshness > 0 && (lastGood == last || StateOf(latest) == StateUnknown) {
			age := a.run.StartedAt.Sub(vs[lastGood].FetchedAt)
			if age > a.opts.Freshness {
				a.res.Stale = append(a.res.Stale, Stale{URL: url, LastGood: vs[lastGood], Age: age})
			}
		}
	}
}

func hasRun(vs []Version, s State) bool {
	for _, v := range vs {
		if StateOf(v) == s {
			return true
		}
	}
	return false
}

// change compares the version of the run with the previous good one.
func (a *analyser) change(url string, prev, cur Version) {
	c, ok := Compare(prev, cur)
	switch {
	case !ok:
		a.res.Unchanged++
	case !content(cur) || !content(prev):
	default:
		c.URL = url
		a.res.Changes = append(a.res.Changes, c)
	}
}

// Compare classifies what changed from prev to cur, two good versions of
// one URL. ok is false when the content did not change (equal normalised
// hashes) or either version lacks a digest.
func Compare(prev, cur Version) (c Change, ok bool) {
	if !prev.Indexed || !cur.Indexed || prev.Digest.ContentHash == cur.Digest.ContentHash {
		return Change{}, false
	}
	p, n := prev.Digest.Fields, cur.Digest.Fields
	fields := CompareFields(p, n)
	c = Change{URL: cur.URL, From: prev, To: cur, Fields: fields, Kind: ChangePage}
	text := p.Headline != n.Headline || p.BodyHash != n.BodyHash
	noted := n.Correction != "" && n.Correction != p.Correction
	dated := n.Modified != "" && n.Modified != p.Modified
	switch {
	case text && (noted || dated), noted:
		c.Kind = ChangeDeclared // a correction note alone declares a change too
	case text:
		c.Kind = ChangeSilent
	case len(fields) > 0:
		c.Kind = ChangeMetadata
	}
	return c, true
}

// removal records a URL whose latest versions are gone after a good one.
func (a *analyser) removal(url string, vs []Version, lastGood int) {
	if lastGood < 0 {
		return
	}
	var gone []int
	for i := lastGood + 1; i < len(vs); i++ {
		switch StateOf(vs[i]) {
		case StateGone:
			gone = append(gone, i)
		case StateMoved:
			gone = gone[:0]
		}
	}
	if len(gone) == 0 || gone[len(gone)-1] != len(vs)-1 && StateOf(vs[len(vs)-1]) != StateUnknown {
		return
	}
	if !content(vs[lastGood]) {
		return // an index page (listing, day archive) that went away is a day problem, not a removal
	}
	first, latest := vs[gone[0]], vs[gone[len(gone)-1]]
	r := Removal{URL: url, How: goneHow(latest), LastGood: vs[lastGood], FirstGone: first, Latest: latest, Runs: len(gone)}
	days := latest.FetchedAt.Sub(first.FetchedAt)
	r.Confirmed = r.Runs >= a.opts.RemovalRuns || a.opts.RemovalDays > 0 && days >= time.Duration(a.opts.RemovalDays)*24*time.Hour
	a.res.Removals = append(a.res.Removals, r)
}

// goneHow describes how a gone version is gone.
func goneHow(v Version) string {
	switch {
	case v.Status == 404 || v.Status == 410:
		return fmt.Sprint(v.Status)
	case v.Status >= 400:
		return fmt.Sprint(v.Status)
	case v.Status >= 300 || v.Redirected:
		return "redirect to home"
	case v.Indexed && v.Digest.SoftNotFound:
		return "soft 404"
	}
	return "home page served"
}

// indexRefs are the references that keep a page reachable.
const indexRefs = RefListing | RefDay | RefSitemap

// orphan records a page served in the run that no index links any more.
func (a *analyser) orphan(url string, vs []Version, inRun bool) {
	latest := vs[len(vs)-1]
	if !inRun || !content(latest) || latest.Digest.Refs&indexRefs != 0 {
		return
	}
	for i := len(vs) - 2; i >= 0; i-- {
		if vs[i].Indexed && vs[i].Digest.Refs&indexRefs != 0 {
			a.res.Orphans = append(a.res.Orphans, Orphan{URL: url, Latest: latest, LastLinked: vs[i], WasRefs: vs[i].Digest.Refs & indexRefs})
			return
		}
	}
}

// dayProblems records the problems a day archive or an article shows in
// the run.
func (a *analyser) dayProblems(url string, v Version) {
	if !v.Indexed {
		return
	}
	d := v.Digest
	add := func(k DayProblemKind, day, detail string) {
		a.res.DayProblems = append(a.res.DayProblems, DayProblem{Kind: k, URL: url, Day: day, Version: v, Detail: detail})
	}
	if d.Day != "" && d.Kind != archive.KindArticle {
		linked := d.Refs&RefCalendar != 0
		switch st := StateOf(v); {
		case linked && (v.Status == 404 || v.Status == 410):
			add(DayLinkedBroken, d.Day, fmt.Sprintf("the calendar links %s, which answers %d", d.Day, v.Status))
		case linked && st == StateGood && d.Items == 0, linked && d.SoftNotFound:
			add(DayLinkedEmpty, d.Day, fmt.Sprintf("the calendar links %s, whose page lists no article", d.Day))
		case st == StateGood && d.Items > 0 && (d.ItemsAfter > 0 || !validDay(d.Day) || d.LatestListed && d.ItemsOnDay == 0):
			add(DayIgnoresDate, d.Day, fmt.Sprintf("the page for %s lists %d articles, %d of them published after that day", d.Day, d.Items, d.ItemsAfter))
		}
	}
	if d.Kind == archive.KindArticle && StateOf(v) == StateGood {
		day := datePart(d.Fields.Published)
		if d.Refs&RefListing != 0 && d.Refs&RefDay == 0 && d.DayCaptured {
			add(DayMissingArticle, day, fmt.Sprintf("listed in its section but absent from the day archive of %s", day))
		}
		if d.Refs&RefDay != 0 && d.Refs&RefListing == 0 && d.ListingComplete {
			add(DayMissingInListing, day, fmt.Sprintf("in the day archive of %s but absent from its section's listing", day))
		}
	}
}

// count adds an article to its section's and its language root's days.
func (a *analyser) count(v Version) {
	if !v.Indexed || v.Digest.Kind != archive.KindArticle || v.Digest.Duplicate || v.Redirected {
		return // count each article once, under its own URL
	}
	day := datePart(v.Digest.Fields.Published)
	if _, err := time.Parse(time.DateOnly, day); err != nil || v.Digest.Section == "" {
		return
	}
	for _, key := range []string{v.Digest.Section, rootOf(v.Digest.Section)} {
		m := a.days[key]
		if m == nil {
			m = map[string]int{}
			a.days[key] = m
		}
		m[day]++
	}
}

// finish sorts the results and computes the sections' days and gaps.
func (a *analyser) finish() *Analysis {
	res := a.res
	keys := make([]string, 0, len(a.days))
	for k := range a.days {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	roots := map[string]SectionDays{}
	for _, k := range keys {
		if rootOf(k) == k {
			sd := sectionDays(k, a.days[k], a.opts, nil)
			for i := range sd.Days {
				if a.listed[k][sd.Days[i].Date] {
					sd.Days[i].Gap = false // its day archive lists articles
				}
			}
			roots[k] = sd
		}
	}
	for _, k := range keys {
		var sd SectionDays
		if r, ok := roots[k]; ok {
			sd = r
		} else {
			root := roots[rootOf(k)]
			sd = sectionDays(k, a.days[k], a.opts, &root)
		}
		res.Sections = append(res.Sections, sd)
	}
	return res
}

// datePart returns the YYYY-MM-DD of a "YYYY-MM-DD[ HH:MM]" date.
func datePart(s string) string {
	if len(s) >= 10 {
		return s[:10]
	}
	return s
}
