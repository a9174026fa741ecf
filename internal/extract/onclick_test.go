package extract_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/portal"
)

// TestOnclickLinks checks which onclick handlers become links of their own
// (Attr "onclick", Issue extract.IssueOnclick, Raw the handler): the ones
// that navigate (a location assignment, window.open, a call such as
// get_page('…') with a URL argument), not tracking calls, not handlers
// inside a real link. Both extraction levels must agree.
func TestOnclickLinks(t *testing.T) {
	tests := []struct {
		name  string
		html  string
		want  []archive.Link // the onclick links, Raw left out
		links int            // all links of the body
	}{
		{"a without href", `<p><a onclick="window.location='/government/events/b.html'; return false;">Events</a></p>`,
			[]archive.Link{{Href: "/government/events/b.html", URL: "https://portal.example/government/events/b.html", Text: "Events", Tag: "a"}}, 1},
		{"span with window.location", `<ul><li><span class="link" onclick="window.location='/en/x_i_1.html'; return false;">Story</span></li></ul>`,
			[]archive.Link{{Href: "/en/x_i_1.html", URL: "https://portal.example/en/x_i_1.html", Text: "Story", Tag: "span"}}, 1},
		{"load-more div calling get_page", `<nav class="pagination"><a href="/en/news/page/2/">2</a></nav><div class="load_more" onclick="return get_page('/en/all_news/page/2/?day=03&amp;month=04&amp;year=24/','inner','1')">More</div>`,
			[]archive.Link{{Href: "/en/all_news/page/2/?day=03&month=04&year=24/", URL: "https://portal.example/en/all_news/page/2/?day=03&month=04&year=24/", Text: "More", Tag: "div", Place: archive.PlacePagination}}, 2},
		{"button with location.href", `<button onclick="location.href='/search.html'">Search</button>`,
			[]archive.Link{{Href: "/search.html", URL: "https://portal.example/search.html", Text: "Search", Tag: "button"}}, 1},
		{"window.open of an absolute URL", `<div onclick="window.open('https://other.example/doc.pdf', '_blank')">Document</div>`,
			[]archive.Link{{Href: "https://other.example/doc.pdf", URL: "https://other.example/doc.pdf", Text: "Document", Tag: "div"}}, 1},
		{"a function whose name holds 'log' in a word", `<li onclick="showCatalog('/catalog/')">Catalog</li>`,
			[]archive.Link{{Href: "/catalog/", URL: "https://portal.example/catalog/", Text: "Catalog", Tag: "li"}}, 1},
		{"placeholder href with the target in onclick", `<a href="#" onclick="get_page('/en/page/3/'); return false">3</a>`,
			[]archive.Link{{Href: "/en/page/3/", URL: "https://portal.example/en/page/3/", Text: "3", Tag: "a"}}, 2},
		{"javascript href with the target in onclick", `<a href="javascript:void(0)" onclick="location.assign('/en/a.html')">A</a>`,
			[]archive.Link{{Href: "/en/a.html", URL: "https://portal.example/en/a.html", Text: "A", Tag: "a"}}, 2},
		{"real href and a tracking onclick", `<a href="b.html" onclick="track()">Events</a>`, nil, 1},
		{"real href and a navigating onclick", `<a href="/b.html" onclick="location.href='/c.html'">Events</a>`, nil, 1},
		{"google analytics call", `<div onclick="ga('send', 'event', '/downloads/x.html')">x</div>`, nil, 0},
		{"gtag and dataLayer", `<div onclick="gtag('event', 'click', {'page': '/a.html'}); dataLayer.push({'url': '/b.html'})">x</div>`, nil, 0},
		{"tracking function", `<span onclick="trackOutboundLink('/out.html')">x</span>`, nil, 0},
		{"no URL", `<div onclick="toggle(this); return false">menu</div>`, nil, 0},
		{"copy to clipboard", `<a href="#" onclick="copyToClipboard('https://portal.example/en/a.html')">Copy link</a>`, nil, 1},
		{"captcha refresh", `<a href="#" onclick="si_captcha_refresh('img','com','/wp-content/plugins/captcha','/x.html')">Refresh</a>`, nil, 1},
		{"window.prompt to copy", `<a href="#" onclick="window.prompt ('Copy: Ctrl+C, Enter','http://short.example/-DI')">_</a>`, nil, 1},
		{"a function that does not say it navigates", `<div onclick="__wm.saveSnapshot('/a.html')">Save</div>`, nil, 0},
		{"a popup", `<a href="#" onclick="popupWindow('https://social.example/share?u=1'); return false">Share</a>`,
			[]archive.Link{{Href: "https://social.example/share?u=1", URL: "https://social.example/share?u=1", Text: "Share", Tag: "a"}}, 2},
		{"camelCase navigation", `<button onclick="goToSearchPage('/search/')">Search</button>`,
			[]archive.Link{{Href: "/search/", URL: "https://portal.example/search/", Text: "Search", Tag: "button"}}, 1},
		{"inside a real link", `<a href="/real.html"><span onclick="get_page('/other.html')">x</span></a>`, nil, 1},
	}
	levels := map[string]*extract.Extractor{
		"full":  extract.New(extract.Options{Now: fixedNow, NoBody: true}),
		"links": extract.New(extract.Options{Now: fixedNow, LinksOnly: true}),
	}
	for _, tt := range tests {
		for level, x := range levels {
			t.Run(level+"/"+tt.name, func(t *testing.T) {
				p, err := x.Page(extract.Input{URL: "https://portal.example/en/news/", Body: []byte("<html><body>" + tt.html + "</body></html>")})
				if err != nil {
					t.Fatal(err)
				}
				var got []archive.Link
				n := 0
				for _, l := range p.Links {
					if l.Place == archive.PlaceHead {
						continue
					}
					n++
					if l.Attr != "onclick" {
						continue
					}
					if l.Issue != extract.IssueOnclick || l.Raw == "" || !strings.Contains(tt.html, strings.ReplaceAll(l.Raw, "&", "&amp;")) && !strings.Contains(tt.html, l.Raw) {
						t.Errorf("onclick link %+v: want issue %q and the handler in Raw", l, extract.IssueOnclick)
					}
					l.Raw, l.Issue, l.Attr = "", "", ""
					if l.Place != archive.PlacePagination {
						l.Place = ""
					}
					got = append(got, l)
				}
				if len(got) != len(tt.want) {
					t.Fatalf("onclick links %+v, want %+v", got, tt.want)
				}
				for i := range got {
					if got[i] != tt.want[i] {
						t.Errorf("onclick link\n\tgot  %+v\n\twant %+v", got[i], tt.want[i])
					}
				}
				if n != tt.links {
					t.Errorf("%d links in the body, want %d: %+v", n, tt.links, p.Links)
				}
			})
		}
	}
}

// TestPortalOnclickLinks finds every onclick-only link the demo portal
// plants (article body links in a <span onclick="window.location=…">, the
// "More" button of listings and day archives calling get_page('…')) at
// both extraction levels, with its target, text and place, and no onclick
// link the manifest does not list.
func TestPortalOnclickLinks(t *testing.T) {
	p, err := portal.New(portal.Config{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]portal.Link{}
	for _, l := range p.Manifest().Links {
		if l.Attr == "onclick" {
			want[l.From] = append(want[l.From], l)
		}
	}
	if len(want) == 0 {
		t.Fatal("the manifest lists no onclick-only link")
	}
	pages, _ := servePortal(t, portal.Config{Seed: 7}, portal.KindHome, portal.KindListing, portal.KindCalendar, portal.KindDayArchive,
		portal.KindStatic, portal.KindArticle, portal.KindPhotoReport)
	levels := map[string]*extract.Extractor{
		"full":  extract.New(extract.Options{Now: fixedNow}),
		"links": extract.New(extract.Options{Now: fixedNow, LinksOnly: true}),
	}
	found, places := 0, map[string]int{}
	for _, f := range pages {
		if f.truth.Status != http.StatusOK {
			continue
		}
		base := strings.TrimSuffix(f.input.URL, f.truth.URL)
		for level, x := range levels {
			pg, err := x.Page(f.input)
			if err != nil {
				t.Fatal(err)
			}
			var got []archive.Link
			for _, l := range pg.Links {
				if l.Attr == "onclick" || l.Issue == extract.IssueOnclick {
					got = append(got, l)
				}
			}
			ws := want[f.truth.URL]
			if len(got) != len(ws) {
				t.Errorf("%s (%s): %d onclick links %+v, the manifest plants %d %+v", f.truth.URL, level, len(got), got, len(ws), ws)
				continue
			}
			for i, w := range ws {
				g := got[i]
				place := w.Place
				if place == "listing" || place == "feed" || place == "featured" {
					place = string(archive.PlaceBody)
				}
				if g.Issue != extract.IssueOnclick || g.URL != base+w.Target || g.Text != w.Text || string(g.Place) != place || g.Raw == "" {
					t.Errorf("%s (%s): onclick link %+v, want target %s, text %q, place %s", f.truth.URL, level, g, w.Target, w.Text, place)
					continue
				}
				if level == "full" {
					found++
					places[place]++
				}
			}
		}
	}
	t.Logf("%d planted onclick-only links found, by place %v", found, places)
	if places[string(archive.PlaceBody)] == 0 || places[string(archive.PlacePagination)] == 0 {
		t.Errorf("onclick links by place %v: want both body and pagination ones", places)
	}
}
