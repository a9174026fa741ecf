package check_test

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/check"
	"github.com/archiver-dev/archiver/internal/report"
)

// copyAt returns the page p served under another URL: the same extracted
// content (the bytes differ only outside it, e.g. by a visit counter).
func copyAt(p *archive.Page, url string) *archive.Page {
	c := *p
	c.URL = url
	return &c
}

// openFindings returns the open findings of a result as "rule url" lines,
// sorted, and the findings by that line.
func openFindings(res *report.Result) ([]string, map[string]archive.Finding) {
	var lines []string
	by := map[string]archive.Finding{}
	for _, f := range res.Findings {
		if !report.IsOpen(&f) {
			continue
		}
		l := f.RuleID + " " + strings.TrimPrefix(f.URL, "https://www.example.gov")
		lines = append(lines, l)
		by[l] = f
	}
	sort.Strings(lines)
	return lines, by
}

// TestDuplicatePagesReportedOnce checks that a page served under several
// URLs without a canonical tag (a section alias, a "?page=2" copy) is
// checked once: its findings stand on one representative URL, chosen as a
// reader would (the URL its breadcrumbs lead through, the one without a
// query string), whatever the order of the captures, name the other URLs
// in the evidence, and a page and its copy are no pair of duplicate
// headlines; different pages, and pages too thin to compare, are not
// grouped.
func TestDuplicatePagesReportedOnce(t *testing.T) {
	const site = "https://www.example.gov"
	events := site + "/government/events/talks.html"
	alias := site + "/press-center/news/talks.html"

	// An article with a planted placeholder, under its own section and an
	// alias section; its breadcrumbs lead through its own section.
	withPlaceholder := func() *archive.Page {
		p := article(events)
		p.Body += " Lorem ipsum dolor sit amet."
		p.Breadcrumbs = []archive.Crumb{{Text: "Home", URL: site + "/"}, {Text: "Government", URL: site + "/government/"}, {Text: "Events", URL: site + "/government/events/"}}
		return p
	}
	// Two different stories with one headline (a real duplicate).
	twin := func(url, body string) *archive.Page {
		p := article(url)
		p.Headline = "Prime Minister meets the SCO delegation"
		p.Body = body
		p.Breadcrumbs = []archive.Crumb{{Text: "Home", URL: site + "/"}, {Text: "Government", URL: site + "/government/"}}
		return p
	}
	photo := site + "/press-center/photo/visit_i_15.html"

	tests := []struct {
		name  string
		pages func() []*archive.Page
		// sitemap lists URLs in a sitemap captured in the run.
		sitemap []string
		want    []string
		// evidence: line → substrings its evidence must contain.
		evidence map[string][]string
		// occurrences: line → the occurrence URLs (root-relative) it must list.
		occurrences map[string][]string
	}{
		{
			name: "section alias captured first",
			pages: func() []*archive.Page {
				p := withPlaceholder()
				return []*archive.Page{copyAt(p, alias), p}
			},
			want:     []string{"editorial/placeholder-text /government/events/talks.html"},
			evidence: map[string][]string{"editorial/placeholder-text /government/events/talks.html": {"Lorem ipsum", "also served at /press-center/news/talks.html"}},
		},
		{
			name: "section alias captured last",
			pages: func() []*archive.Page {
				p := withPlaceholder()
				return []*archive.Page{p, copyAt(p, alias)}
			},
			want: []string{"editorial/placeholder-text /government/events/talks.html"},
		},
		{
			name: "page=2 copy of a photo report captured first",
			pages: func() []*archive.Page {
				p := withPlaceholder()
				p.URL = photo
				p.Breadcrumbs = []archive.Crumb{{Text: "Home", URL: site + "/"}, {Text: "Photo", URL: site + "/press-center/photo/"}}
				return []*archive.Page{copyAt(p, photo+"?page=2"), p}
			},
			want:     []string{"editorial/placeholder-text /press-center/photo/visit_i_15.html"},
			evidence: map[string][]string{"editorial/placeholder-text /press-center/photo/visit_i_15.html": {"also served at /press-center/photo/visit_i_15.html?page=2"}},
		},
		{
			name: "a page naming itself canonical is the representative",
			pages: func() []*archive.Page {
				p := withPlaceholder()
				a := copyAt(p, alias)
				a.CanonicalURL = alias // the site says the alias is the page
				return []*archive.Page{p, a}
			},
			want: []string{
				"editorial/breadcrumbs-section-mismatch /press-center/news/talks.html",
				"editorial/placeholder-text /press-center/news/talks.html",
			},
		},
		{
			// The breadcrumbs lead through the alias's section (a planted
			// mismatch), but the site's sitemap lists the page under its
			// own section: the listed URL is the page, and its breadcrumbs
			// are wrong.
			name: "the URL the sitemap lists wins over the breadcrumbs",
			pages: func() []*archive.Page {
				p := withPlaceholder()
				p.Breadcrumbs = []archive.Crumb{{Text: "Home", URL: site + "/"}, {Text: "Press center", URL: site + "/press-center/"}, {Text: "News", URL: site + "/press-center/news/"}}
				return []*archive.Page{copyAt(p, alias), p}
			},
			sitemap: []string{site + "/", events, site + "/government/events/"},
			want: []string{
				"editorial/breadcrumbs-section-mismatch /government/events/talks.html",
				"editorial/placeholder-text /government/events/talks.html",
			},
			evidence: map[string][]string{"editorial/breadcrumbs-section-mismatch /government/events/talks.html": {"News", "also served at /press-center/news/talks.html"}},
		},
		{
			name: "without a sitemap the breadcrumbs decide",
			pages: func() []*archive.Page {
				p := withPlaceholder()
				p.Breadcrumbs = []archive.Crumb{{Text: "Home", URL: site + "/"}, {Text: "Press center", URL: site + "/press-center/"}, {Text: "News", URL: site + "/press-center/news/"}}
				return []*archive.Page{p, copyAt(p, alias)}
			},
			want: []string{"editorial/placeholder-text /press-center/news/talks.html"},
		},
		{
			name: "a page and its copy are not duplicate headlines",
			pages: func() []*archive.Page {
				p := twin(events, "MINSK, 3 April (BelTA) - The Prime Minister met the delegation.")
				return []*archive.Page{copyAt(p, alias), p}
			},
			want: nil,
		},
		{
			name: "two stories with one headline, one of them also under an alias",
			pages: func() []*archive.Page {
				a := twin(events, "MINSK, 3 April (BelTA) - The Prime Minister met the delegation.")
				b := twin(site+"/government/events/talks-2.html", "MINSK, 4 April (BelTA) - The talks went on for a second day.")
				// The alias of a comes first, so the check meets a's
				// headline under the alias URL first.
				return []*archive.Page{copyAt(a, alias), b, a}
			},
			want: []string{
				"editorial/duplicate-headline /government/events/talks-2.html",
				"editorial/duplicate-headline /government/events/talks.html",
			},
			evidence: map[string][]string{"editorial/duplicate-headline /government/events/talks.html": {"also served at /press-center/news/talks.html"}},
			occurrences: map[string][]string{
				"editorial/duplicate-headline /government/events/talks-2.html": {"/government/events/talks.html"},
				"editorial/duplicate-headline /government/events/talks.html":   {"/government/events/talks-2.html"},
			},
		},
		{
			name: "different content is not a copy",
			pages: func() []*archive.Page {
				p := withPlaceholder()
				q := copyAt(p, alias)
				q.Body += " A second paragraph only this version has."
				return []*archive.Page{p, q}
			},
			// Two versions of one story: each is checked, and they are a
			// pair of duplicate headlines.
			want: []string{
				"editorial/breadcrumbs-section-mismatch /press-center/news/talks.html",
				"editorial/duplicate-headline /government/events/talks.html",
				"editorial/duplicate-headline /press-center/news/talks.html",
				"editorial/placeholder-text /government/events/talks.html",
				"editorial/placeholder-text /press-center/news/talks.html",
			},
		},
		{
			name: "pages without a headline are not compared",
			pages: func() []*archive.Page {
				p := withPlaceholder()
				p.Headline = ""
				return []*archive.Page{p, copyAt(p, alias)}
			},
			want: []string{
				"editorial/breadcrumbs-section-mismatch /press-center/news/talks.html",
				"editorial/headline-missing /government/events/talks.html",
				"editorial/headline-missing /press-center/news/talks.html",
				"editorial/placeholder-text /government/events/talks.html",
				"editorial/placeholder-text /press-center/news/talks.html",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t)
			set, err := e.Load(editorialSource(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			pages := tt.pages()
			mem := memArchive(t, pages...)
			if tt.sitemap != nil {
				var b strings.Builder
				b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
				for _, u := range tt.sitemap {
					b.WriteString("<url><loc>" + u + "</loc></url>\n")
				}
				b.WriteString("</urlset>\n")
				c := &archive.Capture{ID: 1000, RunID: 1, URL: site + "/sitemap.xml", CanonicalURL: site + "/sitemap.xml", Status: 200,
					Header: http.Header{"Content-Type": {"application/xml; charset=utf-8"}}, Body: []byte(b.String()), Verdict: archive.VerdictOK}
				if err := mem.AddCapture(c, nil); err != nil {
					t.Fatal(err)
				}
			}
			res, err := e.Check(context.Background(), check.Request{Archive: mem, Rules: set})
			if err != nil {
				t.Fatal(err)
			}
			got, by := openFindings(res)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("findings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
			if res.Run.Pages != len(pages) {
				t.Errorf("%d pages checked, want %d (copies are read, and checked once)", res.Run.Pages, len(pages))
			}
			for line, subs := range tt.evidence {
				for _, s := range subs {
					if !strings.Contains(by[line].Evidence, s) {
						t.Errorf("%s: evidence %q lacks %q", line, by[line].Evidence, s)
					}
				}
			}
			for line, want := range tt.occurrences {
				var urls []string
				for _, o := range by[line].Occurrences {
					urls = append(urls, strings.TrimPrefix(o.URL, site))
				}
				if strings.Join(urls, " ") != strings.Join(want, " ") {
					t.Errorf("%s: occurrences %v, want %v", line, urls, want)
				}
			}
			// A finding on a representative carries its capture and a
			// fingerprint of its URL.
			for _, f := range res.Findings {
				if f.CaptureID == 0 || f.BodySHA256 != "sha-"+f.URL || f.Fingerprint != archive.Fingerprint(f.RuleID, f.URL, f.EvidenceKey) {
					t.Errorf("%s %s: capture %d sha %q fingerprint %s: not the representative's evidence", f.RuleID, f.URL, f.CaptureID, f.BodySHA256, f.Fingerprint)
				}
			}
		})
	}
}

// TestDuplicatePagesSiteFindings checks that a site check's finding filed
// under a copy of a page is folded into the same finding of the page's
// representative, which names the copy; that an occurrence on a copy that
// repeats one on its representative is dropped; and that a finding or an
// occurrence only the copy has stays on the copy.
func TestDuplicatePagesSiteFindings(t *testing.T) {
	const site = "https://www.example.gov"
	events := site + "/government/events/talks.html"
	alias := site + "/press-center/news/talks.html"
	printURL := site + "/print/talks"
	// A site kind that reports, on every page, an empty link; and on the
	// alias a link that resolves elsewhere from its directory.
	kind := check.Kind{
		Name:    "test/links",
		Summary: "Reports test links.",
		Site: func(*check.Rule, check.Params) (check.SiteCheck, error) {
			return check.SiteCheckFunc(func(ctx context.Context, s *check.Site, emit check.Emit) error {
				// A broken link target grouping the pages that link it.
				broken := archive.Finding{URL: site + "/gone.html", Message: "broken link", Evidence: "404"}
				err := s.Archive.EachPage(ctx, s.Run.ID, func(c *archive.Capture, p *archive.Page) error {
					emit(archive.Finding{URL: p.URL, CaptureID: c.ID, Message: "empty link", EvidenceKey: "empty-href:", Evidence: `<a href="">`,
						Occurrences: []archive.Occurrence{{URL: p.URL, CaptureID: c.ID, Text: "Read more"}}})
					if p.URL == alias {
						emit(archive.Finding{URL: p.URL, CaptureID: c.ID, Message: "relative link to a duplicate", EvidenceKey: "duplicate-url:../x.html"})
					}
					broken.Occurrences = append(broken.Occurrences, archive.Occurrence{URL: p.URL, CaptureID: c.ID, Text: "Gone", Place: archive.PlaceBody})
					return nil
				})
				broken.Occurrences = append(broken.Occurrences, archive.Occurrence{URL: alias, Text: "Other text", Place: archive.PlaceBody})
				for u, want := range map[string]string{alias: events, printURL: events, events: events, site + "/gone.html": site + "/gone.html"} {
					if got := s.Representative(u); got != want {
						t.Errorf("Representative(%s) = %s, want %s", u, got, want)
					}
				}
				emit(broken)
				return err
			}), nil
		},
	}
	e := newEngine(t, kind)
	srcs := append(editorialSource(t), rulesFS(map[string]string{"test/links.yaml": "id: test/links\ntitle: Test links\nseverity: warning\nkind: test/links\n"}))
	set, err := e.Load(srcs, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := article(events)
	p.Breadcrumbs = []archive.Crumb{{Text: "Home", URL: site + "/"}, {Text: "Government", URL: site + "/government/"}, {Text: "Events", URL: site + "/government/events/"}}
	// A print version naming the page as canonical: page checks skip it,
	// and site checks' findings on it are the page's too.
	print := copyAt(p, printURL)
	print.CanonicalURL = events
	res, err := e.Check(context.Background(), check.Request{Archive: memArchive(t, copyAt(p, alias), p, print), Rules: set})
	if err != nil {
		t.Fatal(err)
	}
	got, by := openFindings(res)
	want := []string{"test/links /gone.html", "test/links /government/events/talks.html", "test/links /press-center/news/talks.html"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("findings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	// The copy's occurrence repeats the representative's (one link of one
	// page, served twice): the merged finding lists the page once and
	// names the copy.
	merged := by[want[1]]
	if merged.EvidenceKey != "empty-href:" || !strings.Contains(merged.Evidence, "also served at /press-center/news/talks.html, /print/talks]") ||
		len(merged.Occurrences) != 1 || merged.Occurrences[0].URL != events {
		t.Errorf("merged finding: key %q evidence %q occurrences %v", merged.EvidenceKey, merged.Evidence, merged.Occurrences)
	}
	// The broken target lists the link on the page once, and the alias's
	// link of its own (another anchor text) too.
	var occ []string
	for _, o := range by[want[0]].Occurrences {
		occ = append(occ, strings.TrimPrefix(o.URL, site)+" "+o.Text)
	}
	if strings.Join(occ, "|") != "/government/events/talks.html Gone|/press-center/news/talks.html Other text" || !strings.Contains(by[want[0]].Evidence, "also served at /press-center/news/talks.html") {
		t.Errorf("broken target: occurrences %q, evidence %q", occ, by[want[0]].Evidence)
	}
	if own := by[want[2]]; own.EvidenceKey != "duplicate-url:../x.html" {
		t.Errorf("the copy's own finding: %+v", own)
	}
}
