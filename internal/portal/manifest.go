package portal

import (
	"sort"

	"github.com/archiver-dev/archiver/internal/archive"
)

// Manifest is the planted truth of a portal on its Day: every URL the
// portal serves or links to, what each page is and contains, every link
// that is not a plain link to a canonical page, the crawler traps, empty
// archive days, redirects, the robots.txt rules, the rate-limited areas,
// the parts of pages that change on every request, and what changed on
// each day up to Day.
//
// Every URL in the manifest is root-relative (path plus query, as the
// portal writes it), so the manifest holds for any base URL. Where a link
// is written with the request's host name, Href shows it as "{host}".
type Manifest struct {
	Seed     int64  `json:"seed"`           // the generator seed
	Articles int    `json:"articles"`       // articles per language on day 0
	Day      int    `json:"day"`            // the day the portal stands on
	Host     string `json:"host,omitempty"` // canonical host name, "" if none is configured
	// Today is the portal's current date on Day (YYYY-MM-DD); the portal
	// prints it in its "today" widget and never reads the wall clock.
	Today     string   `json:"today"`
	Languages []string `json:"languages"` // en, ru, be
	// TemplateDrift is the first date (YYYY-MM-DD) of the new templates:
	// articles dated on or after it use the "new" article template (JSON-LD,
	// canonical tag, <time>), listings whose newest item is on or after it
	// use the ".tl_item" list template; everything older uses "old"
	// (".lenta_item" lists, no JSON-LD, no canonical tag).
	TemplateDrift string `json:"template_drift"`

	// Pages has one entry per URL the portal serves or links to (trap
	// families are listed once as Traps, with a few sample pages), sorted
	// by URL.
	Pages []Page `json:"pages"`
	// Links lists every link that is broken, hidden, malformed, redirected,
	// insecure or points at a duplicate, and every link in an article body.
	// Every other link the portal writes (menus, breadcrumbs, listings,
	// pagination, calendar widgets, footers) resolves directly to a page
	// listed in Pages with status 200.
	// Links that match a Trap pattern are not listed.
	Links []Link `json:"links"`
	// Traps are the URL families that never end.
	Traps []Trap `json:"traps"`
	// EmptyDays are the days between the oldest article and Today without
	// listed news, per language, with how their day archive answers.
	EmptyDays []EmptyDay `json:"empty_days"`
	// EmptyDaysBefore are the days before the oldest article that the
	// month calendar pages in Pages link (a month page links every day of
	// its month), per language, with how their day archive answers: 404 or
	// 200 "no news", as EmptyDays do. They lie outside the archive's range,
	// so they are no gap in it, but each is a broken or soft-404 link on
	// its calendar page. (The days after Today that calendar pages link
	// answer 200 with the latest news: see the day-archive-range trap.)
	EmptyDaysBefore []EmptyDay `json:"empty_days_before"`
	// Cadence is how often each language as a whole publishes: daily
	// (articles on about five days in seven before day 0, weekends
	// included, and two a day after it), so that its EmptyDays without
	// EmptiedBy are the gaps in that cadence. SectionCadence is how its
	// sections publish: irregularly, as stories are spread over them at
	// random, so no section has a gap of its own.
	Cadence        Cadence `json:"cadence"`
	SectionCadence Cadence `json:"section_cadence"`
	// Redirects are the planted redirects and chains.
	Redirects []Redirect `json:"redirects"`
	// Robots is what /robots.txt says.
	Robots Robots `json:"robots"`
	// RateLimits are the areas where the portal refuses requests when the
	// corresponding Quirks switch is on.
	RateLimits []RateLimit `json:"rate_limits"`
	// Volatile are the parts of every HTML page that change on every
	// request or every day and must not count as a change of the page.
	Volatile []Volatile `json:"volatile"`
	// Changes are the events of days 1..Day, in day order.
	Changes []Change `json:"changes"`
	// Defects documents the editorial and technical defect vocabulary.
	Defects []DefectInfo `json:"defects"`
	// Counts summarises Pages by kind, quirk and defect.
	Counts Counts `json:"counts"`
}

// Kind is the role of a URL on the portal.
type Kind string

// The kinds of URL the portal serves.
const (
	KindHome        Kind = "home"         // /en/, /ru/, /be/
	KindListing     Kind = "listing"      // a section listing, ?page=N
	KindArticle     Kind = "article"      // a news article
	KindPhotoReport Kind = "photo-report" // an article of the photo section
	KindCalendar    Kind = "calendar"     // a month calendar page
	KindDayArchive  Kind = "day-archive"  // the news of one day (or at or before one day)
	KindPrint       Kind = "print"        // the print version of an article
	KindRSS         Kind = "rss"          // an RSS feed
	KindRobots      Kind = "robots"       // /robots.txt
	KindSitemap     Kind = "sitemap"      // /sitemap.xml
	KindPDF         Kind = "pdf"          // a PDF document
	KindImage       Kind = "image"        // a JPEG image
	KindSearch      Kind = "search"       // the JSON search API (disallowed by robots.txt)
	KindStatic      Kind = "static"       // a static page (tourism, staff area)
	KindStylesheet  Kind = "stylesheet"   // /css/portal.css
	KindNotFound    Kind = "not-found"    // a URL that answers 404
	KindGone        Kind = "gone"         // a URL that answers 410
	KindRedirect    Kind = "redirect"     // a URL that answers 301/302
	KindTrap        Kind = "trap"         // a member of a crawler-trap family
)

// CharsetDecl says how a page declares the charset of its bytes.
type CharsetDecl string

// The ways a page declares its charset.
const (
	DeclBoth     CharsetDecl = "both"     // HTTP header and <meta>, agreeing with the bytes
	DeclHeader   CharsetDecl = "header"   // only the Content-Type header
	DeclMeta     CharsetDecl = "meta"     // only a <meta> tag
	DeclNone     CharsetDecl = "none"     // no declaration anywhere
	DeclWrong    CharsetDecl = "wrong"    // the declaration does not match the bytes
	DeclConflict CharsetDecl = "conflict" // header and <meta> disagree (the header is right)
)

// Defect is the stable id of a planted editorial or technical defect. The
// rule engine is scored against these ids one to one.
type Defect string

// The planted defects.
const (
	DefectMissingByline        Defect = "missing-byline"         // no author, no source agency, no dateline
	DefectEmptyByline          Defect = "empty-byline"           // "Written by:" followed by no name
	DefectMissingCredit        Defect = "missing-credit"         // an image with no photo credit anywhere
	DefectCreditAltOnly        Defect = "credit-alt-only"        // the credit is only in the image's alt text
	DefectCreditWithoutImage   Defect = "credit-without-image"   // a photo credit on a page with no image
	DefectDatelineDateMismatch Defect = "dateline-date-mismatch" // the dateline's date differs from the page date
	DefectMissingHeadline      Defect = "missing-headline"       // no <h1> at all
	DefectMultipleH1           Defect = "multiple-h1"            // more than one <h1>
	DefectFutureDate           Defect = "future-date"            // published date after the portal's today
	DefectDuplicateHeadline    Defect = "duplicate-headline"     // two articles of one language share a headline
	DefectLangMissing          Defect = "lang-missing"           // <html> has no lang attribute
	DefectLangWrong            Defect = "lang-wrong"             // <html lang> names another language
	DefectPlaceholderText      Defect = "placeholder-text"       // "Lorem ipsum" or "TODO" left in the body
	DefectBreadcrumbMismatch   Defect = "breadcrumb-mismatch"    // the breadcrumb names another section than the URL
	DefectCharsetMissing       Defect = "charset-missing"        // no charset declared anywhere
	DefectCharsetWrong         Defect = "charset-wrong"          // the declared charset does not match the bytes
	DefectCharsetConflict      Defect = "charset-conflict"       // HTTP header and <meta> declare different charsets
)

// DefectInfo documents one defect id.
type DefectInfo struct {
	ID          Defect `json:"id"`
	Description string `json:"description"`
}

// AllDefects returns the defect vocabulary with descriptions, in a stable
// order.
func AllDefects() []DefectInfo {
	return []DefectInfo{
		{DefectMissingByline, "the article names no author, no source agency and has no dateline"},
		{DefectEmptyByline, `the article has a "Written by" line with an empty name`},
		{DefectMissingCredit, "an image in the article has no photo credit anywhere"},
		{DefectCreditAltOnly, "the photo credit appears only in the image's alt text, not visibly"},
		{DefectCreditWithoutImage, "the article prints a photo credit but has no image"},
		{DefectDatelineDateMismatch, "the dateline's date differs from the published date"},
		{DefectMissingHeadline, "the article has no <h1> headline"},
		{DefectMultipleH1, "the article has more than one <h1>"},
		{DefectFutureDate, "the published date is after the portal's current date"},
		{DefectDuplicateHeadline, "another article in the same language has the same headline"},
		{DefectLangMissing, "the <html> element has no lang attribute"},
		{DefectLangWrong, "the <html lang> attribute names another language than the page's"},
		{DefectPlaceholderText, `placeholder text ("Lorem ipsum", "TODO") was published`},
		{DefectBreadcrumbMismatch, "the breadcrumb names another section than the URL's"},
		{DefectCharsetMissing, "the page declares no charset in the header or a <meta> tag"},
		{DefectCharsetWrong, "the declared charset does not match the bytes"},
		{DefectCharsetConflict, "the HTTP header and the <meta> tag declare different charsets"},
	}
}

// Quirk names a planted peculiarity of a page that is not an editorial
// defect (a crawler, an extractor or a report must cope with it).
type Quirk string

// The planted page quirks.
const (
	QuirkCharset1251       Quirk = "windows-1251"       // the bytes are windows-1251
	QuirkHeadlineCaption   Quirk = "headline-caption"   // the headline is repeated as the image alt and caption
	QuirkSoftHyphens       Quirk = "soft-hyphens"       // U+00AD inside the h1
	QuirkTimeInH1          Quirk = "time-in-h1"         // a <time> element inside the h1
	QuirkJSONLD            Quirk = "json-ld"            // NewsArticle JSON-LD in the head
	QuirkCanonicalTag      Quirk = "canonical-tag"      // <link rel=canonical> present
	QuirkPersonFIO         Quirk = "person-fio"         // the byline is a div.person_fio with a title attribute
	QuirkAgencyOnly        Quirk = "agency-only"        // attributed to the agency only, no person
	QuirkLeadingNbsp       Quirk = "leading-nbsp"       // the dateline starts with U+00A0
	QuirkTASSDateline      Quirk = "tass-dateline"      // "MOSCOW, June 26. /TASS/." style
	QuirkForeignDateline   Quirk = "foreign-dateline"   // the dateline names a city abroad
	QuirkLarge             Quirk = "large"              // a very large page (several megabytes)
	QuirkGzip              Quirk = "gzip"               // always sent with Content-Encoding: gzip
	QuirkHostileScript     Quirk = "hostile-script"     // a <script> in the article body
	QuirkHostileOnerror    Quirk = "hostile-onerror"    // an <img onerror=…> in the body
	QuirkHostileTitle      Quirk = "hostile-title"      // "</script>" inside the <title>
	QuirkTemplateOld       Quirk = "template-old"       // the old template (before TemplateDrift)
	QuirkTemplateNew       Quirk = "template-new"       // the new template (TemplateDrift and after)
	QuirkSoft404           Quirk = "soft-404"           // status 200 with a "no news" message
	QuirkDateIgnored       Quirk = "date-ignored"       // the date parameters are ignored (latest news shown)
	QuirkAtOrBefore        Quirk = "at-or-before"       // lists news at or before the date (Kremlin style)
	QuirkCorrected         Quirk = "corrected"          // carries a correction note and a modified date
	QuirkEdited            Quirk = "edited"             // silently edited: body or headline changed, date unchanged
	QuirkOrphaned          Quirk = "orphaned"           // served but in no listing, sitemap or day archive
	QuirkRobotsDisallowed  Quirk = "robots-disallowed"  // disallowed by robots.txt
	QuirkRateLimited403    Quirk = "rate-limited-403"   // in the 403 area (Quirks.RateLimit403)
	QuirkSlow              Quirk = "slow"               // delayed by Quirks.Slow
	QuirkRelativeLinks     Quirk = "relative-links"     // listing items link with relative hrefs
	QuirkUnpaddedID        Quirk = "unpadded-id"        // the _i_ id is not zero-padded (photo reports)
	QuirkPunctuationDashes Quirk = "punctuation-dashes" // punctuation in the slug became a run of dashes
)

// Page is the truth about one URL.
type Page struct {
	URL    string `json:"url"`            // root-relative path and query
	Kind   Kind   `json:"kind"`           // the page's role
	Lang   string `json:"lang,omitempty"` // en, ru or be; "" for language-neutral resources
	Status int    `json:"status"`         // the HTTP status it answers with (rate limits off)
	// Location is where a redirect points (root-relative, or absolute with
	// "{host}" for host-variant redirects).
	Location    string `json:"location,omitempty"`
	ContentType string `json:"content_type,omitempty"` // the Content-Type header as sent
	// Charset is the real encoding of the bytes ("utf-8" or
	// "windows-1251"); CharsetDecl says how it is declared, HeaderCharset and
	// MetaCharset what the declarations say ("" if absent).
	Charset       string      `json:"charset,omitempty"`
	CharsetDecl   CharsetDecl `json:"charset_decl,omitempty"`
	HeaderCharset string      `json:"header_charset,omitempty"`
	MetaCharset   string      `json:"meta_charset,omitempty"`
	LangAttr      string      `json:"lang_attr,omitempty"` // <html lang> as written, "" if absent
	Title         string      `json:"title,omitempty"`     // <title> text as written (decoded)
	// Canonical is the URL of the canonical page this URL shows; it equals
	// URL for canonical pages. CanonicalTag is the href of <link
	// rel=canonical> as written, "" if the page has none.
	Canonical    string `json:"canonical,omitempty"`
	CanonicalTag string `json:"canonical_tag,omitempty"`
	// DuplicateOf is set on duplicates (print, jsessionid, utm_*, ?page=,
	// section alias, page=1): the canonical URL, with DuplicateWhy the kind.
	DuplicateOf  string `json:"duplicate_of,omitempty"`
	DuplicateWhy string `json:"duplicate_why,omitempty"`
	Template     string `json:"template,omitempty"` // "old" or "new" for articles and listings
	// LastModified is the Last-Modified header (http.TimeFormat), "" when
	// the page sends none. Pages that send it answer a request whose
	// If-Modified-Since is not earlier with 304 Not Modified.
	LastModified string `json:"last_modified,omitempty"`

	// Quirks are the planted peculiarities of the page.
	Quirks []Quirk `json:"quirks,omitempty"`
	// Defects are the planted defects a checker must report.
	Defects []Defect `json:"defects,omitempty"`
	// Clean pages have no planted defect, no listed link in them, a correct
	// charset declaration and no hostile content: a checker must report
	// nothing on them.
	Clean bool `json:"clean,omitempty"`

	InSitemap bool `json:"in_sitemap,omitempty"` // listed in /sitemap.xml
	InListing bool `json:"in_listing,omitempty"` // an article listed in its section (not orphaned)

	Breadcrumbs []archive.Crumb `json:"breadcrumbs,omitempty"` // the trail, Home first
	Menu        []archive.Crumb `json:"menu,omitempty"`        // the site menu
	Calendar    *CalendarTruth  `json:"calendar,omitempty"`    // the archive calendar on the page
	Article     *Article        `json:"article,omitempty"`     // the article truth (canonical articles only)
	// Items are the article URLs a listing, day archive, feed or home page
	// links to, in order.
	Items []string `json:"items,omitempty"`
}

// CalendarTruth is the archive calendar widget on a page.
type CalendarTruth struct {
	Month string `json:"month"` // YYYY-MM
	Prev  string `json:"prev"`  // URL of the previous month's calendar page
	Next  string `json:"next"`  // URL of the next month's calendar page
	// LinkedDays are the days (1..31) that link to a day archive: on
	// widgets only the days with news, on calendar pages every day.
	LinkedDays []int `json:"linked_days"`
}

// Article is the truth an extractor is scored against.
type Article struct {
	ID    int `json:"id"`    // the _i_ number
	Story int `json:"story"` // the story index; the same story in en/ru/be has the same index
	// Section and Sub are the URL segments of the article's own section.
	Section string `json:"section"`
	Sub     string `json:"sub"`
	// Headline is the headline as a reader sees it (soft hyphens and a
	// <time> inside the h1 removed); "" when the page has no h1.
	// HeadlineRaw is the h1 text including soft hyphens.
	Headline    string       `json:"headline"`
	HeadlineRaw string       `json:"headline_raw,omitempty"`
	Published   archive.Date `json:"published"`
	Modified    archive.Date `json:"modified"` // zero unless the page prints a modified date
	// Dateline is the opening of the wire story; zero if there is none.
	Dateline archive.Dateline `json:"dateline"`
	Source   string           `json:"source"`  // the agency or issuing body, "" if none
	Authors  []string         `json:"authors"` // persons only
	// Byline says how the article is attributed: "person", "person-fio",
	// "agency", "empty" ("Written by" with no name) or "none".
	Byline string          `json:"byline"`
	Images []archive.Image `json:"images"`
	// CreditVariant is how the credit is printed: "photo-by", "photos-by",
	// "photo-colon", "foto-belta", "foto-name-belta", "alt-only", "none",
	// "no-image".
	CreditVariant string   `json:"credit_variant"`
	Credits       []string `json:"credits"` // credit texts as printed
	Print         string   `json:"print"`   // URL of the print version
	// Translations are the URLs of the same story in the other languages.
	Translations map[string]string `json:"translations,omitempty"`
	Aliases      []string          `json:"aliases,omitempty"`    // other URLs serving this article (duplicates)
	Version      int               `json:"version"`              // 0, or the number of silent edits up to Day
	Correction   string            `json:"correction,omitempty"` // the correction note, if corrected
	// Lead is the first paragraph's text after the dateline.
	Lead string `json:"lead"`
	// Paragraphs is the number of body paragraphs (without planted links,
	// byline, correction and the large page's annex).
	Paragraphs int `json:"paragraphs"`
}

// LinkReason says what is special about a link.
type LinkReason string

// The reasons a link is listed.
const (
	LinkOK                LinkReason = "ok"                  // a plain working body link
	LinkCrossLanguageSlug LinkReason = "cross-language-slug" // another language's slug and id under this language: 404
	LinkGone              LinkReason = "gone"                // a deleted article: 410
	LinkNotFound          LinkReason = "not-found"           // a mistyped URL: 404
	LinkEmptyHref         LinkReason = "empty-href"          // href=""
	LinkJavascript        LinkReason = "javascript"          // href="javascript:…"
	LinkMalformed         LinkReason = "malformed"           // "http:/host/…" (one slash)
	LinkOnclickOnly       LinkReason = "onclick-only"        // the URL exists only in an onclick handler
	LinkWrongSection      LinkReason = "wrong-section"       // a relative link that resolves into the wrong section: 404
	LinkRedirect          LinkReason = "redirect"            // one redirect to a working page
	LinkRedirectChain     LinkReason = "redirect-chain"      // three redirects before a working page
	LinkRedirectLoop      LinkReason = "redirect-loop"       // redirects forever
	LinkInsecure          LinkReason = "insecure"            // an absolute http:// link to the portal itself
	LinkDuplicate         LinkReason = "duplicate"           // points at a duplicate (print, utm_*) instead of the canonical
	LinkMissingFragment   LinkReason = "missing-fragment"    // the #fragment names no element of the target
	LinkTrailingSlash     LinkReason = "trailing-slash"      // redirects to add the trailing slash
	LinkRemoved           LinkReason = "removed"             // the target was removed on a later day
	LinkPDF               LinkReason = "pdf"                 // a working link to a PDF document
)

// Link is one listed link.
type Link struct {
	From string `json:"from"` // the page it stands on
	// Href is the attribute value as written ("{host}" stands for the
	// request's host). Target is the root-relative URL it resolves to, ""
	// when it resolves to nothing fetchable.
	Href   string     `json:"href"`
	Target string     `json:"target,omitempty"`
	Attr   string     `json:"attr"` // href or onclick
	Text   string     `json:"text"`
	Place  string     `json:"place"` // body, footer, pagination, …
	Reason LinkReason `json:"reason"`
	// Broken is true when following the link does not end at a 200 page
	// (404, 410, a loop, javascript:, a malformed URL) or the #fragment it
	// names does not exist there.
	Broken bool `json:"broken"`
	// Status is the final status after following redirects (0 when the
	// href cannot be fetched).
	Status int `json:"status,omitempty"`
	// Hops is the number of redirects before the final answer.
	Hops int `json:"hops,omitempty"`
}

// Trap is a family of URLs that never ends.
type Trap struct {
	ID          string   `json:"id"`          // a stable name
	Description string   `json:"description"` // how the trap works
	Pattern     string   `json:"pattern"`     // a Go regexp over the root-relative URL
	Bound       string   `json:"bound"`       // what a crawler should do
	Examples    []string `json:"examples"`    // member URLs
}

// EmptyDay is a day in the archive range with no news.
type EmptyDay struct {
	Lang   string `json:"lang"`   // en, ru or be
	Date   string `json:"date"`   // YYYY-MM-DD
	URL    string `json:"url"`    // the day archive
	Status int    `json:"status"` // 200 (soft 404, "no news") or 404
	// EmptiedBy lists the articles dated that day which a later day
	// removed or orphaned, leaving the day without listed news; it is
	// empty for a day on which the portal never published (a gap in its
	// Cadence).
	EmptiedBy []string `json:"emptied_by,omitempty"`
}

// Cadence says how often a language of the portal publishes.
type Cadence string

// The cadences of the portal.
const (
	// CadenceDaily: articles are expected on every day, weekends included.
	CadenceDaily Cadence = "daily"
	// CadenceIrregular: no day is expected to have an article.
	CadenceIrregular Cadence = "irregular"
)

// Redirect is one planted redirect.
type Redirect struct {
	ID     string   `json:"id"`              // the kind: root, loop, chain, old-to-new, add-slash, …
	From   string   `json:"from"`            // the URL requested
	Chain  []string `json:"chain"`           // the Locations, in order
	Status []int    `json:"status"`          // the status of each hop
	Final  string   `json:"final,omitempty"` // the page it ends at, "" for a loop
	Loop   bool     `json:"loop,omitempty"`
	// HostVariant redirects apply only when Config.Host is set; From and
	// Chain are then absolute with the scheme and host.
	HostVariant bool `json:"host_variant,omitempty"`
}

// Robots is what robots.txt says.
type Robots struct {
	Disallow []string `json:"disallow"` // the Disallow paths for every user agent
	Sitemap  string   `json:"sitemap"`  // the sitemap, root-relative (robots.txt gives it absolute)
}

// RateLimit is an area where the portal refuses requests when switched on.
type RateLimit struct {
	ID          string `json:"id"`     // "429" or "403"
	Prefix      string `json:"prefix"` // a path pattern, "*" for any segment
	Enabled     bool   `json:"enabled"`
	Description string `json:"description"`
}

// Volatile is a part of pages that changes on every request or day.
type Volatile struct {
	ID       string `json:"id"`       // a stable name
	Selector string `json:"selector"` // a CSS selector of the element
	Changes  string `json:"changes"`  // "request" or "day"
	Pattern  string `json:"pattern"`  // a Go regexp matching it in the raw HTML
}

// ChangeKind is what happened to a page on a day.
type ChangeKind string

// The kinds of change.
const (
	ChangePublished ChangeKind = "published" // a new article appeared
	ChangeEdited    ChangeKind = "edited"    // body or headline changed, dates unchanged
	ChangeCorrected ChangeKind = "corrected" // modified date set and a correction note added
	ChangeRemoved   ChangeKind = "removed"   // now 404, 410 or a redirect to home
	ChangeOrphaned  ChangeKind = "orphaned"  // still served, dropped from listings, sitemap and day archives
)

// Change is one event of one day.
type Change struct {
	Day  int        `json:"day"`  // 1..Day
	Date string     `json:"date"` // YYYY-MM-DD of that day
	Kind ChangeKind `json:"kind"` // what happened
	URL  string     `json:"url"`  // the article's canonical URL
	// Status is the status the URL answers with after a removal (404, 410
	// or 301 to the home page).
	Status int `json:"status,omitempty"`
	// What describes an edit: "headline" or "body".
	What string `json:"what,omitempty"`
}

// Counts summarises a manifest.
type Counts struct {
	Pages   int                `json:"pages"`           // entries in Pages
	ByKind  map[Kind]int       `json:"by_kind"`         // pages per kind
	ByQuirk map[Quirk]int      `json:"by_quirk"`        // pages per quirk
	Defects map[Defect]int     `json:"by_defect"`       // pages per defect
	Links   map[LinkReason]int `json:"links_by_reason"` // listed links per reason
	Clean   int                `json:"clean"`           // clean article pages
}

// Lookup returns the page of a root-relative URL.
func (m *Manifest) Lookup(u string) (Page, bool) {
	k := sort.Search(len(m.Pages), func(k int) bool { return m.Pages[k].URL >= u })
	if k < len(m.Pages) && m.Pages[k].URL == u {
		return m.Pages[k], true
	}
	return Page{}, false
}

// ArticlePages returns the canonical article and photo-report pages that
// answer 200 (the pages with Article truth), in URL order.
func (m *Manifest) ArticlePages() []Page {
	var out []Page
	for _, pg := range m.Pages {
		if pg.Article != nil {
			out = append(out, pg)
		}
	}
	return out
}

// HasDefect reports whether the page carries a planted defect.
func (pg Page) HasDefect(d Defect) bool {
	for _, x := range pg.Defects {
		if x == d {
			return true
		}
	}
	return false
}

// HasQuirk reports whether the page carries a planted quirk.
func (pg Page) HasQuirk(q Quirk) bool {
	for _, x := range pg.Quirks {
		if x == q {
			return true
		}
	}
	return false
}
