package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/links/pipeline"
	"github.com/archiver-dev/archiver/internal/portal"
)

// calendarMonth matches a month calendar page of the demo portal.
var calendarMonth = regexp.MustCompile(`^/(en|ru|be)/calendar/\?month=(\d+)&year=(\d+)$`)

// trapDate returns the day a demo day-archive URL names.
func trapDate(u string) (time.Time, bool) {
	mm := regexp.MustCompile(`\?day=(\d+)&month=(\d+)&year=(\d+)`).FindStringSubmatch(u)
	if mm == nil {
		return time.Time{}, false
	}
	d, _ := strconv.Atoi(mm[1])
	m, _ := strconv.Atoi(mm[2])
	y, _ := strconv.Atoi(mm[3])
	if y < 100 {
		y += 2000
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
}

// readFindings reads the findings.json the report writes.
func readFindings(path string) ([]archive.Finding, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Findings []archive.Finding `json:"findings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc.Findings, nil
}

// unplanted returns the findings of the links and archive packs that the
// manifests of the demo's days (ms[d] is the portal on day d; the check
// ran after the last crawl) do not plant, one line each. base is the
// portal's origin. Every finding of those packs must be a planted problem:
//
//   - links/*: a planted link problem of the last day's manifest
//     (pipeline.Truth over all its pages), an empty day of the archive's
//     range (EmptyDays: 404 broken, 200 soft-404) or a day before the
//     archive that a listed calendar page links (EmptyDaysBefore);
//   - archive/calendar-day-broken and -empty: an empty day of the range
//     answering 404 or "no news";
//   - archive/missing-day: a gap in the languages' daily cadence (an empty
//     day of the range on which the portal never published), for the
//     language root;
//   - archive/day-archive-ignores-date: a page of a date-ignoring family
//     (a planted date-ignored page, or a URL of the trap family it
//     belongs to);
//   - archive/silent-edit and archive/orphaned-page: an edit or an orphan
//     of a day's changes.
//
// Other archive rules (page-removed, which needs more runs than the demo
// makes, missed and incomplete runs, stale captures, never-captured sitemap
// URLs, byline/credit removals, moved dates) have nothing planted in a
// two-day demo, so any finding of theirs is unplanted too.
func unplanted(findings []archive.Finding, ms []*portal.Manifest, base string) []string {
	last := ms[len(ms)-1]
	all := map[string]bool{}
	for _, p := range last.Pages {
		all[p.URL] = true
	}
	for _, l := range last.Links {
		all[l.From] = true
	}
	linked := map[string]bool{}
	for _, e := range last.EmptyDays {
		linked[e.URL] = true
	}
	truth := pipeline.Truth(last, all, linked, strings.HasPrefix(base, "https://"))
	for _, e := range last.EmptyDaysBefore {
		if e.Status == 404 {
			truth = append(truth, "links/broken "+e.URL)
		} else {
			truth = append(truth, "links/soft-404 "+e.URL)
		}
	}
	var out []string
	var linkFindings []archive.Finding
	for _, f := range findings {
		if strings.HasPrefix(f.RuleID, "links/") {
			linkFindings = append(linkFindings, f)
		}
	}
	s := pipeline.ScoreFindings(linkFindings, truth, base, nil)
	// A finding on a duplicate URL of a page (a section alias or a
	// "?page=2" copy without a canonical tag) is scored as it stands: the
	// check reports a page's problems once, on its representative URL,
	// so a copy carries no excuse.
	calendar := map[string]bool{}
	for _, p := range last.Pages {
		if p.Kind == portal.KindCalendar {
			calendar[p.URL] = true
		}
	}
	// The trap families whose listed members carry a planted hygiene
	// problem: every member of the family serves the same template.
	familyPlants := map[string]bool{} // "rule pattern"
	var families []*regexp.Regexp
	for _, tr := range last.Traps {
		re := regexp.MustCompile(tr.Pattern)
		families = append(families, re)
		for _, k := range truth {
			rule, page, _ := strings.Cut(k, " ")
			if re.MatchString(page) {
				familyPlants[rule+" "+tr.Pattern] = true
			}
		}
	}
	// The first day of the first month calendar page the manifest lists,
	// per language.
	firstMonth := map[string]time.Time{}
	for u := range calendar {
		if mm := calendarMonth.FindStringSubmatch(u); mm != nil {
			y, _ := strconv.Atoi(mm[3])
			m, _ := strconv.Atoi(mm[2])
			d := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
			if f, ok := firstMonth[mm[1]]; !ok || d.Before(f) {
				firstMonth[mm[1]] = d
			}
		}
	}
	trapDay := regexp.MustCompile(`^/(en|ru|be)/archive/\?day=\d+&month=\d+&year=\d+/$`)
	trapCalendar := regexp.MustCompile(`^/(en|ru|be)/calendar/\?month=\d+&year=\d+$`)
	from := map[string][]string{} // link finding key → the pages it stands on
	for _, f := range linkFindings {
		for _, o := range f.Occurrences {
			k := pipeline.Key(f, base)
			from[k] = append(from[k], strings.TrimPrefix(o.URL, base))
		}
	}
	// The rules about how a link is written, scored by the page it stands
	// on (the others are scored by the link's target).
	onPage := map[string]bool{}
	for _, r := range []string{"empty-href", "javascript-href", "malformed-url", "onclick-only", "bad-scheme", "local-file", "mailto-syntax", "tel-syntax", "insecure", "duplicate-url"} {
		onPage["links/"+r] = true
	}
	for _, k := range s.Unexpected {
		rule, target, _ := strings.Cut(k, " ")
		// A hygiene problem on a member of a trap family that the
		// manifest plants on the family's listed members: the manifest
		// lists a trap family once ("Links that match a Trap pattern are
		// not listed"), and every member serves the same template.
		if onPage[rule] && slices.ContainsFunc(families, func(re *regexp.Regexp) bool {
			return re.MatchString(target) && familyPlants[rule+" "+re.String()]
		}) {
			continue
		}
		// A day linked only from month calendar pages beyond the
		// manifest's (the calendar trap) is no planted problem. The
		// crawler explores the calendar up to its calendar slack past the
		// dates it has seen content on, so a day within that slack of the
		// manifest's first calendar month is reported as "slack: …"
		// (counted by the caller); a day further out means the crawler
		// followed the trap past its range and is reported as is.
		if (rule == "links/broken" || rule == "links/soft-404") && trapDay.MatchString(target) && len(from[k]) > 0 &&
			!slices.ContainsFunc(from[k], func(u string) bool { return !trapCalendar.MatchString(u) || calendar[u] }) {
			if d, ok := trapDate(target); ok && !d.Before(firstMonth[target[1:3]].Add(-crawl.DefaultConfig().Traps.CalendarSlack)) {
				out = append(out, "slack: "+k)
				continue
			}
		}
		out = append(out, k)
	}
	out = append(out, s.Unverified...)

	defects := map[string]map[portal.Defect]bool{} // page → its planted defects
	for _, p := range last.Pages {
		for _, d := range p.Defects {
			if defects[p.URL] == nil {
				defects[p.URL] = map[portal.Defect]bool{}
			}
			defects[p.URL][d] = true
		}
	}
	planted := map[string]bool{} // "rule root-relative-url"
	first, lastDay := archiveRange(last)
	for _, e := range last.EmptyDays {
		rule := "archive/calendar-day-empty"
		if e.Status == 404 {
			rule = "archive/calendar-day-broken"
		}
		planted[rule+" "+e.URL] = true
		if len(e.EmptiedBy) == 0 && e.Date >= first[e.Lang] && e.Date <= lastDay[e.Lang] {
			planted["archive/missing-day /"+e.Lang+"/ day:"+e.Date] = true
		}
	}
	for _, c := range last.Changes {
		switch c.Kind {
		case portal.ChangeEdited:
			planted["archive/silent-edit "+c.URL] = true
		case portal.ChangeOrphaned:
			planted["archive/orphaned-page "+c.URL] = true
		}
	}
	var ignoring []*regexp.Regexp
	for _, p := range last.Pages {
		if !slices.Contains(p.Quirks, portal.QuirkDateIgnored) {
			continue
		}
		ignoring = append(ignoring, regexp.MustCompile("^"+regexp.QuoteMeta(p.URL)+"$"))
		for _, tr := range last.Traps {
			if re := regexp.MustCompile(tr.Pattern); re.MatchString(p.URL) {
				ignoring = append(ignoring, re)
			}
		}
	}
	for _, f := range findings {
		if strings.HasPrefix(f.RuleID, "editorial/") {
			if !slices.ContainsFunc(defectOf[f.RuleID], func(d portal.Defect) bool { return defects[strings.TrimPrefix(f.URL, base)][d] }) {
				out = append(out, f.RuleID+" "+strings.TrimPrefix(f.URL, base)+": "+f.Message)
			}
			continue
		}
		if !strings.HasPrefix(f.RuleID, "archive/") {
			if !strings.HasPrefix(f.RuleID, "links/") {
				out = append(out, f.RuleID+" "+strings.TrimPrefix(f.URL, base)+": a rule of no pack the demo scores")
			}
			continue
		}
		rel := strings.TrimPrefix(f.URL, base)
		key := f.RuleID + " " + rel
		switch f.RuleID {
		case "archive/missing-day":
			key += " " + f.EvidenceKey
		case "archive/day-archive-ignores-date":
			if slices.ContainsFunc(ignoring, func(re *regexp.Regexp) bool { return re.MatchString(rel) }) {
				continue
			}
		}
		if !planted[key] {
			out = append(out, key+": "+f.Message)
		}
	}
	sort.Strings(out)
	return out
}

// defectOf maps the editorial rules to the portal's defect ids (as in
// internal/check's TestDemoPortal): a finding of a rule is right when one
// of its defects is planted on its page.
var defectOf = map[string][]portal.Defect{
	"editorial/attribution-missing":          {portal.DefectMissingByline},
	"editorial/headline-missing":             {portal.DefectMissingHeadline},
	"editorial/date-in-future":               {portal.DefectFutureDate},
	"editorial/dateline-date-mismatch":       {portal.DefectDatelineDateMismatch},
	"editorial/image-credit-missing":         {portal.DefectMissingCredit, portal.DefectCreditAltOnly},
	"editorial/credit-without-image":         {portal.DefectCreditWithoutImage},
	"editorial/breadcrumbs-section-mismatch": {portal.DefectBreadcrumbMismatch},
	"editorial/duplicate-headline":           {portal.DefectDuplicateHeadline},
	"editorial/lang-missing":                 {portal.DefectLangMissing},
	"editorial/lang-mismatch":                {portal.DefectLangWrong},
	"editorial/placeholder-text":             {portal.DefectPlaceholderText},
	"editorial/multiple-h1":                  {portal.DefectMultipleH1},
	"editorial/byline-empty":                 {portal.DefectEmptyByline},
	"editorial/charset-undeclared":           {portal.DefectCharsetMissing},
	"editorial/charset-wrong":                {portal.DefectCharsetWrong},
	"editorial/charset-conflict":             {portal.DefectCharsetConflict},
}

// missedPlanted returns the planted problems of the last day's manifest
// that the findings lack, one line each: every editorial defect of every
// page (the demo crawls the whole portal), every empty day of the archive's
// range under its calendar rule, and every gap in the cadence.
func missedPlanted(findings []archive.Finding, ms []*portal.Manifest, base string) []string {
	last := ms[len(ms)-1]
	got := map[string]bool{}
	for _, f := range findings {
		rel := strings.TrimPrefix(f.URL, base)
		got[f.RuleID+" "+rel] = true
		if f.RuleID == "archive/missing-day" {
			got[f.RuleID+" "+rel+" "+f.EvidenceKey] = true
		}
	}
	var out []string
	for _, p := range last.Pages {
		for _, d := range p.Defects {
			found := false
			for rule, ds := range defectOf {
				found = found || slices.Contains(ds, d) && got[rule+" "+p.URL]
			}
			if !found {
				out = append(out, string(d)+" "+p.URL)
			}
		}
	}
	first, lastDay := archiveRange(last)
	for _, e := range last.EmptyDays {
		rule := "archive/calendar-day-empty"
		if e.Status == 404 {
			rule = "archive/calendar-day-broken"
		}
		if !got[rule+" "+e.URL] {
			out = append(out, rule+" "+e.URL)
		}
		if len(e.EmptiedBy) == 0 && e.Date >= first[e.Lang] && e.Date <= lastDay[e.Lang] && !got["archive/missing-day /"+e.Lang+"/ day:"+e.Date] {
			out = append(out, "archive/missing-day /"+e.Lang+"/ day:"+e.Date)
		}
	}
	sort.Strings(out)
	return out
}

// archiveRange returns each language's first and last publication date
// (YYYY-MM-DD), ignoring dates planted in the future.
func archiveRange(m *portal.Manifest) (first, last map[string]string) {
	first, last = map[string]string{}, map[string]string{}
	for _, p := range m.Pages {
		if p.Article == nil || p.DuplicateOf != "" || slices.Contains(p.Defects, portal.DefectFutureDate) {
			continue
		}
		v := p.Article.Published.Value[:10]
		if f, ok := first[p.Lang]; !ok || v < f {
			first[p.Lang] = v
		}
		if v > last[p.Lang] {
			last[p.Lang] = v
		}
	}
	return first, last
}

// portalDays returns the manifests of the default demo portal of the given
// articles per language on days 0..days-1.
func portalDays(articles, days int) ([]*portal.Manifest, error) {
	var ms []*portal.Manifest
	for d := 0; d < days; d++ {
		p, err := portal.New(portal.Config{Seed: 1, Articles: articles, Day: d})
		if err != nil {
			return nil, err
		}
		ms = append(ms, p.Manifest())
	}
	return ms, nil
}
