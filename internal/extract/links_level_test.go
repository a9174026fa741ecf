package extract_test

import (
	"reflect"
	"regexp"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/portal"
)

// reCheckerNoNews is the "no news" sign of the link checker's soft-404
// test (internal/links): a links-level page must give it the same answer
// as a full page.
var reCheckerNoNews = regexp.MustCompile(`(?i)(no news (for|on) this day|there is no news|no news found|новостей за этот день нет|нет новостей|навін за гэты дзень няма|няма навін)`)

// sameLinksFields fails unless the links-level page lp carries exactly the
// full page fp's links-pack fields, and none of the article fields.
func sameLinksFields(t *testing.T, name string, fp, lp *archive.Page) {
	t.Helper()
	if fp.ExtractorVersion != extract.Version || lp.ExtractorVersion != extract.LinksVersion || extract.LinksVersion == extract.Version {
		t.Errorf("%s: versions %q (full) and %q (links), want %q and %q", name, fp.ExtractorVersion, lp.ExtractorVersion, extract.Version, extract.LinksVersion)
	}
	same := []struct {
		field     string
		full, lnk any
	}{
		{"URL", fp.URL, lp.URL},
		{"CaptureID", fp.CaptureID, lp.CaptureID},
		{"Charset", fp.Charset, lp.Charset},
		{"CharsetFrom", fp.CharsetFrom, lp.CharsetFrom},
		{"CharsetNote", fp.CharsetNote, lp.CharsetNote},
		{"CharsetHeader", fp.CharsetHeader, lp.CharsetHeader},
		{"CharsetMeta", fp.CharsetMeta, lp.CharsetMeta},
		{"Title", fp.Title, lp.Title},
		{"Lang", fp.Lang, lp.Lang},
		{"DetectedLang", fp.DetectedLang, lp.DetectedLang},
		{"CanonicalURL", fp.CanonicalURL, lp.CanonicalURL},
		{"Kind", fp.Kind, lp.Kind},
		{"KindEvidence", fp.KindEvidence, lp.KindEvidence},
		{"Links", fp.Links, lp.Links},
		{"Menu", fp.Menu, lp.Menu},
		{"Pagination", fp.Pagination, lp.Pagination},
		{"Breadcrumbs", fp.Breadcrumbs, lp.Breadcrumbs},
		{"Calendar", fp.Calendar, lp.Calendar},
		{"IDs", fp.IDs, lp.IDs},
		{"soft-404 no-news sign", fp.WordCount < 400 && reCheckerNoNews.MatchString(fp.Body), lp.WordCount < 400 && reCheckerNoNews.MatchString(lp.Body)},
	}
	for _, s := range same {
		if !reflect.DeepEqual(s.full, s.lnk) {
			t.Errorf("%s: %s differs\n\tfull  %#v\n\tlinks %#v", name, s.field, s.full, s.lnk)
		}
	}
	if lp.Body != "" && (lp.Body != fp.Body || lp.WordCount != fp.WordCount) {
		t.Errorf("%s: the links-level body (%d words) is not the full body (%d words)", name, lp.WordCount, fp.WordCount)
	}
	for _, w := range lp.Warnings {
		if !containsStr(fp.Warnings, w) {
			t.Errorf("%s: links-level warning %q not in the full extraction's %q", name, w, fp.Warnings)
		}
	}
	if lp.Headline != "" || lp.Published != (archive.Date{}) || lp.Modified != (archive.Date{}) || lp.Dateline != (archive.Dateline{}) ||
		lp.Source != "" || len(lp.Authors) > 0 || len(lp.Images) > 0 || len(lp.Credits) > 0 || lp.H1Count != 0 || lp.EmptyByline != "" {
		t.Errorf("%s: the links-level page carries article fields: headline %q, published %+v, dateline %+v, source %q, authors %q, %d images, %d credits",
			name, lp.Headline, lp.Published, lp.Dateline, lp.Source, lp.Authors, len(lp.Images), len(lp.Credits))
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestLinksOnlyPortal extracts every HTML page of the demo portal twice,
// fully and at the links level, and asserts that the links-level page
// gives the link checker exactly what the full one gives (every fifth page
// with -short).
func TestLinksOnlyPortal(t *testing.T) {
	pages, _ := servePortal(t, portal.Config{Seed: 7}, portal.KindHome, portal.KindListing, portal.KindCalendar, portal.KindDayArchive,
		portal.KindStatic, portal.KindArticle, portal.KindPhotoReport)
	if len(pages) < 100 {
		t.Fatalf("only %d pages served", len(pages))
	}
	full := extract.New(extract.Options{Now: fixedNow})
	links := extract.New(extract.Options{Now: fixedNow, LinksOnly: true})
	kinds := map[archive.PageKind]int{}
	step := 1
	if testing.Short() {
		step = 5
	}
	for i := 0; i < len(pages); i += step {
		f := pages[i]
		fp, err := full.Page(f.input)
		if err != nil {
			t.Fatal(err)
		}
		lp, err := links.Page(f.input)
		if err != nil {
			t.Fatal(err)
		}
		sameLinksFields(t, f.truth.URL, fp, lp)
		kinds[lp.Kind]++
	}
	for _, k := range []archive.PageKind{archive.KindArticle, archive.KindListing, archive.KindHome, archive.KindCalendar, archive.KindDayArchive, archive.KindOther} {
		if kinds[k] == 0 {
			t.Errorf("no %s page among the %d portal pages (kinds %v)", k, len(pages), kinds)
		}
	}
}

// TestLinksOnlyEval does the same on the evaluation pages (every eighth
// one with -short).
func TestLinksOnlyEval(t *testing.T) {
	pages := evalPages(t)
	full := extract.New(extract.Options{Now: fixedNow})
	links := extract.New(extract.Options{Now: fixedNow, LinksOnly: true})
	step := 1
	if testing.Short() {
		step = 8
	}
	for i := 0; i < len(pages); i += step {
		fp, err := full.Page(pages[i])
		if err != nil {
			t.Fatal(err)
		}
		lp, err := links.Page(pages[i])
		if err != nil {
			t.Fatal(err)
		}
		sameLinksFields(t, pages[i].URL, fp, lp)
	}
}
