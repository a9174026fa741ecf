package extract_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/portal"
)

// fetched is one page of the demo portal as served.
type fetched struct {
	truth portal.Page
	input extract.Input
}

// servePortal serves a demo portal on a loopback test server and fetches
// every HTML page of the given kinds listed in its manifest.
func servePortal(t *testing.T, cfg portal.Config, kinds ...portal.Kind) ([]fetched, time.Time) {
	t.Helper()
	p, err := portal.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler())
	t.Cleanup(srv.Close)
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	want := map[portal.Kind]bool{}
	for _, k := range kinds {
		want[k] = true
	}
	today, err := time.Parse("2006-01-02", p.Manifest().Today)
	if err != nil {
		t.Fatalf("manifest today: %v", err)
	}
	var out []fetched
	for _, pg := range p.Manifest().Pages {
		if !want[pg.Kind] || pg.Status != http.StatusOK || (pg.Kind == portal.KindArticle || pg.Kind == portal.KindPhotoReport) && pg.Article == nil {
			continue
		}
		resp, err := client.Get(srv.URL + pg.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d, manifest says 200", pg.URL, resp.StatusCode)
		}
		out = append(out, fetched{truth: pg, input: extract.Input{URL: srv.URL + pg.URL, Header: resp.Header, Body: body, FetchedAt: today.Add(12 * time.Hour)}})
	}
	return out, today
}

// scorecard counts, per field, the pages where the extraction matched the
// planted truth, and keeps a few examples of the misses.
type scorecard struct {
	total, ok map[string]int
	misses    map[string][]string
}

func newScorecard() *scorecard {
	return &scorecard{total: map[string]int{}, ok: map[string]int{}, misses: map[string][]string{}}
}

func (s *scorecard) check(field, url string, got, want any) {
	s.total[field]++
	if reflect.DeepEqual(got, want) {
		s.ok[field]++
		return
	}
	if len(s.misses[field]) < 8 {
		s.misses[field] = append(s.misses[field], fmt.Sprintf("%s\n\t\tgot  %#v\n\t\twant %#v", url, got, want))
	}
}

func (s *scorecard) report(t *testing.T) {
	t.Helper()
	fields := make([]string, 0, len(s.total))
	for f := range s.total {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		t.Logf("%-22s %4d / %4d", f, s.ok[f], s.total[f])
		if s.ok[f] != s.total[f] {
			t.Errorf("%s: %d of %d pages wrong, e.g.\n\t%s", f, s.total[f]-s.ok[f], s.total[f], strings.Join(s.misses[f], "\n\t"))
		}
	}
}

// TestPortalArticles extracts every article and photo report of the demo
// portal, in all three languages and both charsets, without a site profile,
// and scores every planted field against the manifest: all must match.
func TestPortalArticles(t *testing.T) {
	pages, _ := servePortal(t, portal.Config{Seed: 7}, portal.KindArticle, portal.KindPhotoReport)
	if len(pages) < 100 {
		t.Fatalf("only %d article pages served", len(pages))
	}
	x := extract.New(extract.Options{})
	sc := newScorecard()
	langs, charsets := map[string]int{}, map[string]int{}
	for _, f := range pages {
		a := f.truth.Article
		if a == nil {
			t.Fatalf("%s: article page without article truth", f.truth.URL)
		}
		langs[f.truth.Lang]++
		charsets[f.truth.Charset]++
		p, err := x.Page(f.input)
		if err != nil {
			t.Fatalf("%s: %v", f.truth.URL, err)
		}
		u := f.truth.URL
		sc.check("kind", u, p.Kind, archive.KindArticle)
		sc.check("charset", u, p.Charset, f.truth.Charset)
		sc.check("headline", u, p.Headline, a.Headline)
		sc.check("published.value", u, p.Published.Value, a.Published.Value)
		sc.check("published.text", u, p.Published.Text, a.Published.Text)
		sc.check("published.time", u, p.Published.Time, a.Published.Time)
		sc.check("modified.value", u, p.Modified.Value, a.Modified.Value)
		sc.check("dateline", u, p.Dateline, a.Dateline)
		sc.check("source", u, p.Source, a.Source)
		sc.check("authors", u, nonNil(p.Authors), nonNil(a.Authors))
		wantImages := nonNilImages(a.Images)
		if a.CreditVariant == "foto-name-belta" {
			// "Фото М. Гучека. БЕЛТА" prints the photographer's initial and
			// genitive surname; the manifest's nominative full name is not
			// on the page. The credit must hold the printed name instead.
			wantImages = append([]archive.Image(nil), wantImages...)
			for i := range wantImages {
				if wantImages[i].Credit != "" {
					wantImages[i].Credit = printedName(wantImages[i].CreditText)
				}
			}
		}
		sc.check("images", u, imageTruth(p.Images, f.input.URL, u), wantImages)
		sc.check("credits", u, creditTexts(p.Credits), nonNil(a.Credits))
		sc.check("breadcrumbs", u, crumbTruth(p.Breadcrumbs, f.input.URL, u), nonNilCrumbs(f.truth.Breadcrumbs))
		sc.check("canonical", u, strings.TrimPrefix(p.CanonicalURL, strings.TrimSuffix(f.input.URL, u)), f.truth.CanonicalTag)
		sc.check("lang", u, p.Lang, normLang(f.truth.LangAttr))
		sc.check("title", u, p.Title, f.truth.Title)
		sc.check("menu", u, menuTruth(p.Menu, f.input.URL, u), nonNilCrumbs(f.truth.Menu))
		sc.check("calendar", u, calendarTruth(p.Calendar, f.input.URL, u), f.truth.Calendar)
		switch f.truth.CharsetDecl {
		case portal.DeclWrong, portal.DeclConflict:
			sc.check("charset-note", u, p.CharsetNote != "", true)
		default:
			sc.check("charset-note", u, p.CharsetNote, "")
		}
	}
	for _, l := range []string{"en", "ru", "be"} {
		if langs[l] == 0 {
			t.Errorf("no %s article among the pages", l)
		}
	}
	for _, c := range []string{"utf-8", "windows-1251"} {
		if charsets[c] == 0 {
			t.Errorf("no %s article among the pages", c)
		}
	}
	sc.report(t)
}

// TestPortalPages extracts every other HTML page of the demo portal (home,
// listings, calendar pages, day archives, static pages such as contacts)
// and scores the kind, the navigation and the charset against the
// manifest. None of them prints a photo credit: the "© 2024 … Official
// Website" of the footer is the site's copyright.
func TestPortalPages(t *testing.T) {
	pages, _ := servePortal(t, portal.Config{Seed: 7}, portal.KindHome, portal.KindListing, portal.KindCalendar, portal.KindDayArchive, portal.KindStatic)
	if len(pages) < 20 {
		t.Fatalf("only %d pages served", len(pages))
	}
	x := extract.New(extract.Options{})
	sc := newScorecard()
	for _, f := range pages {
		p, err := x.Page(f.input)
		if err != nil {
			t.Fatalf("%s: %v", f.truth.URL, err)
		}
		u := f.truth.URL
		want := archive.PageKind(f.truth.Kind)
		if f.truth.Kind == portal.KindStatic {
			want = archive.KindOther // the extractor has no kind of its own for them
		}
		sc.check("kind", u, p.Kind, want)
		sc.check("credits", u, creditTexts(p.Credits), []string{})
		sc.check("charset", u, p.Charset, f.truth.Charset)
		sc.check("title", u, p.Title, f.truth.Title)
		// The manifest records navigation on these pages only where it
		// plants something (a calendar page's month grid, for example);
		// elsewhere it leaves it out, which is not a claim of absence.
		if len(f.truth.Breadcrumbs) > 0 {
			sc.check("breadcrumbs", u, crumbTruth(p.Breadcrumbs, f.input.URL, u), f.truth.Breadcrumbs)
		}
		if len(f.truth.Menu) > 0 {
			sc.check("menu", u, menuTruth(p.Menu, f.input.URL, u), f.truth.Menu)
		}
		if f.truth.Calendar != nil {
			sc.check("calendar", u, calendarTruth(p.Calendar, f.input.URL, u), f.truth.Calendar)
		}
	}
	sc.report(t)
}

func menuTruth(links []archive.Link, pageURL, path string) []archive.Crumb {
	base := strings.TrimSuffix(pageURL, path)
	out := []archive.Crumb{}
	for _, l := range links {
		out = append(out, archive.Crumb{Text: l.Text, URL: strings.TrimPrefix(l.URL, base)})
	}
	return out
}

func calendarTruth(c *archive.Calendar, pageURL, path string) *portal.CalendarTruth {
	if c == nil {
		return nil
	}
	base := strings.TrimSuffix(pageURL, path)
	out := &portal.CalendarTruth{Month: c.Month, Prev: strings.TrimPrefix(c.Prev, base), Next: strings.TrimPrefix(c.Next, base), LinkedDays: []int{}}
	for _, d := range c.Days {
		if d.Linked {
			out.LinkedDays = append(out.LinkedDays, d.Day)
		}
	}
	return out
}

// printedName is the name part of a credit printed as "Фото NAME".
func printedName(text string) string {
	if i := strings.IndexByte(text, ' '); i >= 0 {
		return strings.Trim(strings.TrimPrefix(text[i+1:], "by "), " .")
	}
	return text
}

func normLang(s string) string {
	s = strings.ToLower(s)
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilImages(s []archive.Image) []archive.Image {
	if s == nil {
		return []archive.Image{}
	}
	return s
}

func nonNilCrumbs(s []archive.Crumb) []archive.Crumb {
	if s == nil {
		return []archive.Crumb{}
	}
	return s
}

// imageTruth makes extracted images root-relative, as the manifest writes
// them.
func imageTruth(imgs []archive.Image, pageURL, path string) []archive.Image {
	base := strings.TrimSuffix(pageURL, path)
	out := []archive.Image{}
	for _, im := range imgs {
		im.Src = strings.TrimPrefix(im.Src, base)
		out = append(out, im)
	}
	return out
}

func crumbTruth(cs []archive.Crumb, pageURL, path string) []archive.Crumb {
	base := strings.TrimSuffix(pageURL, path)
	out := []archive.Crumb{}
	for _, c := range cs {
		c.URL = strings.TrimPrefix(c.URL, base)
		out = append(out, c)
	}
	return out
}

func creditTexts(cs []archive.Credit) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, c := range cs {
		if !seen[c.Text] {
			seen[c.Text] = true
			out = append(out, c.Text)
		}
	}
	return out
}
