package timeline

import (
	"fmt"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// The rules of the archive pack, one per kind of finding.
const (
	RuleSilentEdit          = "archive/silent-edit"
	RulePublishedMoved      = "archive/published-date-moved"
	RuleBylineRemoved       = "archive/byline-removed"
	RuleCreditRemoved       = "archive/credit-removed"
	RulePageRemoved         = "archive/page-removed"
	RuleOrphaned            = "archive/orphaned-page"
	RuleStale               = "archive/stale-capture"
	RuleMissingDay          = "archive/missing-day"
	RuleCalendarDayEmpty    = "archive/calendar-day-empty"
	RuleCalendarDayBroken   = "archive/calendar-day-broken"
	RuleDayIgnoresDate      = "archive/day-archive-ignores-date"
	RuleMissingFromDay      = "archive/missing-from-day-archive"
	RuleMissingFromListing  = "archive/missing-from-listing"
	RuleSitemapNeverCapture = "archive/sitemap-never-captured"
	RuleMissedRun           = "archive/missed-run"
	RuleIncompleteRun       = "archive/incomplete-run"
)

// Rules lists the rule ids of the archive pack with their default
// severities, in a fixed order.
func Rules() []RuleInfo {
	return []RuleInfo{
		{RuleSilentEdit, archive.SeverityWarning, "The headline or body changed without a newer modified date or a correction note."},
		{RulePublishedMoved, archive.SeverityWarning, "The published date of an article changed between captures."},
		{RuleBylineRemoved, archive.SeverityWarning, "An author named in an earlier capture is no longer named."},
		{RuleCreditRemoved, archive.SeverityWarning, "A photo credit present in an earlier capture is gone."},
		{RulePageRemoved, archive.SeverityWarning, "A page that answered with content is gone (404, 410, soft 404, redirect to home) for the configured persistence."},
		{RuleOrphaned, archive.SeverityNote, "A page still served is no longer linked from its listing, the day archive or the sitemap."},
		{RuleStale, archive.SeverityNote, "The last good capture of a page is older than the configured freshness."},
		{RuleMissingDay, archive.SeverityWarning, "A day inside the section's publishing cadence has no article."},
		{RuleCalendarDayEmpty, archive.SeverityNote, "The archive calendar links a day whose page lists no article."},
		{RuleCalendarDayBroken, archive.SeverityError, "The archive calendar links a day whose page is a 404."},
		{RuleDayIgnoresDate, archive.SeverityWarning, "A day archive lists articles of later days: the server ignores the requested date."},
		{RuleMissingFromDay, archive.SeverityWarning, "An article in its section listing is absent from the day archive of its published date."},
		{RuleMissingFromListing, archive.SeverityNote, "An article in a day archive is absent from its section listing."},
		{RuleSitemapNeverCapture, archive.SeverityWarning, "A URL in the sitemap was never captured."},
		{RuleMissedRun, archive.SeverityError, "A scheduled run did not happen."},
		{RuleIncompleteRun, archive.SeverityError, "A run ended interrupted or failed, or never finished."},
	}
}

// RuleInfo describes one rule of the archive pack.
type RuleInfo struct {
	ID       string           `json:"id"`
	Severity archive.Severity `json:"severity"`
	Summary  string           `json:"summary"`
}

// severityOf returns the default severity of a rule.
func severityOf(id string) archive.Severity {
	for _, r := range Rules() {
		if r.ID == id {
			return r.Severity
		}
	}
	return archive.SeverityWarning
}

// finding builds a finding with the evidence of a version.
func finding(rule, url string, v Version, key, msg, evidence string) archive.Finding {
	f := archive.Finding{
		RuleID:      rule,
		Severity:    severityOf(rule),
		Message:     msg,
		URL:         url,
		CaptureID:   v.CaptureID,
		CapturedAt:  v.FetchedAt.UTC(),
		BodySHA256:  v.BodySHA256,
		Status:      v.Status,
		FinalURL:    v.FinalURL,
		Evidence:    evidence,
		EvidenceKey: key,
	}
	f.Fingerprint = archive.Fingerprint(rule, url, key)
	return f
}

// short cuts s to n runes for messages.
func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Findings turns the analysis into findings of the archive pack, in a
// deterministic order: changes, removals, orphans, stale pages, day
// problems, gaps, never-captured URLs, run problems.
func (a *Analysis) Findings() []archive.Finding {
	var out []archive.Finding
	for _, c := range a.Changes {
		out = append(out, changeFindings(c)...)
	}
	for _, r := range a.Removals {
		if !r.Confirmed {
			continue
		}
		msg := fmt.Sprintf("Removed: answered %d with content on %s, gone (%s) since %s, %d run(s) in a row",
			r.LastGood.Status, stamp(r.LastGood.FetchedAt), r.How, stamp(r.FirstGone.FetchedAt), r.Runs)
		out = append(out, finding(RulePageRemoved, r.URL, r.Latest, "since:"+stamp(r.FirstGone.FetchedAt), msg, r.How))
	}
	for _, o := range a.Orphans {
		msg := fmt.Sprintf("Still served but no longer linked from any listing, day archive or the sitemap (linked from %s until %s)", o.WasRefs, stamp(o.LastLinked.FetchedAt))
		out = append(out, finding(RuleOrphaned, o.URL, o.Latest, "orphaned", msg, o.WasRefs.String()))
	}
	for _, s := range a.Stale {
		msg := fmt.Sprintf("Last good capture %s is %s old", stamp(s.LastGood.FetchedAt), s.Age.Round(time.Hour))
		out = append(out, finding(RuleStale, s.URL, s.LastGood, "stale", msg, ""))
	}
	for _, p := range a.DayProblems {
		rule := map[DayProblemKind]string{
			DayLinkedEmpty: RuleCalendarDayEmpty, DayLinkedBroken: RuleCalendarDayBroken, DayIgnoresDate: RuleDayIgnoresDate,
			DayMissingArticle: RuleMissingFromDay, DayMissingInListing: RuleMissingFromListing,
		}[p.Kind]
		out = append(out, finding(rule, p.URL, p.Version, "day:"+p.Day, p.Detail, p.Day))
	}
	for _, s := range a.Sections {
		for _, d := range s.Days {
			if !d.Gap {
				continue
			}
			msg := fmt.Sprintf("No article on %s (%s), inside the section's %s cadence", d.Date, weekdayOf(d.Date), s.Cadence)
			f := finding(RuleMissingDay, s.Section, Version{}, "day:"+d.Date, msg, string(s.Cadence))
			out = append(out, f)
		}
	}
	for _, m := range a.NeverCaptured {
		msg := fmt.Sprintf("Listed in %s but never captured", m.Via)
		out = append(out, finding(RuleSitemapNeverCapture, m.URL, Version{}, "never-captured", msg, m.Via))
	}
	for _, p := range a.RunProblems {
		url := "run:" + fmt.Sprint(p.Run.ID)
		if len(p.Run.Seeds) > 0 {
			url = p.Run.Seeds[0]
		}
		rule, key := RuleIncompleteRun, fmt.Sprintf("run:%d", p.Run.ID)
		if p.Kind == RunMissed {
			rule, key = RuleMissedRun, "due:"+stamp(p.Due)
		}
		out = append(out, finding(rule, url, Version{}, key, p.Detail, string(p.Run.Status)))
	}
	return out
}

// changeFindings returns the findings a change raises.
func changeFindings(c Change) []archive.Finding {
	var out []archive.Finding
	from, to := c.From.Digest.Fields, c.To.Digest.Fields
	if c.From.Digest.Kind != archive.KindArticle || c.To.Digest.Kind != archive.KindArticle {
		return nil // the editorial findings are about articles
	}
	if c.Kind == ChangeSilent {
		var what []string
		if from.Headline != to.Headline {
			what = append(what, "headline")
		}
		if from.BodyHash != to.BodyHash {
			what = append(what, "body")
		}
		msg := fmt.Sprintf("The %s changed between %s and %s without a newer modified date or a correction note", strings.Join(what, " and "), stamp(c.From.FetchedAt), stamp(c.To.FetchedAt))
		ev := ""
		if from.Headline != to.Headline {
			ev = fmt.Sprintf("headline %q → %q", short(from.Headline, 80), short(to.Headline, 80))
		}
		out = append(out, finding(RuleSilentEdit, c.URL, c.To, "edit:"+from.BodyHash[:min(12, len(from.BodyHash))]+">"+to.BodyHash[:min(12, len(to.BodyHash))]+":"+HashText(from.Headline + "\x00" + to.Headline)[:12], msg, ev))
	}
	if a, b := from.Published, to.Published; dateMoved(a, b) {
		msg := fmt.Sprintf("The published date moved from %s to %s", a, b)
		out = append(out, finding(RulePublishedMoved, c.URL, c.To, "published:"+a+">"+b, msg, a+" → "+b))
	}
	if gone := missing(from.Authors, to.Authors); len(gone) > 0 {
		msg := fmt.Sprintf("Byline %s no longer on the page", strings.Join(gone, "; "))
		out = append(out, finding(RuleBylineRemoved, c.URL, c.To, "author:"+strings.Join(gone, ";"), msg, strings.Join(gone, "; ")))
	}
	if gone := missing(from.Credits, to.Credits); len(gone) > 0 {
		msg := fmt.Sprintf("Credit %s no longer on the page", strings.Join(gone, "; "))
		out = append(out, finding(RuleCreditRemoved, c.URL, c.To, "credit:"+strings.Join(gone, ";"), msg, strings.Join(gone, "; ")))
	}
	return out
}

func weekdayOf(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return "?"
	}
	return t.Weekday().String()
}

// dateMoved reports whether two published dates ("YYYY-MM-DD[ HH:MM]")
// differ: in the day, or in the time when both print one.
func dateMoved(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if datePart(a) != datePart(b) {
		return true
	}
	return len(a) > 10 && len(b) > 10 && a != b
}
