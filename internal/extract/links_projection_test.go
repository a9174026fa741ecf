package extract_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/portal"
)

// articleStepWarnings begin the warnings that only the article steps (the
// body, go-htmldate's date search) record.
var articleStepWarnings = []string{"more than ", "page larger than ", "body extraction failed: ", "date search failed: "}

// linksProjection is the links-level page that Options.LinksOnly promises
// for the full page fp: every field of fp but the article ones (headline,
// dates, dateline, source, authors, images, credits, H1Count,
// EmptyByline), the body and its word count only when the page says there
// is no news (noNews, from the reference path extract.VisibleSaysNoNews),
// and fp's warnings but those of the article steps that do not run (the
// body's run on a no-news page).
func linksProjection(fp *archive.Page, noNews bool) *archive.Page {
	want := *fp
	want.ExtractorVersion = extract.LinksVersion
	want.Headline, want.HeadlineEvidence = "", ""
	want.Published, want.Modified, want.Dateline = archive.Date{}, archive.Date{}, archive.Dateline{}
	want.Source, want.SourceEvidence, want.Authors, want.AuthorEvidence = "", "", nil, ""
	want.Images, want.Credits, want.H1Count, want.EmptyByline = nil, nil, 0, ""
	if !noNews {
		want.Body, want.WordCount = "", 0
	}
	want.Warnings = nil
	for _, w := range fp.Warnings {
		drop := strings.HasPrefix(w, "date search failed: ")
		if !noNews {
			for _, prefix := range articleStepWarnings {
				drop = drop || strings.HasPrefix(w, prefix)
			}
		}
		if !drop {
			want.Warnings = append(want.Warnings, w)
		}
	}
	return &want
}

// checkLinksProjection extracts each page fully and at the links level
// and fails unless the links-level page is, field for field, the
// projection of the full page (linksProjection): a change that makes the
// links level cheaper must not change one value of what it gives.
func checkLinksProjection(t *testing.T, pages []extract.Input, step int) (noNewsPages int) {
	t.Helper()
	full := extract.New(extract.Options{Now: fixedNow})
	links := extract.New(extract.Options{Now: fixedNow, LinksOnly: true})
	for i := 0; i < len(pages); i += step {
		in := pages[i]
		fp, err := full.Page(in)
		if err != nil {
			t.Fatal(err)
		}
		lp, err := links.Page(in)
		if err != nil {
			t.Fatal(err)
		}
		noNews := extract.VisibleSaysNoNews(in)
		if noNews {
			noNewsPages++
		}
		if want := linksProjection(fp, noNews); !reflect.DeepEqual(lp, want) {
			got, _ := json.Marshal(lp)
			exp, _ := json.Marshal(want)
			t.Errorf("%s: the links-level page is not the projection of the full page\n\tgot  %s\n\twant %s", in.URL, got, exp)
		}
	}
	return noNewsPages
}

// emptyDayPages renders, in-process, the day archives of a demo portal
// that answer 200 with "no news" (its soft 404s), which portalPages,
// reading the manifest's pages, does not list.
func emptyDayPages(t *testing.T, cfg portal.Config) []extract.Input {
	t.Helper()
	p, err := portal.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := p.Handler()
	var out []extract.Input
	for _, day := range append(p.Manifest().EmptyDays, p.Manifest().EmptyDaysBefore...) {
		if day.Status != http.StatusOK {
			continue
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://portal.example"+day.URL, nil))
		out = append(out, extract.Input{URL: "http://portal.example" + day.URL, Header: rec.Header(), Body: rec.Body.Bytes()})
	}
	return out
}

// edgePages are small pages at the edges of the links level: no news in
// the text or split across elements, a wire dateline, a date the kind
// reads, legacy charsets declared or not, a cut body, no <body>, empty,
// binary and undecodable input.
func edgePages() []extract.Input {
	cp1251 := []byte("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"><title>\xcd\xee\xe2\xee\xf1\xf2\xe8</title></head><body><p>\xcd\xe5\xf2 \xed\xee\xe2\xee\xf1\xf2\xe5\xe9</p></body></html>")
	pages := []struct{ url, ct, body string }{
		{"https://portal.example/en/archive/2024-03-05/", "text/html; charset=utf-8", `<html><body><nav><a href="/">Home</a></nav><main><h1>5 March</h1><p>There is <b>no</b>  news for this day.</p></main></body></html>`},
		{"https://portal.example/news/", "", `<html><body><main><p>NO NEWS</p><p>nothing<br>found</p></main></body></html>`},
		{"https://portal.example/en/news/12345.html", "", `<html><head><title>Talks</title><meta property="og:type" content="website"></head><body><main><h1>Talks held</h1><p>MINSK, 3 April (BelTA) - The talks were held in the capital of the country today with many words.</p></main></body></html>`},
		{"https://portal.example/story", "", `<html><head><title>Story</title><meta property="article:published_time" content="2025-12-30T10:00:00Z"></head><body><main><h1>Story</h1><p>` + strings.Repeat("word ", 60) + `</p></main></body></html>`},
		{"https://portal.example/ru/", "", string(cp1251)},
		{"https://portal.example/undeclared", "text/html", "<html><body><p>caf\xe9 cr\xe8me br\xfbl\xe9e</p><a href=x>l\xe0</a></body></html>"},
		{"https://portal.example/bom", "", "\xef\xbb\xbf<html><body><a href='/a'>a</a><a href='javascript:void(0)' onclick=\"location.href='/b'\">b</a></body></html>"},
		{"https://portal.example/nobody", "", `<title>t</title><a href="/x">x</a> no results`},
		{"https://portal.example/empty", "", ""},
		{"https://portal.example/binary", "", "\x00\x01\x02<html>"},
		{"", "", `<html><body><a href="rel">relative without a page URL</a></body></html>`},
	}
	var out []extract.Input
	for _, p := range pages {
		in := extract.Input{URL: p.url, Body: []byte(p.body)}
		if p.ct != "" {
			in.Header = http.Header{"Content-Type": {p.ct}}
		}
		out = append(out, in)
	}
	return out
}

// TestLinksLevelIsFullProjectionPortal holds every HTML page of two demo
// portals (the scope of BenchmarkPortalLinks, and a larger one some days
// on, every fourth page with -short), their soft-404 day archives and
// edgePages to checkLinksProjection.
func TestLinksLevelIsFullProjectionPortal(t *testing.T) {
	step := 1
	if testing.Short() {
		step = 4
	}
	for _, cfg := range []portal.Config{{Seed: 1}, {Seed: 5, Articles: 100, Day: 3}} {
		checkLinksProjection(t, portalPages(t, cfg), step)
		days := emptyDayPages(t, cfg)
		if n := checkLinksProjection(t, days, 1); n == 0 {
			t.Errorf("none of the %d soft-404 day archives says there is no news: the body's case is not tested", len(days))
		}
	}
	if n := checkLinksProjection(t, edgePages(), 1); n < 3 {
		t.Errorf("%d edge pages say there is no news, want at least 3", n)
	}
}

// TestLinksLevelIsFullProjectionEval does the same on the evaluation
// pages (every eighth one with -short).
func TestLinksLevelIsFullProjectionEval(t *testing.T) {
	step := 1
	if testing.Short() {
		step = 8
	}
	checkLinksProjection(t, evalPages(t), step)
}

// checkPublishedBothWays fails unless the publication date that the
// links-level date step finds, stopping at the first date printed near
// the headline, has the value and the source of the whole search's: all
// the kind reads of it.
func checkPublishedBothWays(t *testing.T, in extract.Input) (found bool) {
	t.Helper()
	links, all := extract.PublishedBothWays(in)
	if links.Value != all.Value || links.Source != all.Source {
		t.Errorf("%s: the links level's publication date is %+v, the whole search's %+v", in.URL, links, all)
	}
	return all.Value != ""
}

// TestPublishedFirstNear holds the links level's date search to the whole
// one on pages with several dates around the headline (published and
// updated, before 1995, in a link, a <time>, a URL date that outranks
// them) and on every page of a demo portal and of the evaluation data.
func TestPublishedFirstNear(t *testing.T) {
	pages := []string{
		`<h1>Talks</h1><div class="date">3 April 2024</div><div class="date">5 April 2024</div><p>text</p>`,
		`<div><h1>Talks</h1><span class="date">Updated 5 April 2024</span><span class="date">3 April 2024</span></div>`,
		`<div><h1>Talks</h1><span class="date">3 April 1990</span><span class="date">4 April 2024</span></div>`,
		`<div><h1>Talks</h1><a class="date" href="/d">3 April 2024</a><time datetime="2024-04-02">2 April</time></div><span class="date">1 April 2024</span>`,
		`<main><div class="post-date">7 May 2023</div><p>` + strings.Repeat("word ", 40) + `</p></main><div><h1>Late</h1><span class="date">8 May 2023</span></div>`,
		`<html><head><meta property="article:published_time" content="2024-01-02"></head><body><div><h1>T</h1><p class="meta">9 June 2024</p></div></body></html>`,
		`<div><h1>T</h1><p class="date">10 June 2024</p></div><p>2 days ago</p><p class="date">11 June 2024</p>`,
	}
	for i, p := range pages {
		u := "https://portal.example/story"
		if i == len(pages)-1 {
			u = "https://portal.example/2024/06/12/story"
		}
		if !checkPublishedBothWays(t, extract.Input{URL: u, Body: []byte("<body>" + p)}) {
			t.Errorf("page %d: no publication date found", i)
		}
	}
	all := portalPages(t, portal.Config{Seed: 1})
	if !testing.Short() {
		all = append(all, evalPages(t)...)
	}
	found := 0
	for _, in := range all {
		if checkPublishedBothWays(t, in) {
			found++
		}
	}
	if found < len(all)/4 {
		t.Errorf("a publication date on only %d of %d pages", found, len(all))
	}
}
