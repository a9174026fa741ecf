package timeline

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// SectionOf returns the section of a page URL: its scheme, host and
// directory ("https://host/en/government/events/").
func SectionOf(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return ""
	}
	dir := p.Path
	if i := strings.LastIndexByte(dir, '/'); i >= 0 {
		dir = dir[:i+1]
	} else {
		dir = "/"
	}
	return p.Scheme + "://" + p.Host + dir
}

// rootOf returns the language root of a section ("https://host/en/"), or
// the site root when the first path segment is not a language code.
func rootOf(section string) string {
	p, err := url.Parse(section)
	if err != nil {
		return section
	}
	root := p.Scheme + "://" + p.Host + "/"
	seg, _, _ := strings.Cut(strings.TrimPrefix(p.Path, "/"), "/")
	if len(seg) == 2 && strings.ToLower(seg) == seg && seg[0] >= 'a' && seg[0] <= 'z' && seg[1] >= 'a' && seg[1] <= 'z' {
		root += seg + "/"
	}
	return root
}

// sectionPath returns the path of a section URL, for matching configured
// cadences.
func sectionPath(section string) string {
	p, err := url.Parse(section)
	if err != nil {
		return section
	}
	return p.Path
}

// The coverage thresholds for learning a cadence: a section publishes
// daily when at least coverageHigh of its weekdays and coverageWeekend of
// its weekend days have an article, on weekdays when its weekends are at
// most coverageLow.
const (
	coverageHigh    = 0.6
	coverageWeekend = 0.4
	coverageLow     = 0.2
)

// sectionDays lays out a section's days from its first to its last article,
// learns or looks up its cadence and marks the gaps. For a section (root not
// nil) a day is a gap only if its language root published that day, so that
// a day on which nothing at all appeared is reported once, for the root.
func sectionDays(section string, counts map[string]int, opts *Options, root *SectionDays) SectionDays {
	sd := SectionDays{Section: section}
	dates := make([]string, 0, len(counts))
	for d := range counts {
		dates = append(dates, d)
	}
	sort.Strings(dates)
	dates = trimOutliers(dates)
	if len(dates) == 0 {
		return sd
	}
	first, _ := time.Parse(time.DateOnly, dates[0])
	last, _ := time.Parse(time.DateOnly, dates[len(dates)-1])
	var weekdays, weekdaysOn, weekends, weekendsOn int
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		key := d.Format(time.DateOnly)
		n := counts[key]
		sd.Days = append(sd.Days, DayCount{Date: key, Count: n})
		if isWeekend(d) {
			weekends++
			if n > 0 {
				weekendsOn++
			}
		} else {
			weekdays++
			if n > 0 {
				weekdaysOn++
			}
		}
	}
	sd.Cadence = opts.cadenceFor(sectionPath(section))
	if sd.Cadence == CadenceAuto {
		sd.Learned = true
		sd.Cadence = CadenceIrregular
		if len(sd.Days) >= opts.MinHistoryDays && weekdays > 0 {
			wd := float64(weekdaysOn) / float64(weekdays)
			we := 0.0
			if weekends > 0 {
				we = float64(weekendsOn) / float64(weekends)
			}
			switch {
			case wd >= coverageHigh && (weekends == 0 || we >= coverageWeekend):
				sd.Cadence = CadenceDaily
			case wd >= coverageHigh && we <= coverageLow:
				sd.Cadence = CadenceWeekdays
			}
		}
	}
	var rootCounts map[string]int
	if root != nil && root.Cadence != CadenceIrregular && root.Cadence != CadenceAuto {
		rootCounts = map[string]int{}
		for _, d := range root.Days {
			rootCounts[d.Date] = d.Count
		}
	}
	for i := range sd.Days {
		d := &sd.Days[i]
		if d.Count > 0 {
			continue
		}
		t, _ := time.Parse(time.DateOnly, d.Date)
		expected := sd.Cadence == CadenceDaily || sd.Cadence == CadenceWeekdays && !isWeekend(t)
		if expected && rootCounts != nil && rootCounts[d.Date] == 0 {
			expected = false // reported once, for the root
		}
		d.Gap = expected
	}
	return sd
}

// outlierGap is the distance in days that sets a first or last date apart
// from the rest of a section's history (a static page dated years ago, a
// mistyped date, articles printing a date in the future): such dates do
// not stretch the range the cadence is judged over.
const outlierGap = 7

// outlierShare is the largest share of a section's dates that a group of
// outlying dates at either end may hold; a single outlying date is always
// one.
const outlierShare = 0.1

// trimOutliers drops leading and trailing groups of dates (sorted
// YYYY-MM-DD) that stand more than outlierGap days away from the next one
// in, when a group is a single date or holds less than outlierShare of
// them (two articles printing the same wrong year are still outliers).
func trimOutliers(dates []string) []string {
	gap := func(a, b string) int {
		x, _ := time.Parse(time.DateOnly, a)
		y, _ := time.Parse(time.DateOnly, b)
		return int(y.Sub(x).Hours() / 24)
	}
	small := func(n, total int) bool { return n == 1 || float64(n) < outlierShare*float64(total) }
	for trimmed := true; trimmed && len(dates) > 1; {
		trimmed = false
		// The leading group: dates up to the first gap wider than outlierGap.
		for i := 1; i < len(dates); i++ {
			if gap(dates[i-1], dates[i]) > outlierGap {
				if small(i, len(dates)) {
					dates, trimmed = dates[i:], true
				}
				break
			}
		}
		for i := len(dates) - 1; i > 0; i-- {
			if gap(dates[i-1], dates[i]) > outlierGap {
				if small(len(dates)-i, len(dates)) {
					dates, trimmed = dates[:i], true
				}
				break
			}
		}
	}
	return dates
}

func isWeekend(t time.Time) bool {
	return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday
}

// runProblems finds the scheduled runs that never happened and the runs
// that did not finish, up to the run analysed.
func runProblems(runs []archive.Run, cur archive.Run, opts *Options) []RunProblem {
	var upto []archive.Run
	for _, r := range runs {
		if !r.StartedAt.After(cur.StartedAt) {
			upto = append(upto, r)
		}
	}
	slices.SortFunc(upto, func(a, b archive.Run) int {
		if c := a.StartedAt.Compare(b.StartedAt); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	var out []RunProblem
	now := opts.Now()
	for _, r := range upto {
		switch {
		case r.Status == archive.RunInterrupted || r.Status == archive.RunFailed:
			out = append(out, RunProblem{Kind: RunIncomplete, Run: r, Due: r.StartedAt, Detail: fmt.Sprintf("run %d started %s ended %s", r.ID, r.StartedAt.UTC().Format(time.RFC3339), r.Status)})
		case r.Status == archive.RunRunning && now.Sub(r.StartedAt) > opts.StaleRunAfter:
			out = append(out, RunProblem{Kind: RunIncomplete, Run: r, Due: r.StartedAt, Detail: fmt.Sprintf("run %d started %s is still marked running", r.ID, r.StartedAt.UTC().Format(time.RFC3339))})
		}
	}
	interval := opts.RunInterval
	if interval == 0 {
		interval = medianGap(upto)
	}
	if interval <= 0 {
		return out
	}
	tol := time.Duration(opts.RunTolerance * float64(interval))
	missed := func(from, to time.Time) int {
		gap := to.Sub(from) - tol
		if gap <= 0 {
			return 0
		}
		return int(gap / interval)
	}
	for i := 1; i < len(upto); i++ {
		if n := missed(upto[i-1].StartedAt, upto[i].StartedAt); n > 0 {
			due := upto[i-1].StartedAt.Add(interval)
			out = append(out, RunProblem{Kind: RunMissed, Run: upto[i], Due: due, Missed: n,
				Detail: fmt.Sprintf("%d scheduled run(s) missed between %s and %s (interval %s)", n, upto[i-1].StartedAt.UTC().Format(time.RFC3339), upto[i].StartedAt.UTC().Format(time.RFC3339), interval)})
		}
	}
	if len(runs) > 0 && runs[0].ID == cur.ID && len(upto) > 0 {
		lastRun := upto[len(upto)-1]
		if n := missed(lastRun.StartedAt, now); n > 0 {
			out = append(out, RunProblem{Kind: RunMissed, Run: lastRun, Due: lastRun.StartedAt.Add(interval), Missed: n,
				Detail: fmt.Sprintf("%d scheduled run(s) missed since %s (interval %s)", n, lastRun.StartedAt.UTC().Format(time.RFC3339), interval)})
		}
	}
	return out
}

// medianGap is the median time between consecutive runs; zero with fewer
// than three runs, too few to learn a schedule from.
func medianGap(runs []archive.Run) time.Duration {
	if len(runs) < 3 {
		return 0
	}
	gaps := make([]time.Duration, 0, len(runs)-1)
	for i := 1; i < len(runs); i++ {
		gaps = append(gaps, runs[i].StartedAt.Sub(runs[i-1].StartedAt))
	}
	slices.Sort(gaps)
	return gaps[len(gaps)/2]
}
