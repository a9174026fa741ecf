// Package extract reads the structure of an archived page: it decodes the
// bytes (BOM, HTTP charset, <meta> anywhere in the head, a UTF-8 check before
// any legacy fallback), parses them with golang.org/x/net/html and derives an
// archive.Page — kind, headline, published and modified dates with their
// evidence, dateline, source agency apart from person authors, photo credits
// bound to their images, breadcrumbs, menu, archive calendar, pagination,
// body text, language, canonical URL, every link with its place on the page
// and the element ids.
//
// Structured data comes first (JSON-LD, then <meta>, then <time>), then DOM
// heuristics; the article body is taken from go-trafilatura (a trimmed copy
// in internal/trafilatura that skips the passes archiver does not use), and
// dates that no structured source gives come from go-htmldate unless the
// extractor runs in high-precision mode. A links-level extraction
// (Options.LinksOnly) reads only what the link checker needs. Optional site profiles (YAML, see LoadProfiles)
// override the heuristics for hosts whose templates are known.
//
// Extraction never panics: a recovered panic becomes an error, and
// pathological input (huge bodies, deep nesting, huge attributes) is cut to
// bounded size with a warning recorded on the page.
package extract

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Version identifies the extractor's logic. Pages stored with another
// version are re-derived by `archiver extract --rebuild` and at check time.
const Version = "extract/1.3"

// LinksVersion identifies pages made by a links-level extraction
// (Options.LinksOnly). It differs from Version, so a store that asks for
// full pages re-derives a page stored from a links-level extraction.
const LinksVersion = Version + "+links"

// Input is one page to extract: its bytes as the server sent them, the
// response headers (for the charset) and the URL it was fetched from.
type Input struct {
	URL       string
	Header    http.Header // may be nil
	Body      []byte
	CaptureID int64
	FetchedAt time.Time // when the page was fetched; zero if unknown
}

// Options tune an Extractor. The zero value is usable.
type Options struct {
	// Profiles are the site profiles whose selectors override the
	// heuristics for their hosts; nil means none.
	Profiles *Profiles
	// HighPrecision drops dates that only a weak clue supports (go-htmldate's
	// guess from the whole page): no date is better than a wrong one.
	HighPrecision bool
	// Now is the clock used to bound plausible dates when the input has no
	// fetch time; nil means time.Now.
	Now func() time.Time
	// MaxBytes bounds the decoded text that is parsed (default 8 MiB);
	// longer pages are cut with a warning.
	MaxBytes int
	// NoBody skips the body extraction with go-trafilatura (the body then
	// comes from the extractor's own paragraph heuristic).
	NoBody bool
	// LinksOnly asks for a links-level extraction, for the link checker:
	// the page gets its decoding (Charset…), Title, Lang and DetectedLang,
	// CanonicalURL, Kind and KindEvidence, Links (with place, anchor text,
	// attribute and issue), Menu, Pagination, Breadcrumbs, Calendar and IDs,
	// each exactly as a full extraction gives it, the warnings of decoding
	// and parsing, and ExtractorVersion LinksVersion. The headline, dates,
	// dateline, source, authors, images, credits, H1Count and EmptyByline
	// are left empty. Body and WordCount are filled (as in a full
	// extraction) only for a page whose visible text says there is no news,
	// the link checker's soft-404 sign; elsewhere they are "" and 0. It
	// costs about a third of a full extraction on the evaluation pages
	// (BenchmarkPageLinks) and a tenth on the demo portal's
	// (BenchmarkPortalLinks), nearly half of that the HTML parse.
	LinksOnly bool
}

// Extractor turns captures into pages. It is safe for concurrent use.
type Extractor struct {
	opts Options
}

// New returns an Extractor with the given options.
func New(opts Options) *Extractor {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 8 << 20
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Extractor{opts: opts}
}

// Page extracts the structure of a capture with the default options and the
// capture's own URL, headers and body.
func Page(c *archive.Capture) (*archive.Page, error) {
	return New(Options{}).Capture(c)
}

// Capture extracts the structure of a capture. The capture's body must be
// loaded.
func (x *Extractor) Capture(c *archive.Capture) (*archive.Page, error) {
	if c == nil {
		return nil, errors.New("extract: nil capture")
	}
	u := c.FinalURL
	if u == "" {
		u = c.URL
	}
	p, err := x.Page(Input{URL: u, Header: c.Header, Body: c.Body, CaptureID: c.ID, FetchedAt: c.FetchedAt})
	if p != nil && c.CanonicalURL != "" && p.URL == "" {
		p.URL = c.CanonicalURL
	}
	return p, err
}

// Page extracts the structure of one page. It never panics: an internal
// failure is returned as an error together with what could be extracted.
func (x *Extractor) Page(in Input) (page *archive.Page, err error) {
	page = &archive.Page{CaptureID: in.CaptureID, URL: in.URL, ExtractorVersion: Version}
	if x.opts.LinksOnly {
		page.ExtractorVersion = LinksVersion
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("extract %s: internal error: %v\n%s", in.URL, r, debug.Stack())
			page.Warnings = append(page.Warnings, fmt.Sprintf("extraction failed: %v", r))
		}
	}()
	x.run(in, page)
	return page, nil
}

// doc is the state shared by the extraction steps of one page.
type doc struct {
	x         *Extractor
	page      *archive.Page
	root      *html.Node
	body      *html.Node
	base      *url.URL // for resolving links
	pageURL   *url.URL
	host      string
	profile   *Profile
	meta      map[string][]string
	ld        ldData
	main      *html.Node // the main content element, nil if unknown
	headline  *html.Node // the element the headline came from, nil if none
	headBlock *html.Node // cached headlineBlock
	now       time.Time

	crumbNodes map[*html.Node]bool
	menuNodes  map[*html.Node]bool
	footNodes  map[*html.Node]bool
	calNode    *html.Node
	pageNodes  map[*html.Node]bool
	// regions holds the nodes of crumbNodes, menuNodes, footNodes and
	// pageNodes with the bits of the maps that hold them (built at the end
	// of findRegions), so that testing a node against all four is one
	// look-up.
	regions  map[*html.Node]regionBits
	removed  map[*html.Node]bool // noise removed by the profile
	siteName string

	// textLen is the length of the decoded page in bytes, which bounds
	// the pages handed to go-htmldate and go-trafilatura.
	textLen int
	// visible caches textOf(body), the page's visible text; mainMark is
	// the place of the main element's text in it.
	visible    string
	visibleSet bool
	mainMark   textMark
	// visibleNoNews is saysNoNews of the visible text, once runLinks has
	// read it (noNewsRead).
	visibleNoNews, noNewsRead bool
	// The steps that ran, so that a links-level extraction runs them on
	// demand, once (see links_level.go).
	headlineDone, bodyDone, datelineDone, datesDone bool
	// domDL caches domDateline, contentWords caches mainWords (-1 until
	// computed).
	domDL        *archive.Dateline
	contentWords int
	// anchorTexts are the <a> elements of the page in document order with
	// their text, from extractLinks; anchorNext is linkWords' cursor in
	// them.
	anchorTexts []nodeText
	anchorNext  int
	// hrefs caches the hrefs parsed and resolved against hrefBase (a page
	// links to many URLs more than once: menus, calendars, teasers);
	// hrefPrefix is hrefBase's "scheme://userinfo@host", "" when it has
	// no scheme or no host.
	hrefs      map[string]*parsedHref
	hrefBase   *url.URL
	hrefPrefix string
	// hrefSlab holds the parsedHref values that hrefs points to, allocated
	// together.
	hrefSlab []parsedHref

	// linkHint and textHint are counted by readHead's walk of the page, to
	// size what the later steps build: linkHint the elements that may be
	// links (a, area, link and the resources extractLinks reads), textHint
	// a bound (but for invalid UTF-8) on the bytes of the visible text: the
	// bytes of every text node outside <script>, <style>, <svg> and
	// <title>, trimmed of ASCII white space, and one more for the space
	// before it.
	linkHint, textHint int
}

// regionBits says which of the region maps (crumbNodes, menuNodes,
// footNodes, pageNodes) hold a node.
type regionBits uint8

// The bits of regionBits.
const (
	regionCrumb regionBits = 1 << iota
	regionMenu
	regionFoot
	regionPage
)

// parsedHref is an href of the page, parsed, and resolved on demand.
type parsedHref struct {
	ok       bool     // whether the href parses (url.Parse)
	u        *url.URL // the parsed href; nil for a plain root-relative one
	resolved bool
	s        string // the href resolved against the base (u without a base)
	abs      bool   // whether that resolved URL is absolute
}

// parseHref parses a trimmed href once per page and base. A plain
// root-relative href (see plainRootRelative) is resolved at once, as
// url.URL.ResolveReference would, without parsing it.
func (d *doc) parseHref(trimmed string) *parsedHref {
	if d.hrefs == nil || d.hrefBase != d.base {
		d.hrefs, d.hrefBase, d.hrefPrefix = make(map[string]*parsedHref, d.linkHint), d.base, ""
		if b := d.base; b != nil && b.Scheme != "" && b.Host != "" {
			d.hrefPrefix = (&url.URL{Scheme: b.Scheme, User: b.User, Host: b.Host}).String()
		}
	}
	h := d.hrefs[trimmed]
	if h == nil {
		if len(d.hrefSlab) == cap(d.hrefSlab) {
			d.hrefSlab = make([]parsedHref, 0, max(16, d.linkHint-len(d.hrefs)))
		}
		d.hrefSlab = d.hrefSlab[:len(d.hrefSlab)+1]
		h = &d.hrefSlab[len(d.hrefSlab)-1]
		if d.hrefPrefix != "" && plainRootRelative(trimmed) {
			h.ok, h.resolved, h.s, h.abs = true, true, d.hrefPrefix+trimmed, true
		} else if u, err := url.Parse(trimmed); err == nil {
			h.ok, h.u = true, u
		}
		d.hrefs[trimmed] = h
	}
	return h
}

// resolved returns h's URL resolved against the page's base (h's own
// URL when there is no base) and whether it is absolute; h must parse.
func (d *doc) resolved(h *parsedHref) (string, bool) {
	if !h.resolved {
		u := h.u
		if d.base != nil {
			u = d.base.ResolveReference(u)
		}
		h.s, h.abs, h.resolved = u.String(), u.IsAbs(), true
	}
	return h.s, h.abs
}

// plainRootRelative reports whether href is a root-relative path of
// unreserved characters (A-Z a-z 0-9 - . _ ~) and slashes, without empty,
// "." or ".." segments, with at most a non-empty query of unreserved
// characters, "=", "&" and "/": resolved against a base with a scheme and a
// host, it is the base's scheme://userinfo@host followed by href itself.
func plainRootRelative(href string) bool {
	if len(href) == 0 || href[0] != '/' {
		return false
	}
	path, query, hasQuery := strings.Cut(href, "?")
	if hasQuery && query == "" {
		return false
	}
	seg := 0 // the length of the current segment
	dots := 0
	for i := 1; i < len(path); i++ {
		switch hrefBytes[path[i]] {
		case hrefUnreserved:
		case hrefDot:
			dots++
		case hrefSlash:
			if seg == 0 || dots == seg && dots <= 2 {
				return false
			}
			seg, dots = 0, 0
			continue
		default:
			return false
		}
		seg++
	}
	if seg > 0 && dots == seg && dots <= 2 {
		return false
	}
	for i := 0; i < len(query); i++ {
		if hrefBytes[query[i]] == hrefOther {
			return false
		}
	}
	return true
}

// The classes of hrefBytes.
const (
	hrefOther      = iota
	hrefUnreserved // an unreserved character other than "."
	hrefDot
	hrefSlash
	hrefQuery // "=" or "&"
)

// hrefBytes classes the bytes of a plain root-relative href (built once,
// read only): one look-up per byte instead of unreserved's comparisons.
var hrefBytes = func() (t [256]uint8) {
	for c := range 256 {
		switch b := byte(c); {
		case b == '.':
			t[c] = hrefDot
		case b == '/':
			t[c] = hrefSlash
		case b == '=' || b == '&':
			t[c] = hrefQuery
		case unreserved(b):
			t[c] = hrefUnreserved
		}
	}
	return t
}()

// unreserved reports whether c is an unreserved URL character.
func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

func (x *Extractor) run(in Input, page *archive.Page) {
	d := x.prepare(in, page)
	if d == nil {
		return
	}
	if x.opts.LinksOnly {
		d.runLinks()
		return
	}
	d.needHeadline()
	d.extractNavigation()
	d.extractLinks()
	d.needBody()
	d.needDateline()
	d.needDates(true)
	d.extractAuthors()
	d.findEmptyByline()
	d.countH1()
	d.extractImages()
	d.extractLanguage()
	d.classify()
	if page.Breadcrumbs == nil {
		page.Breadcrumbs = []archive.Crumb{}
	}
}

// prepare runs the steps that every extraction shares, up to the regions
// and the main element, and returns the page's doc; it returns nil for a
// page it has finished (empty, binary or unparseable).
func (x *Extractor) prepare(in Input, page *archive.Page) *doc {
	ct := ""
	if in.Header != nil {
		ct = in.Header.Get("Content-Type")
	}
	if len(in.Body) == 0 {
		page.Kind = archive.KindOther
		page.KindEvidence = "empty body"
		page.Warnings = append(page.Warnings, "empty body")
		return nil
	}
	if looksBinary(in.Body) {
		page.Kind = archive.KindOther
		page.KindEvidence = "binary content"
		page.Warnings = append(page.Warnings, "body is not text (binary bytes)")
		return nil
	}
	// The decoded text is, for UTF-8 input, the body's bytes themselves
	// (raw), parsed without a copy.
	dec, raw := decodeBody(in.Body, ct)
	page.Charset, page.CharsetFrom, page.CharsetNote = dec.Charset, dec.From, dec.Note
	page.CharsetHeader, page.CharsetMeta = dec.Header, dec.Meta
	textLen := len(dec.Text)
	if raw != nil {
		textLen = len(raw)
	}
	if textLen > x.opts.MaxBytes {
		page.Warnings = append(page.Warnings, fmt.Sprintf("page of %d bytes cut to %d bytes for extraction", textLen, x.opts.MaxBytes))
		if raw != nil {
			raw = bytes.ToValidUTF8(raw[:x.opts.MaxBytes], nil)
			textLen = len(raw)
		} else {
			dec.Text = strings.ToValidUTF8(dec.Text[:x.opts.MaxBytes], "")
			textLen = len(dec.Text)
		}
	}
	var root *html.Node
	var warns []string
	if raw != nil {
		root, warns = parseBoundedBytes(raw)
	} else {
		root, warns = parseBounded(dec.Text)
	}
	page.Warnings = append(page.Warnings, warns...)
	if root == nil {
		page.Kind = archive.KindOther
		page.KindEvidence = "unparseable"
		return nil
	}

	d := &doc{x: x, page: page, root: root, meta: map[string][]string{}, textLen: textLen, contentWords: -1}
	d.now = in.FetchedAt
	if d.now.IsZero() {
		d.now = x.opts.Now()
	}
	d.pageURL, _ = url.Parse(strings.TrimSpace(in.URL))
	if d.pageURL != nil && !d.pageURL.IsAbs() {
		d.pageURL = nil
	}
	d.base = d.pageURL
	if d.pageURL != nil {
		d.host = strings.ToLower(d.pageURL.Hostname())
	}
	d.body = findFirst(root, func(n *html.Node) bool { return n.DataAtom == atom.Body })
	if d.body == nil {
		d.body = root
	}
	d.readHead()
	d.ld = readJSONLD(root)
	if d.ld.Errors > 0 {
		page.Warnings = append(page.Warnings, fmt.Sprintf("%d JSON-LD block(s) could not be parsed", d.ld.Errors))
	}
	if x.opts.Profiles != nil {
		d.profile = x.opts.Profiles.For(d.host)
		if d.profile == nil && page.CanonicalURL != "" {
			if cu, err := url.Parse(page.CanonicalURL); err == nil {
				d.profile = x.opts.Profiles.For(strings.ToLower(cu.Hostname()))
			}
		}
	}
	d.applyRemovals()

	d.findRegions()
	d.findMain()
	return d
}

// looksBinary reports whether the body is evidently not text: NUL bytes in
// its first kilobytes, outside of a UTF-16 byte order mark.
func looksBinary(b []byte) bool {
	if bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		return false
	}
	head := b
	if len(head) > 4096 {
		head = head[:4096]
	}
	return bytes.IndexByte(head, 0) >= 0
}

// readHead reads <meta>, <link rel=canonical>, <base>, <html lang> and
// <title>.
func (d *doc) readHead() {
	if h := findFirst(d.root, func(n *html.Node) bool { return n.DataAtom == atom.Html }); h != nil {
		d.page.Lang = normLang(attr(h, "lang"))
		if d.page.Lang == "" {
			d.page.Lang = normLang(attr(h, "xml:lang"))
		}
	}
	titleSeen := false
	walk(d.root, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			if n.Type == html.TextNode {
				d.textHint += trimmedLen(n.Data) + 1
			}
			return true
		}
		switch n.DataAtom {
		case atom.A, atom.Area, atom.Link, atom.Img, atom.Script, atom.Iframe, atom.Source, atom.Embed, atom.Video, atom.Audio:
			d.linkHint++
		}
		switch n.DataAtom {
		case atom.Meta:
			content := strings.TrimSpace(attr(n, "content"))
			if content == "" {
				content = strings.TrimSpace(attr(n, "value"))
			}
			for _, k := range []string{"name", "property", "itemprop", "http-equiv"} {
				if key := strings.ToLower(strings.TrimSpace(attr(n, k))); key != "" && content != "" {
					d.meta[key] = append(d.meta[key], html.UnescapeString(content))
				}
			}
		case atom.Link:
			rel := strings.ToLower(attr(n, "rel"))
			if hasToken(rel, "canonical") && d.page.CanonicalURL == "" {
				d.page.CanonicalURL = d.resolve(attr(n, "href"))
			}
		case atom.Base:
			if href := attr(n, "href"); href != "" && d.pageURL != nil {
				if b, err := d.pageURL.Parse(strings.TrimSpace(href)); err == nil {
					d.base = b
				}
			}
		case atom.Title:
			if !titleSeen && !hasAncestor(n, func(p *html.Node) bool { return p.DataAtom == atom.Svg }) {
				titleSeen = true
				d.page.Title = textOfTitle(n)
			}
			return false
		case atom.Script, atom.Style, atom.Svg:
			return false
		}
		return true
	})
	if d.page.Lang == "" {
		d.page.Lang = normLang(d.metaFirst("content-language", "og:locale", "dc.language", "language"))
	}
	d.siteName = d.metaFirst("og:site_name", "application-name", "al:android:app_name", "twitter:app:name:iphone")
}

// trimmedLen is len(strings.Trim(s, asciiSpace)), without building the
// cut set that strings.Trim builds on every call.
func trimmedLen(s string) int {
	i, j := 0, len(s)
	for i < j && isASCIISpace(s[i]) {
		i++
	}
	for j > i && isASCIISpace(s[j-1]) {
		j--
	}
	return j - i
}

// isASCIISpace reports whether c is one of asciiSpace.
func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func textOfTitle(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return collapse(b.String())
}

// metaFirst returns the first non-empty value among the given meta keys.
func (d *doc) metaFirst(keys ...string) string {
	for _, k := range keys {
		for _, v := range d.meta[k] {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if f == tok {
			return true
		}
	}
	return false
}

// resolve returns href resolved against the page's base URL; "" if it is
// not a valid URL.
func (d *doc) resolve(href string) string {
	href = strings.TrimSpace(href)
	if href == "" {
		return ""
	}
	h := d.parseHref(href)
	if !h.ok {
		return ""
	}
	s, abs := d.resolved(h)
	if !abs && d.base != nil {
		return ""
	}
	return s
}

// normLang reduces a language tag to its primary subtag, lower case.
func normLang(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_,; "); i >= 0 {
		s = s[:i]
	}
	if len(s) < 2 || len(s) > 3 {
		return ""
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return s
}
