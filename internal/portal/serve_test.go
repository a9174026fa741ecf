package portal_test

import (
	"mime"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/archiver-dev/archiver/internal/portal"
)

// TestEveryPageServedAsManifestSays fetches every URL of the manifest over
// a real server and checks status, redirect target, content type, charset
// bytes and declarations, lang attribute, canonical tag and title.
func TestEveryPageServedAsManifestSays(t *testing.T) {
	p, srv := served(t, portal.Config{Seed: 7})
	m := p.Manifest()
	c := noRedirect()
	if len(m.Pages) < 300 {
		t.Fatalf("manifest has %d pages, want a few hundred", len(m.Pages))
	}
	for _, pg := range m.Pages {
		f := get(t, c, srv.URL, pg.URL)
		if f.status != pg.Status {
			t.Errorf("%s: status %d, manifest says %d", pg.URL, f.status, pg.Status)
			continue
		}
		if pg.Location != "" && f.header.Get("Location") != pg.Location {
			t.Errorf("%s: Location %q, manifest says %q", pg.URL, f.header.Get("Location"), pg.Location)
		}
		if pg.ContentType != "" && f.header.Get("Content-Type") != pg.ContentType {
			t.Errorf("%s: Content-Type %q, manifest says %q", pg.URL, f.header.Get("Content-Type"), pg.ContentType)
		}
		if pg.Status == 200 && f.header.Get("Last-Modified") != pg.LastModified {
			t.Errorf("%s: Last-Modified %q, manifest says %q", pg.URL, f.header.Get("Last-Modified"), pg.LastModified)
		}
		if pg.Status != 200 || !strings.HasPrefix(pg.ContentType, "text/html") || pg.DuplicateOf != "" {
			continue
		}
		checkHTML(t, pg, f)
	}
}

// checkHTML checks the charset, declarations and head of an HTML page.
func checkHTML(t *testing.T, pg portal.Page, f fetched) {
	t.Helper()
	_, params, _ := mime.ParseMediaType(f.header.Get("Content-Type"))
	if got := strings.ToLower(params["charset"]); got != pg.HeaderCharset {
		t.Errorf("%s: header charset %q, manifest says %q", pg.URL, got, pg.HeaderCharset)
	}
	switch pg.Charset {
	case "windows-1251":
		if utf8.Valid(f.raw) {
			t.Errorf("%s: declared windows-1251 bytes in the manifest but the body is valid UTF-8", pg.URL)
		}
	case "utf-8":
		if !utf8.Valid(f.raw) {
			t.Errorf("%s: body is not valid UTF-8", pg.URL)
		}
	default:
		t.Errorf("%s: unknown charset %q", pg.URL, pg.Charset)
	}
	text := decode(t, f.raw, pg.Charset)
	d := parse(t, text)
	if d.metaCharset != pg.MetaCharset {
		t.Errorf("%s: meta charset %q, manifest says %q", pg.URL, d.metaCharset, pg.MetaCharset)
	}
	if d.langAttr != pg.LangAttr {
		t.Errorf("%s: lang attribute %q, manifest says %q", pg.URL, d.langAttr, pg.LangAttr)
	}
	if d.canonical != pg.CanonicalTag {
		t.Errorf("%s: canonical tag %q, manifest says %q", pg.URL, d.canonical, pg.CanonicalTag)
	}
	if pg.Title != "" && d.title != pg.Title {
		t.Errorf("%s: title %q, manifest says %q", pg.URL, d.title, pg.Title)
	}
	for _, q := range []struct {
		decl       portal.CharsetDecl
		header, me bool
	}{{portal.DeclBoth, true, true}, {portal.DeclHeader, true, false}, {portal.DeclMeta, false, true}, {portal.DeclNone, false, false}} {
		if pg.CharsetDecl == q.decl && ((pg.HeaderCharset != "") != q.header || (pg.MetaCharset != "") != q.me) {
			t.Errorf("%s: declaration %s inconsistent with header %q meta %q", pg.URL, pg.CharsetDecl, pg.HeaderCharset, pg.MetaCharset)
		}
	}
	if pg.Article != nil {
		checkArticle(t, pg, d)
	}
	if pg.Calendar != nil {
		for _, day := range pg.Calendar.LinkedDays {
			if !strings.Contains(text, ">"+strconv.Itoa(day)+"</a></td>") {
				t.Errorf("%s: calendar day %d is not linked", pg.URL, day)
			}
		}
	}
	for _, it := range pg.Items {
		if !containsLinkTo(pg.URL, d, it) {
			t.Errorf("%s: item %s is not linked", pg.URL, it)
		}
	}
}

// containsLinkTo reports whether the page links (a/href, resolved) to u.
func containsLinkTo(from string, d doc, u string) bool {
	base, _ := url.Parse("http://x" + from)
	for _, l := range d.links {
		if l.attr != "href" {
			continue
		}
		r, err := base.Parse(l.val)
		if err != nil {
			continue
		}
		if r.RequestURI() == u || r.String() == "http://x"+u {
			return true
		}
	}
	return false
}

// checkArticle checks the article truth against the served page.
func checkArticle(t *testing.T, pg portal.Page, d doc) {
	t.Helper()
	a := pg.Article
	has := func(d portal.Defect) bool {
		for _, x := range pg.Defects {
			if x == d {
				return true
			}
		}
		return false
	}
	switch {
	case has(portal.DefectMissingHeadline):
		if len(d.h1) != 0 || a.Headline != "" {
			t.Errorf("%s: missing-headline page has h1 %q, truth %q", pg.URL, d.h1, a.Headline)
		}
	case has(portal.DefectMultipleH1):
		if len(d.h1) < 2 {
			t.Errorf("%s: multiple-h1 page has %d h1", pg.URL, len(d.h1))
		}
	default:
		if len(d.h1) != 1 {
			t.Errorf("%s: %d h1 elements, want 1", pg.URL, len(d.h1))
		} else if got := strings.ReplaceAll(d.h1[0], "\u00ad", ""); got != a.Headline {
			t.Errorf("%s: h1 %q, manifest headline %q", pg.URL, got, a.Headline)
		}
	}
	if !strings.Contains(d.text, a.Published.Text) {
		t.Errorf("%s: published date %q not printed", pg.URL, a.Published.Text)
	}
	if a.Modified.Text != "" && !strings.Contains(d.text, a.Modified.Text) {
		t.Errorf("%s: modified date %q not printed", pg.URL, a.Modified.Text)
	}
	if a.Dateline.Raw != "" && !strings.Contains(d.text, a.Dateline.Raw) {
		t.Errorf("%s: dateline %q not printed", pg.URL, a.Dateline.Raw)
	}
	if a.Dateline.Raw != "" && !strings.Contains(a.Dateline.Raw, a.Dateline.Place) {
		t.Errorf("%s: dateline place %q not in %q", pg.URL, a.Dateline.Place, a.Dateline.Raw)
	}
	if !strings.Contains(d.text, a.Lead) {
		t.Errorf("%s: lead %q not printed", pg.URL, a.Lead)
	}
	for _, au := range a.Authors {
		if !strings.Contains(d.text, au) && !strings.Contains(d.text, initialsOf(au)) {
			t.Errorf("%s: author %q not printed", pg.URL, au)
		}
	}
	for _, im := range a.Images {
		if !containsImg(d, im.Src) {
			t.Errorf("%s: image %s missing", pg.URL, im.Src)
		}
		switch im.CreditSource {
		case "alt":
			if strings.Contains(d.text, im.CreditText) {
				t.Errorf("%s: alt-only credit %q is visible", pg.URL, im.CreditText)
			}
		case "":
		default:
			if !strings.Contains(d.text, im.CreditText) {
				t.Errorf("%s: credit %q not visible", pg.URL, im.CreditText)
			}
		}
	}
	if has(portal.DefectCreditWithoutImage) && (len(a.Images) != 0 || len(a.Credits) == 0 || !strings.Contains(d.text, a.Credits[0])) {
		t.Errorf("%s: credit-without-image page wrong: images %d credits %q", pg.URL, len(a.Images), a.Credits)
	}
	if has(portal.DefectPlaceholderText) && !strings.Contains(d.text, "Lorem ipsum") && !strings.Contains(d.text, "TODO") {
		t.Errorf("%s: no placeholder text", pg.URL)
	}
	if has(portal.DefectEmptyByline) && !regexp.MustCompile(`(Written by|Автор|Аўтар): \n`).MatchString(d.text) {
		t.Errorf("%s: no empty byline", pg.URL)
	}
	for _, cr := range pg.Breadcrumbs {
		if !strings.Contains(d.text, cr.Text) || !containsLinkTo(pg.URL, d, cr.URL) {
			t.Errorf("%s: breadcrumb %q → %s missing", pg.URL, cr.Text, cr.URL)
		}
	}
	if has(portal.DefectBreadcrumbMismatch) == strings.Contains(pg.URL, pg.Breadcrumbs[len(pg.Breadcrumbs)-1].URL) {
		t.Errorf("%s: breadcrumb %s vs defect %v", pg.URL, pg.Breadcrumbs[len(pg.Breadcrumbs)-1].URL, has(portal.DefectBreadcrumbMismatch))
	}
}

func initialsOf(name string) string {
	f := strings.Fields(name)
	r := []rune(f[0])
	return string(r[0]) + ". " + strings.Join(f[1:], " ")
}

func containsImg(d doc, src string) bool {
	for _, l := range d.links {
		if l.tag == "img" && l.val == src {
			return true
		}
	}
	return false
}
