package portal_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/portal"
)

// TestUnlistedLinksResolveToServedPages checks the manifest's promise:
// every link the portal writes that is not in Manifest.Links and matches no
// trap pattern points straight at a page of the manifest answering 200.
func TestUnlistedLinksResolveToServedPages(t *testing.T) {
	for _, day := range []int{0, 6} {
		t.Run("day"+strconv.Itoa(day), func(t *testing.T) { unlistedLinks(t, day) })
	}
}

func unlistedLinks(t *testing.T, day int) {
	p, srv := served(t, portal.Config{Seed: 3, Day: day})
	m := p.Manifest()
	c := noRedirect()
	listed := map[string]bool{}
	for _, l := range m.Links {
		listed[l.From+"\x00"+l.Href] = true
	}
	var traps []*regexp.Regexp
	for _, tr := range m.Traps {
		traps = append(traps, regexp.MustCompile(tr.Pattern))
	}
	byURL := map[string]portal.Page{}
	for _, pg := range m.Pages {
		byURL[pg.URL] = pg
	}
	checked := 0
	for _, pg := range m.Pages {
		if pg.Status != 200 || !strings.HasPrefix(pg.ContentType, "text/html") || pg.DuplicateOf != "" {
			continue
		}
		f := get(t, c, srv.URL, pg.URL)
		d := parse(t, decode(t, f.raw, pg.Charset))
		base, _ := url.Parse(srv.URL + pg.URL)
		for _, l := range d.links {
			if l.attr == "onclick" {
				continue // onclick-only links are checked against Manifest.Links below
			}
			href := strings.ReplaceAll(l.val, strings.TrimPrefix(srv.URL, "http://"), "{host}")
			if listed[pg.URL+"\x00"+href] {
				continue
			}
			r, err := base.Parse(l.val)
			if err != nil {
				t.Errorf("%s: unlisted link %q does not parse: %v", pg.URL, l.val, err)
				continue
			}
			target := r.RequestURI()
			if r.Host != base.Host {
				t.Errorf("%s: unlisted link %q leaves the portal", pg.URL, l.val)
				continue
			}
			trapped := false
			for _, re := range traps {
				trapped = trapped || re.MatchString(target)
			}
			if trapped {
				continue
			}
			tp, ok := byURL[target]
			if !ok {
				t.Errorf("%s: unlisted link %q → %s is not in the manifest", pg.URL, l.val, target)
				continue
			}
			if tp.Status != 200 {
				t.Errorf("%s: unlisted link %q → %s answers %d", pg.URL, l.val, target, tp.Status)
			}
			if r.Fragment != "" && r.Fragment != "content" {
				t.Errorf("%s: unlisted link %q has a fragment", pg.URL, l.val)
			}
			checked++
		}
	}
	if checked < 10000 {
		t.Errorf("only %d links checked", checked)
	}
}

// TestListedLinksBehaveAsListed follows every listed link and compares the
// outcome with its reason, status, hops and brokenness.
func TestListedLinksBehaveAsListed(t *testing.T) {
	for _, day := range []int{0, 6} {
		t.Run("day"+strconv.Itoa(day), func(t *testing.T) { listedLinks(t, day) })
	}
}

func listedLinks(t *testing.T, day int) {
	p, srv := served(t, portal.Config{Seed: 3, Day: day})
	m := p.Manifest()
	host := strings.TrimPrefix(srv.URL, "http://")
	reasons := map[portal.LinkReason]bool{}
	for _, l := range m.Links {
		reasons[l.Reason] = true
		switch l.Reason {
		case portal.LinkEmptyHref, portal.LinkJavascript, portal.LinkMalformed:
			if l.Target != "" && l.Reason != portal.LinkEmptyHref {
				t.Errorf("%s: %s link has a target %q", l.From, l.Reason, l.Target)
			}
			if l.Reason == portal.LinkMalformed && !strings.HasPrefix(l.Href, "http:/{host}") {
				t.Errorf("%s: malformed link %q", l.From, l.Href)
			}
			continue
		}
		href := strings.ReplaceAll(l.Href, "{host}", host)
		href = strings.ReplaceAll(href, "{scheme}", "http")
		if l.Attr == "onclick" {
			href = l.Target
		}
		base, _ := url.Parse(srv.URL + l.From)
		u, err := base.Parse(href)
		if err != nil {
			t.Errorf("%s: %q: %v", l.From, href, err)
			continue
		}
		hops, final, status, loop := follow(t, u.String())
		if loop != (l.Reason == portal.LinkRedirectLoop) {
			t.Errorf("%s → %s: loop %v, reason %s", l.From, l.Href, loop, l.Reason)
			continue
		}
		if loop {
			continue
		}
		if hops != l.Hops {
			t.Errorf("%s → %s: %d hops, manifest says %d", l.From, l.Href, hops, l.Hops)
		}
		if l.Status != 0 && status != l.Status {
			t.Errorf("%s → %s: final status %d, manifest says %d", l.From, l.Href, status, l.Status)
		}
		if l.Broken != (status != 200 || l.Reason == portal.LinkMissingFragment) {
			t.Errorf("%s → %s: status %d but broken=%v (%s)", l.From, l.Href, status, l.Broken, l.Reason)
		}
		if l.Reason == portal.LinkMissingFragment {
			f := get(t, noRedirect(), srv.URL, final)
			if d := parse(t, string(f.raw)); d.ids[u.Fragment] {
				t.Errorf("%s → %s: fragment exists", l.From, l.Href)
			}
		}
	}
	for _, want := range []portal.LinkReason{portal.LinkCrossLanguageSlug, portal.LinkGone, portal.LinkNotFound, portal.LinkEmptyHref,
		portal.LinkJavascript, portal.LinkMalformed, portal.LinkOnclickOnly, portal.LinkWrongSection, portal.LinkRedirect,
		portal.LinkRedirectChain, portal.LinkRedirectLoop, portal.LinkInsecure, portal.LinkDuplicate, portal.LinkMissingFragment,
		portal.LinkTrailingSlash, portal.LinkPDF} {
		if !reasons[want] {
			t.Errorf("no link planted with reason %s", want)
		}
	}
}

// follow follows redirects by hand; it reports the hops, the final URL
// (root-relative), its status and whether the chain loops.
func follow(t *testing.T, u string) (hops int, final string, status int, loop bool) {
	t.Helper()
	c := noRedirect()
	seen := map[string]bool{}
	for {
		if seen[u] {
			return hops, "", 0, true
		}
		seen[u] = true
		resp, err := c.Get(u)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		resp.Body.Close()
		if resp.StatusCode < 300 || resp.StatusCode > 399 {
			return hops, resp.Request.URL.RequestURI(), resp.StatusCode, false
		}
		next, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
		if err != nil {
			t.Fatalf("%s: bad Location: %v", u, err)
		}
		u = next.String()
		hops++
		if hops > 20 {
			return hops, "", 0, true
		}
	}
}

// TestRedirectsAsListed walks every listed redirect chain hop by hop.
func TestRedirectsAsListed(t *testing.T) {
	p, srv := served(t, portal.Config{Seed: 5, Day: 4})
	m := p.Manifest()
	c := noRedirect()
	ids := map[string]bool{}
	for _, r := range m.Redirects {
		ids[r.ID] = true
		if r.HostVariant {
			continue
		}
		u := r.From
		for k, loc := range r.Chain {
			f := get(t, c, srv.URL, u)
			if f.status != r.Status[k] || f.header.Get("Location") != loc {
				t.Errorf("%s hop %d (%s): %d → %q, manifest says %d → %q", r.ID, k, u, f.status, f.header.Get("Location"), r.Status[k], loc)
				break
			}
			u = loc
		}
		f := get(t, c, srv.URL, u)
		if r.Loop {
			if f.status != http.StatusFound {
				t.Errorf("%s: loop ends at %s with %d", r.ID, u, f.status)
			}
		} else if f.status != 200 || u != r.Final {
			t.Errorf("%s: ends at %s with %d, manifest says %s", r.ID, u, f.status, r.Final)
		}
	}
	for _, want := range []string{"root", "rss", "loop", "add-slash-en", "old-to-new", "new-to-article", "chain", "add-slash", "remove-slash"} {
		if !ids[want] {
			t.Errorf("no redirect %q planted", want)
		}
	}
	removedToHome := false
	for _, ch := range m.Changes {
		removedToHome = removedToHome || (ch.Kind == portal.ChangeRemoved && ch.Status == 301)
	}
	if !removedToHome {
		t.Error("no removal redirected to the home page by day 4")
	}
}
