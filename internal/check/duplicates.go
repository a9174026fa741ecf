package check

import (
	"cmp"
	"context"
	"fmt"
	"hash/maphash"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// ContentKey identifies the extracted content of a page within one check
// run: two pages with the same key are the same page served under two
// URLs (a section alias, a "?page=2" copy, a URL with a session id), even
// when their bytes differ by a visit counter, a token or a rotating
// promotion outside the content. The zero key means the page has too
// little content (no headline or no body text, as on links-level pages)
// to tell a copy from another page; such pages are never grouped.
//
// Keys are seeded hashes: they are comparable only within one run of the
// engine and must not be stored.
type ContentKey struct {
	a, b uint64
}

// IsZero reports whether k is the zero key (content too thin to compare).
func (k ContentKey) IsZero() bool { return k == ContentKey{} }

// contentHasher computes content keys with two independently seeded
// hashes (128 bits: no accidental collision among millions of pages).
type contentHasher struct {
	s1, s2 maphash.Seed
	h1, h2 maphash.Hash
}

func newContentHasher() *contentHasher {
	c := &contentHasher{s1: maphash.MakeSeed(), s2: maphash.MakeSeed()}
	c.h1.SetSeed(c.s1)
	c.h2.SetSeed(c.s2)
	return c
}

// key returns the content key of a page: a hash over what page checks
// read from the content — kind, language and charset facts, title,
// headline, dates, dateline, source, authors, images and credits, and the
// body text. Links, menus, breadcrumbs and the calendar are left out: they
// are the site's navigation around the content (and relative links
// resolve differently under another directory), and the URL-dependent
// checks run on the representative URL anyway.
func (c *contentHasher) key(p *archive.Page) ContentKey {
	if p == nil || strings.TrimSpace(p.Headline) == "" || strings.TrimSpace(p.Body) == "" {
		return ContentKey{}
	}
	c.h1.Reset()
	c.h2.Reset()
	w := func(s string) {
		var n [8]byte
		l := strconv.AppendInt(n[:0], int64(len(s)), 10)
		c.h1.Write(l)
		c.h2.Write(l)
		c.h1.WriteByte(':')
		c.h2.WriteByte(':')
		c.h1.WriteString(s)
		c.h2.WriteString(s)
	}
	w(string(p.Kind))
	w(p.Lang)
	w(p.Charset)
	w(p.CharsetFrom)
	w(p.CharsetHeader)
	w(p.CharsetMeta)
	w(p.Title)
	w(p.Headline)
	w(p.Published.Value)
	w(p.Published.Text)
	w(p.Modified.Value)
	w(p.Modified.Text)
	w(p.Dateline.Raw)
	w(p.Source)
	w(strconv.Itoa(len(p.Authors)))
	for _, a := range p.Authors {
		w(a)
	}
	w(strconv.Itoa(len(p.Images)))
	for _, im := range p.Images {
		w(im.Src)
		w(im.Alt)
		w(im.Caption)
		w(im.CreditText)
	}
	w(strconv.Itoa(len(p.Credits)))
	for _, cr := range p.Credits {
		w(cr.Text)
	}
	w(p.Body)
	k := ContentKey{c.h1.Sum64(), c.h2.Sum64()}
	if k.IsZero() {
		k.b = 1
	}
	return k
}

// firstSeen is what the first page of a content key leaves behind: 16 bytes,
// enough to tell later that a copy has come and to rank the page then.
type firstSeen struct {
	captureID int64
	depth     int32
	status    int16 // as the check saw it (a 304 revisit as the response it repeats)
	crumbs    int8  // see crumbAgreement
	self      bool  // the page names its own URL as canonical
}

// member is one checked URL of a cluster of copies, with the capture
// evidence its findings carry (read back from the archive once the run's
// copies are known).
type member struct {
	url        string
	captureID  int64
	capturedAt time.Time
	sha        string
	status     int
	// What the representative is chosen by.
	selfCanonical bool // the page names its own URL as canonical
	listed        bool // a sitemap of the run lists the URL
	crumbs        int  // 0 the URL agrees with the linked breadcrumbs, 1 no linked crumbs, 2 it disagrees
	query         bool // the URL has a query string
	depth         int
}

// cluster is the set of checked URLs that serve the same content.
type cluster struct {
	members []member
	rep     int // index of the representative, after resolve
}

// duplicates groups the pages of one check run by content key. It keeps
// 16 bytes per page (see firstSeen), never the page; pages whose content was
// seen before are kept as clusters of copies, with their URLs.
type duplicates struct {
	hasher *contentHasher
	first  map[ContentKey]firstSeen
	copies map[ContentKey][]firstSeen // the second and later pages of a key
	multi  map[ContentKey]*cluster    // the clusters with copies, after resolve
	byURL  map[string]*cluster        // their URLs, after resolve
	byID   map[int64]*cluster         // their captures, after resolve
	index  map[int64]int              // a capture's index in its cluster, after resolve
	// declared maps the run's 2xx pages that name another URL as
	// canonical (print versions, tagged aliases; page checks skip them) to
	// that URL, then, after resolve, to its representative.
	declared map[string]string
}

func newDuplicates() *duplicates {
	return &duplicates{hasher: newContentHasher(), first: map[ContentKey]firstSeen{}, copies: map[ContentKey][]firstSeen{}, declared: map[string]string{}}
}

// declare records a page that names another URL as its canonical URL.
func (d *duplicates) declare(u, canonical string) {
	d.declared[u] = canonical
}

// add records a checked page (whose Content is set).
func (d *duplicates) add(pc *PageContext) {
	if pc.Content.IsZero() {
		return
	}
	u := pc.URL()
	sn := firstSeen{crumbs: int8(crumbAgreement(pc, u))}
	if c := pc.Capture; c != nil {
		sn.captureID, sn.depth, sn.status = c.ID, int32(c.Depth), int16(c.Status)
	} else if pc.Page != nil {
		sn.captureID = pc.Page.CaptureID
	}
	if canon := pc.Page.CanonicalURL; canon != "" && sameURL(canon, u) {
		sn.self = true
	}
	if _, dup := d.first[pc.Content]; dup {
		d.copies[pc.Content] = append(d.copies[pc.Content], sn)
		return
	}
	d.first[pc.Content] = sn
}

// gather builds the clusters of the content keys seen more than once,
// reading their captures' URLs and evidence back from the archive, and
// releases the per-page records.
func (d *duplicates) gather(ctx context.Context, a Archive) error {
	d.multi = map[ContentKey]*cluster{}
	for k, more := range d.copies {
		cl := &cluster{}
		for _, sn := range append([]firstSeen{d.first[k]}, more...) {
			c, err := a.Capture(ctx, sn.captureID, false)
			if err != nil {
				return fmt.Errorf("read capture %d of a duplicate page: %w", sn.captureID, err)
			}
			u := (&PageContext{Capture: c}).URL()
			cl.members = append(cl.members, member{
				url: u, captureID: c.ID, capturedAt: c.FetchedAt.UTC(), sha: c.BodySHA256, status: int(sn.status),
				selfCanonical: sn.self, crumbs: int(sn.crumbs), query: strings.Contains(u, "?"), depth: int(sn.depth),
			})
		}
		d.multi[k] = cl
	}
	d.first, d.copies = nil, nil
	return nil
}

// resolve picks the representative of every cluster with copies (see
// betterRepresentative) and indexes their URLs and captures.
func (d *duplicates) resolve() {
	d.byURL, d.byID, d.index = map[string]*cluster{}, map[int64]*cluster{}, map[int64]int{}
	for _, cl := range d.multi {
		for i := range cl.members {
			if betterRepresentative(&cl.members[i], &cl.members[cl.rep]) {
				cl.rep = i
			}
			d.byURL[cl.members[i].url] = cl
			d.byID[cl.members[i].captureID] = cl
			d.index[cl.members[i].captureID] = i
		}
	}
	if len(d.declared) == 0 {
		return
	}
	byPath := map[string]*cluster{}
	for u, cl := range d.byURL {
		byPath[pathQuery(u)] = cl
	}
	for u, c := range d.declared {
		if cl := byPath[pathQuery(c)]; cl != nil {
			d.declared[u] = cl.members[cl.rep].url
		}
	}
}

// representative returns the URL the page at u is reported under, and
// whether u is a copy: a page of a cluster of copies other than its
// representative, or a page naming another URL as canonical.
func (d *duplicates) representative(u string) (string, bool) {
	if cl := d.byURL[u]; cl != nil {
		rep := cl.members[cl.rep].url
		return rep, rep != u
	}
	if c, ok := d.declared[u]; ok {
		return c, true
	}
	return u, false
}

// ofCapture returns the cluster with copies of the page of a capture (nil
// when the page has none) and the page's index there.
func (d *duplicates) ofCapture(id int64) (*cluster, int) {
	cl := d.byID[id]
	if cl == nil {
		return nil, 0
	}
	return cl, d.index[id]
}

// betterRepresentative reports whether a is a better URL than b to report
// a page under, by the signals search engines weigh to pick a canonical
// URL among duplicates, strongest first: the URL the page itself names as
// canonical (<link rel=canonical>); else a URL the site's sitemap lists
// (the site's own list of its URLs; aliases and "?page=2" copies are not
// in it); else the URL whose sections its linked breadcrumbs lead through
// (a section alias files the page under a section its trail does not
// name); else a URL without a query string ("?page=2", session ids); else
// the URL fewer clicks from the seeds, the shorter, the first captured.
func betterRepresentative(a, b *member) bool {
	bool01 := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	return cmp.Or(
		cmp.Compare(bool01(!a.selfCanonical), bool01(!b.selfCanonical)),
		cmp.Compare(bool01(!a.listed), bool01(!b.listed)),
		cmp.Compare(a.crumbs, b.crumbs),
		cmp.Compare(bool01(a.query), bool01(b.query)),
		cmp.Compare(a.depth, b.depth),
		cmp.Compare(len(a.url), len(b.url)),
		cmp.Compare(a.captureID, b.captureID),
		strings.Compare(a.url, b.url),
	) < 0
}

// crumbAgreement says whether the page's URL u lies in the section its
// linked breadcrumbs lead to: 0 it does, 1 the trail links no section,
// 2 it does not (the path of the trail's deepest section, other than the
// home page and the page itself, is not a prefix of the URL's path). It
// works on the URLs' text, without parsing them: it runs on every page.
func crumbAgreement(pc *PageContext, u string) int {
	host, path := hostOf(u), urlPath(u)
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	deepest := ""
	for _, c := range pc.Page.Breadcrumbs {
		if c.URL == "" {
			continue
		}
		if h := hostOf(c.URL); h != "" && !strings.EqualFold(h, host) {
			continue
		}
		cp := urlPath(c.URL)
		if i := strings.IndexByte(cp, '?'); i >= 0 {
			cp = cp[:i]
		}
		segs := pathSegments(cp)
		if len(segs) == 0 || isIndex(segs) || strings.Trim(cp, "/") == strings.Trim(path, "/") {
			continue
		}
		deepest = cp
	}
	switch {
	case deepest == "":
		return 1
	case segmentPrefix(pathSegments(deepest), pathSegments(path)):
		return 0
	}
	return 2
}

// hostOf returns the host of an absolute URL, "" for a relative one.
func hostOf(u string) string {
	i := strings.Index(u, "://")
	if i < 0 {
		return ""
	}
	rest := u[i+3:]
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// lookup returns the cluster of the page at URL u when it has copies
// (nil otherwise), its representative, and whether u is a copy rather
// than the representative.
func (d *duplicates) lookup(u string) (cl *cluster, rep *member, isCopy bool) {
	cl = d.byURL[u]
	if cl == nil {
		return nil, nil, false
	}
	rep = &cl.members[cl.rep]
	return cl, rep, rep.url != u
}

// maxCopiesListed bounds the copies named in a finding's evidence.
const maxCopiesListed = 5

// copiesNote returns the note a representative's findings carry: the
// other URLs of the page, root-relative, "" when there are none.
func (cl *cluster) copiesNote() string {
	if cl == nil || len(cl.members) < 2 {
		return ""
	}
	var urls []string
	for i, m := range cl.members {
		if i == cl.rep {
			continue
		}
		if len(urls) == maxCopiesListed {
			urls = append(urls, fmt.Sprintf("%d more", len(cl.members)-1-maxCopiesListed))
			break
		}
		urls = append(urls, clip(pathQuery(m.url), 100))
	}
	return " [the same page is also served at " + strings.Join(urls, ", ") + "]"
}

// withNote appends a copies note to evidence, shortening the evidence so
// that the note survives the evidence bound.
func withNote(evidence, note string) string {
	if note == "" {
		return evidence
	}
	room := maxEvidence - len(note)
	if room < maxEvidence/3 {
		room = maxEvidence / 3
	}
	return clip(evidence, room) + note
}

// pathQuery returns the path and query of an absolute URL ("/a/b?x=1"),
// or the URL as given when it does not parse.
func pathQuery(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	out := u.EscapedPath()
	if out == "" {
		out = "/"
	}
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out
}
