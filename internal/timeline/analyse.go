package timeline

import (
	"context"
	"errors"
	"fmt"
	"net/url"
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
	// the day's own articles in the run (see keepsToDay): never a gap,
	// whatever dates the articles print.
	listed map[string]map[string]bool
	// dayPages are the run's day archives, judged in finish.
	dayPages []dayPage
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
			keepsToDay(d) && validDay(d.Day) {
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

// keepsToDay reports whether a day page lists articles published on its
// day, so that the day had news whatever the archive counts for it: it
// lists some of the day's own articles, or it lists articles printing no
// date before its day and at most one printing a later one (a misdated
// article: a future date is the editorial date-in-future finding, not an
// empty day). A list of earlier news (an "at or before" page for a day
// without news), a page listing two or more later articles and none of
// its day's (it ignores its date), and a page listing what the newest day
// lists are not evidence of news on the day.
func keepsToDay(d Digest) bool {
	if d.Items == 0 || d.LatestListed {
		return false
	}
	if d.ItemsOnDay > 0 {
		return true
	}
	before := d.ItemsDated - d.ItemsOnDay - d.ItemsAfter
	return before == 0 && d.ItemsAfter == 1
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

// dayPage is a day archive (or a page asking for a date) of the run,
// judged once the whole run is known.
type dayPage struct {
	url string
	v   Version
}

// dayProblems records the problems an article shows in the run, and keeps
// a day archive for dayArchiveProblems, which needs the whole run.
func (a *analyser) dayProblems(url string, v Version) {
	if !v.Indexed {
		return
	}
	d := v.Digest
	if d.Day != "" && d.Kind != archive.KindArticle {
		a.dayPages = append(a.dayPages, dayPage{url: url, v: v})
	}
	add := func(k DayProblemKind, day, detail string) {
		a.res.DayProblems = append(a.res.DayProblems, DayProblem{Kind: k, URL: url, Day: day, Version: v, Detail: detail})
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

// dayArchiveProblems judges the run's day archives against the archive's
// range: per language root, the days from the oldest to the newest one
// whose page lists an article published that day. A day outside it is one
// the site has no news for at all (an endless month calendar links every
// day of every month, before the first article and into the future): its
// empty or missing page is not a defect of the archive.
//
// Inside the range, a calendar day whose page answers 404 is broken, one
// whose page lists nothing is empty, and a page that lists articles, none
// of them of its day and most of them of later days, although the archive
// has articles published that day, ignores the date it is asked for. (A
// list of earlier news for a day whose articles the portal removed keeps
// to its date.) A page listing the news at or before
// its date ("Kremlin style") keeps to its date: it lists the day's own
// articles first, and lists earlier ones only for a day without news.
func (a *analyser) dayArchiveProblems() {
	type span struct{ first, last string }
	ranges := map[string]span{}
	for _, p := range a.dayPages {
		d := p.v.Digest
		if StateOf(p.v) != StateGood || d.ItemsOnDay == 0 || d.ItemsOnDay*2 < d.ItemsDated || !validDay(d.Day) {
			continue
		}
		root := rootOf(SectionOf(p.url))
		r, ok := ranges[root]
		if !ok || d.Day < r.first {
			r.first = d.Day
		}
		if !ok || d.Day > r.last {
			r.last = d.Day
		}
		ranges[root] = r
	}
	ignoring := map[string]DayProblem{} // the URL without its date → the newest day it ignores
	for _, p := range a.dayPages {
		v, d := p.v, p.v.Digest
		root := rootOf(SectionOf(p.url))
		r, ok := ranges[root]
		if !ok {
			continue
		}
		if !validDay(d.Day) {
			// A date that does not exist (30 February), asked for in a
			// month of the range, is answered with articles only by a
			// page that ignores it.
			if m := d.Day[:min(7, len(d.Day))]; m >= r.first[:7] && m <= r.last[:7] && StateOf(p.v) == StateGood && d.Items > 0 {
				a.ignores(ignoring, p.url, v, fmt.Sprintf("the page for %s, a date that does not exist, lists %d articles", d.Day, d.Items))
			}
			continue
		}
		if d.Day < r.first || d.Day > r.last {
			continue
		}
		add := func(k DayProblemKind, detail string) {
			a.res.DayProblems = append(a.res.DayProblems, DayProblem{Kind: k, URL: p.url, Day: d.Day, Version: v, Detail: detail})
		}
		linked := d.Refs&RefCalendar != 0
		news := a.days[root][d.Day]
		switch st := StateOf(v); {
		case linked && (v.Status == 404 || v.Status == 410):
			add(DayLinkedBroken, fmt.Sprintf("the calendar links %s, which answers %d", d.Day, v.Status))
		case linked && st == StateGood && d.Items == 0, linked && d.SoftNotFound:
			add(DayLinkedEmpty, fmt.Sprintf("the calendar links %s, whose page lists no article", d.Day))
		case st == StateGood && news > 0 && d.ItemsDated >= 2 && d.ItemsOnDay == 0 && 2*d.ItemsAfter > d.ItemsDated:
			a.ignores(ignoring, p.url, v, fmt.Sprintf("the page for %s lists %d articles, none of the %d published that day", d.Day, d.Items, news))
		}
	}
	// A page that ignores its date ignores every date: it is reported once,
	// for the newest day it was asked for.
	keys := make([]string, 0, len(ignoring))
	for k := range ignoring {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a.res.DayProblems = append(a.res.DayProblems, ignoring[k])
	}
}

// ignores keeps, per URL without its date, the page for the newest day
// that ignores it.
func (a *analyser) ignores(ignoring map[string]DayProblem, url string, v Version, detail string) {
	key, day := withoutDate(url), v.Digest.Day
	if prev, ok := ignoring[key]; !ok || day > prev.Day || day == prev.Day && url < prev.URL {
		ignoring[key] = DayProblem{Kind: DayIgnoresDate, URL: url, Day: day, Version: v, Detail: detail}
	}
}

// withoutDate is a URL without the date it asks for: its day, month and
// year query parameters, or the date in its path, removed.
func withoutDate(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	if q.Has("day") || q.Has("month") || q.Has("year") {
		q.Del("day")
		q.Del("month")
		q.Del("year")
		u.RawQuery = q.Encode()
		return u.String()
	}
	u.Path = pathDate.ReplaceAllString(u.Path, "")
	return u.String()
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
	a.dayArchiveProblems()
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
