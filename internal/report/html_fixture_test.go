package report

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"golang.org/x/text/encoding/charmap"
)

// hostile is text a hostile page might plant in its title, headline or
// links, to break out of the report's markup or its JSON.
const hostile = `</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">`

// hostileBody is a captured page that tries every way to run code or make
// a request from inside the report.
const hostileBody = `<!DOCTYPE html><html><head><title>News </script><script>parent.pwned=3</script></title>
<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/refresh">
<base href="http://127.0.0.1:9/">
<link rel="stylesheet" href="http://127.0.0.1:9/style.css">
<style>body{background:url(http://127.0.0.1:9/bg.png)}</style>
<script src="http://127.0.0.1:9/evil.js"></script>
<script>parent.pwned=4;top.document.title="pwned"</script></head>
<body onload="parent.pwned=5"><h1>Minister visits plant</h1>
<p>MINSK, 3 April (BelTA) - The minister <b>visited</b> the plant.</p>
<img src="http://127.0.0.1:9/photo.jpg" alt="The minister" onerror="parent.pwned=6">
<svg><script>parent.pwned=7</script><image href="http://127.0.0.1:9/i.png"/></svg>
<iframe src="http://127.0.0.1:9/frame"></iframe><object data="http://127.0.0.1:9/o.swf"></object>
<a href="javascript:parent.pwned=8">a link</a> <a href="http://127.0.0.1:9/page">another</a>
<form action="http://127.0.0.1:9/post"><input name=q><button>Send</button></form>
<div style="background:url(http://127.0.0.1:9/div.png)">Styled</div>
<p>Photo by sectsco.org</p></body></html>`

// fixtureTime is the fixed clock of the fixtures.
var fixtureTime = time.Date(2024, 4, 3, 6, 0, 0, 0, time.UTC)

type fixtureRule struct {
	id, title, help string
	sev             archive.Severity
}

// fix is the fixture's how-to-fix text of a rule.
func (r fixtureRule) fix() string {
	return "Correct the page in the CMS and republish it (" + r.id + ")."
}

func fixtureRules() []fixtureRule {
	return []fixtureRule{
		{"editorial/attribution-missing", "Articles name an author or a source agency", "An article without an author and without a source cannot be attributed; add a byline or the agency.", archive.SeverityError},
		{"editorial/photo-credit-missing", "Photos carry a credit", "Every photo in an article needs a credit line (\"Photo by …\") for rights compliance.", archive.SeverityWarning},
		{"editorial/dateline-date-mismatch", "The dateline agrees with the published date", "A dateline dated differently from the article hints at a template or backdating error.", archive.SeverityWarning},
		{"links/broken-internal", "Internal links reach a page", "A link to a page of the portal answers 404 or a soft 404.", archive.SeverityError},
		{"archive/silent-edit", "Edits are declared", "The body or headline changed without a new modified date or a correction note.", archive.SeverityWarning},
		{"editorial/lang-missing", "Pages declare their language", "Screen readers need <html lang> to pick a voice.", archive.SeverityNote},
	}
}

// fixtureAudit builds a deterministic audit of a portal with pages pages
// and about findings findings, with hostile text planted in a few of them.
// Small sizes are the golden and browser fixture; large ones the benchmark.
func fixtureAudit(pages, findings int) *Audit {
	rng := rand.New(rand.NewPCG(1, 2))
	rules := fixtureRules()
	res := &Result{Run: CheckRun{
		ID: 7, CrawlRunID: 12, PreviousID: 6, Seeds: []string{"https://www.belarus.example/en/"},
		StartedAt: fixtureTime.Add(20 * time.Minute), FinishedAt: fixtureTime.Add(21 * time.Minute),
		Pages: pages, RulesHash: "sha256:" + fmt.Sprintf("%064x", 42), Config: "fail-on: error\nwaivers: waivers.yaml\n",
		FailOn: "error", Failed: true, FailReason: "open findings of severity error", ToolVersion: "v0.1.0-test",
	}}
	for _, r := range rules {
		res.Rules = append(res.Rules, Rule{ID: r.id, Pack: packOf(r.id), Title: r.title, Help: r.help, Fix: r.fix(), HelpURL: "https://archiver.example/rules/" + r.id, Severity: r.sev})
	}
	sections := []string{"government", "economy", "society"}
	pageURL := func(i int) string {
		return fmt.Sprintf("https://www.belarus.example/en/%s/news/item-%06d.html", sections[i%len(sections)], i)
	}
	sha := func(i int) string { return fmt.Sprintf("%064x", uint64(i)*0x9e3779b97f4a7c15) }
	states := []archive.FindingState{archive.StateNew, archive.StatePersisting, archive.StatePersisting}
	for i := 0; i < findings; i++ {
		r := rules[(i*7+i/3)%len(rules)]
		p := rng.IntN(pages)
		if i < len(rules) {
			r, p = rules[i], i%pages
		}
		f := archive.Finding{
			RuleID:      r.id,
			Severity:    r.sev,
			Message:     fmt.Sprintf("%s on item %d", r.title, p),
			URL:         pageURL(p),
			CaptureID:   int64(1000 + p),
			CapturedAt:  fixtureTime.Add(time.Duration(p) * time.Second),
			BodySHA256:  sha(p),
			Status:      200,
			FinalURL:    pageURL(p),
			Evidence:    fmt.Sprintf(`<figure><img src="/img/%d.jpg"></figure>`, p),
			EvidenceKey: fmt.Sprint(i),
			State:       states[i%len(states)],
		}
		f.Fingerprint = archive.Fingerprint(f.RuleID, f.URL, f.EvidenceKey)
		if r.id == "links/broken-internal" {
			f.Message = fmt.Sprintf("Link to https://www.belarus.example/en/gone-%d.html answers 404", p)
			f.Occurrences = []archive.Occurrence{
				{URL: pageURL(p), CaptureID: int64(1000 + p), Text: "Read more", Place: archive.PlaceBody},
				{URL: pageURL((p + 1) % pages), CaptureID: int64(1000 + (p+1)%pages), Text: "Archive", Place: archive.PlaceMenu},
			}
		}
		switch {
		case i == 1:
			f.Message = "Headline " + hostile
			f.Evidence = hostile
		case i%50 == 49:
			f.Suppressed, f.WaiverNote = "waiver", "agency copy, credit is on the wire"
		case i%41 == 40:
			f.Suppressed = "baseline"
		}
		res.Findings = append(res.Findings, f)
	}
	for i := 0; i < 3 && i < pages; i++ {
		f := archive.Finding{RuleID: rules[0].id, Severity: rules[0].sev, Message: fmt.Sprintf("Article %d had no author", i+pages), URL: pageURL(i + pages), State: archive.StateResolved}
		f.Fingerprint = archive.Fingerprint(f.RuleID, f.URL, "")
		res.Findings = append(res.Findings, f)
	}

	a := &Audit{
		Result: res,
		Crawl: archive.Run{
			ID: 12, Seeds: []string{"https://www.belarus.example/en/"}, StartedAt: fixtureTime, FinishedAt: fixtureTime.Add(17*time.Minute + 3*time.Second),
			Status: archive.RunComplete, Config: `{"delay":"1s","max_depth":20}`,
			Counts: archive.RunCounts{Captured: pages, Revisits: pages / 10, Refused: 4, Errors: 2, Skipped: map[string]int{"robots": 3, "trap:calendar": 41, "depth": 7}},
		},
		Tool:        Tool{Version: "v0.1.0-test", UserAgent: "archiver/0.1 (+https://archiver.example)"},
		GeneratedAt: fixtureTime.Add(time.Hour),
		Exports:     []Export{{Name: "findings.csv", SHA256: sha(1), Bytes: 1234}, {Name: "findings.json", SHA256: sha(2), Bytes: 5678}},
	}
	for run := 1; run <= 7; run++ {
		a.History = append(a.History, RunPoint{RunID: int64(run), At: fixtureTime.AddDate(0, 0, run-7), Errors: 3 + run%3, Warnings: 5 + run, Notes: 2})
	}
	for s, name := range sections {
		sec := SectionCoverage{Section: "https://www.belarus.example/en/" + name + "/", Cadence: []string{"daily", "weekdays", "weekdays"}[s]}
		start := fixtureTime.AddDate(0, 0, -120)
		for d := 0; d <= 120; d++ {
			day := start.AddDate(0, 0, d)
			n := rng.IntN(6)
			if d%17 == 5+s {
				n = 0
			}
			cd := CoverageDay{Date: day.Format("2006-01-02"), Articles: n}
			wd := day.Weekday()
			cd.Gap = n == 0 && (s == 0 || wd != time.Saturday && wd != time.Sunday)
			if d == 100 && s == 1 {
				cd.Note = "calendar links the day; its page is a 404"
			}
			sec.Days = append(sec.Days, cd)
		}
		a.Coverage = append(a.Coverage, sec)
	}
	a.MissedRuns = []MissedRun{{Expected: fixtureTime.AddDate(0, 0, -3), Note: "no run between 2024-03-30 and 2024-04-01 (daily schedule)"},
		{Expected: fixtureTime.AddDate(0, 0, -1), RunID: 11, Note: "run 11 was interrupted; 412 URLs still queued"}}
	a.Removals = []Removal{
		{URL: pageURL(pages + 1), Kind: "404", Status: 404, Since: fixtureTime.AddDate(0, 0, -2), Runs: 3, LastGood: fixtureTime.AddDate(0, 0, -5), LastCaptureID: 1001, Title: "Minister visits plant"},
		{URL: pageURL(pages + 2), Kind: "redirect to home", Status: 302, Since: fixtureTime.AddDate(0, 0, -1), Runs: 2, LastGood: fixtureTime.AddDate(0, 0, -4)},
	}
	a.Changes = []Change{
		{URL: pageURL(2), Kind: "silent-edit",
			Before:     Version{CaptureID: 900, RunID: 11, At: fixtureTime.AddDate(0, 0, -1), SHA256: sha(900)},
			After:      Version{CaptureID: 1002, RunID: 12, At: fixtureTime, SHA256: sha(2)},
			Fields:     []FieldChange{{Field: "headline", Before: "Minister visits plant", After: "Minister visits new plant " + hostile}},
			BodyBefore: "MINSK, 3 April (BelTA) - The minister visited the plant. He met the workers. The plant makes tractors. It opened in 1946.\nOutput grew by 5% last year.",
			BodyAfter:  "MINSK, 3 April (BelTA) - The minister visited the new plant. He met the workers. The plant makes tractors. It opened in 1946.\nOutput grew by 7% last year. A new line opens in May."},
		{URL: pageURL(4), Kind: "declared-edit",
			Before:     Version{CaptureID: 901, RunID: 11, At: fixtureTime.AddDate(0, 0, -1), SHA256: sha(901)},
			After:      Version{CaptureID: 1004, RunID: 12, At: fixtureTime, SHA256: sha(4)},
			Fields:     []FieldChange{{Field: "modified", Before: "2024-04-02", After: "2024-04-03 10:15"}, {Field: "correction", Before: "", After: "Corrected the date of the visit."}},
			BodyBefore: "The visit took place on 2 April.", BodyAfter: "The visit took place on 1 April."},
	}
	res.Waivers = []Waiver{
		{RuleID: "editorial/photo-credit-missing", URL: "https://www.belarus.example/en/society/**", Owner: "j.doe@belarus.example", Reason: "agency copy, credit is on the wire", Expires: fixtureTime.AddDate(0, 3, 0), Matches: findings / 50},
		{Fingerprint: sha(77)[:32], Owner: "web team", Reason: "legacy page, to be removed", Expires: fixtureTime.AddDate(0, 0, -10), Expired: true},
	}
	cp1251, err := charmap.Windows1251.NewEncoder().String("<html lang=ru><title>Новости</title><p>Министр посетил завод.</p></html>")
	if err != nil {
		panic(err)
	}
	a.Copies = []Copy{
		{CaptureID: 1001, URL: pageURL(1), FinalURL: pageURL(1), Status: 200, FetchedAt: fixtureTime.Add(time.Second), SHA256: sha(1), ContentType: "text/html; charset=utf-8", Body: []byte(hostileBody)},
		{CaptureID: 1002, URL: pageURL(2), FinalURL: pageURL(2), Status: 200, FetchedAt: fixtureTime.Add(2 * time.Second), SHA256: sha(2), ContentType: "text/html; charset=windows-1251", Body: []byte(cp1251)},
		{CaptureID: 1003, URL: pageURL(3), Status: 200, FetchedAt: fixtureTime.Add(3 * time.Second), SHA256: sha(3), ContentType: "image/jpeg", Body: []byte{0xff, 0xd8, 0xff, 0}},
	}
	return a
}
