package timeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/sitemap"
	"golang.org/x/net/html"
)

// IndexVersion names the logic that computes digests; digests written by
// another version are recomputed by a re-index.
const IndexVersion = "timeline/1 " + extract.Version

// IndexStore is what the Indexer reads from and writes to. internal/sqlite
// implements it.
type IndexStore interface {
	// Run returns one run, or archive.ErrNotFound.
	Run(ctx context.Context, id int64) (archive.Run, error)
	// RunCaptures calls fn for every capture of a run, in id order, with
	// its body (revisits carry the body they repeat).
	RunCaptures(ctx context.Context, runID int64, fn func(*archive.Capture) error) error
	// Capture returns one capture; with body true, its Body holds the bytes.
	Capture(ctx context.Context, id int64, body bool) (*archive.Capture, error)
	// RunAliases returns the aliases the crawl recorded in a run, alias →
	// canonical URL.
	RunAliases(ctx context.Context, runID int64) (map[string]string, error)
	// EverCaptured returns which of urls (canonical) were captured in any
	// run up to and including runID.
	EverCaptured(ctx context.Context, runID int64, urls []string) (map[string]bool, error)
	// PutVersions replaces the timeline digests and the never-captured URLs
	// of a run.
	PutVersions(ctx context.Context, runID int64, version string, vs []Version, missing []Missing) error
}

// IndexOptions configure the Indexer.
type IndexOptions struct {
	// Volatile lists the parts of pages stripped before hashing and
	// comparing.
	Volatile Volatile
	// Canonical turns a link target into the canonical form the crawl
	// stores URLs under; nil keeps the URL as it is, without its fragment.
	Canonical func(raw string) string
	// SoftNotFound are patterns of page titles and headlines that mean
	// "not found" on a page that answered 200.
	SoftNotFound []string
	// CorrectionSelectors are CSS selectors of correction and update
	// notes; CorrectionPattern matches such a note in the body text.
	CorrectionSelectors []string
	CorrectionPattern   string
	// Extractor extracts the fields of pages; nil uses extract.New with
	// NoBody set.
	Extractor *extract.Extractor
}

// DefaultIndexOptions returns the defaults: the default volatile parts,
// the usual not-found titles (English, Russian, Belarusian) and correction
// notes marked by class or by a leading "Correction:"/"Updated:".
func DefaultIndexOptions() IndexOptions {
	return IndexOptions{
		Volatile: DefaultVolatile(),
		SoftNotFound: []string{
			`(?i)\b(page|article|document)\s+(was\s+)?not\s+found\b`,
			`(?i)^\s*(404|not found|error 404)\b`,
			`(?i)\b(there (is|are) )?no (news|articles|materials|publications) (for|on) (this|the selected|that) (day|date)\b`,
			`(?i)страница не найдена|новостей (за этот день )?нет|старонка не знойдзена|навін (за гэты дзень )?няма`,
		},
		CorrectionSelectors: []string{`.correction`, `.update-note`, `[class*=correction]`, `[class*=erratum]`, `[data-correction]`},
		CorrectionPattern:   `(?im)^\s*(correction|corrected|clarification|update|updated|editor['’]s note)\b\s*[:.—–-]`,
	}
}

// Indexer computes the digests of a run's captures: the normalised content
// hash and the compared fields of each, and the references between the
// run's listings, day archives, calendars, sitemaps and articles.
type Indexer struct {
	version    string
	store      IndexStore
	norm       *Normaliser
	canonical  func(string) string
	soft       []*regexp.Regexp
	correction []cascadia.Selector
	corrText   *regexp.Regexp
	extractor  *extract.Extractor
}

// NewIndexer builds an Indexer over store.
func NewIndexer(store IndexStore, opts IndexOptions) (*Indexer, error) {
	n, err := NewNormaliser(opts.Volatile)
	if err != nil {
		return nil, err
	}
	cfg, err := json.Marshal([]any{opts.Volatile, opts.SoftNotFound, opts.CorrectionSelectors, opts.CorrectionPattern})
	if err != nil {
		return nil, fmt.Errorf("index options: %w", err)
	}
	ix := &Indexer{store: store, norm: n, canonical: opts.Canonical, extractor: opts.Extractor,
		version: IndexVersion + " " + HashText(string(cfg))[:12]}
	if ix.canonical == nil {
		ix.canonical = func(raw string) string { s, _, _ := strings.Cut(raw, "#"); return s }
	}
	if ix.extractor == nil {
		// The extractor's own paragraph heuristic gives the body: the
		// timeline needs the same text from the same page every time, not
		// the best boilerplate removal, and it is four times faster than
		// go-trafilatura.
		ix.extractor = extract.New(extract.Options{NoBody: true})
	}
	for _, p := range opts.SoftNotFound {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("soft-not-found pattern %q: %w", p, err)
		}
		ix.soft = append(ix.soft, re)
	}
	for _, s := range opts.CorrectionSelectors {
		sel, err := cascadia.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("correction selector %q: %w", s, err)
		}
		ix.correction = append(ix.correction, sel)
	}
	if opts.CorrectionPattern != "" {
		if ix.corrText, err = regexp.Compile(opts.CorrectionPattern); err != nil {
			return nil, fmt.Errorf("correction pattern %q: %w", opts.CorrectionPattern, err)
		}
	}
	return ix, nil
}

// listingMinItems is how many of the run's articles a page must link from
// its content to count as a listing.
const listingMinItems = 5

// softNotFoundWords is the body length (in words) under which the body
// text is searched for "not found" and "no news" messages.
const softNotFoundWords = 60

// indexed is one capture during indexing, with what pass 2 needs.
type indexed struct {
	v       Version
	links   []string // canonical targets of content links (listings, day archives)
	pages   []string // canonical pagination targets (listings)
	cal     []archive.CalendarDay
	locs    []string // sitemap <loc>s
	sitemap bool
}

// Index computes and stores the digests of every capture of run. It
// replaces what an earlier Index of the run stored.
func (ix *Indexer) Index(ctx context.Context, runID int64) error {
	run, err := ix.store.Run(ctx, runID)
	if err != nil {
		return fmt.Errorf("index run %d: %w", runID, err)
	}
	aliases, err := ix.store.RunAliases(ctx, runID)
	if err != nil {
		return fmt.Errorf("index run %d: aliases: %w", runID, err)
	}
	var items []*indexed
	st := &runState{strs: map[string]string{}, cals: map[string]bool{}}
	err = ix.store.RunCaptures(ctx, runID, func(c *archive.Capture) error {
		it := &indexed{v: Version{
			URL: c.CanonicalURL, RunID: c.RunID, RunStarted: run.StartedAt, CaptureID: c.ID, FetchedAt: c.FetchedAt.UTC(),
			Status: c.Status, FinalURL: c.FinalURL, Redirected: len(c.Redirects) > 0, Verdict: c.Verdict, BodySHA256: c.BodySHA256,
		}}
		if err := ix.digest(ctx, it, c, st); err != nil {
			return fmt.Errorf("capture %d: %w", c.ID, err)
		}
		it.v.Digest.Fields.Body = "" // hashed; kept out of memory and the store
		items = append(items, it)
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("index run %d: %w", runID, err)
	}
	missing, err := ix.link(ctx, runID, items, aliases)
	if err != nil {
		return fmt.Errorf("index run %d: %w", runID, err)
	}
	vs := make([]Version, len(items))
	for i, it := range items {
		vs[i] = it.v
	}
	if err := ix.store.PutVersions(ctx, runID, ix.version, vs, missing); err != nil {
		return fmt.Errorf("index run %d: store: %w", runID, err)
	}
	return nil
}

// Capture computes the digest of one capture on its own, with the body
// text in Fields.Body and without the references only a whole run can
// give. It is what `archiver diff` and the report compare.
func (ix *Indexer) Capture(ctx context.Context, captureID int64) (Version, error) {
	c, err := ix.store.Capture(ctx, captureID, true)
	if err != nil {
		return Version{}, fmt.Errorf("capture %d: %w", captureID, err)
	}
	it := &indexed{v: Version{
		URL: c.CanonicalURL, RunID: c.RunID, CaptureID: c.ID, FetchedAt: c.FetchedAt.UTC(),
		Status: c.Status, FinalURL: c.FinalURL, Redirected: len(c.Redirects) > 0, Verdict: c.Verdict, BodySHA256: c.BodySHA256,
	}}
	if run, err := ix.store.Run(ctx, c.RunID); err == nil {
		it.v.RunStarted = run.StartedAt
	}
	if err := ix.digest(ctx, it, c, nil); err != nil {
		return Version{}, fmt.Errorf("capture %d: %w", captureID, err)
	}
	return it.v, nil
}

// digest fills in the digest of one capture: it loads the body, strips the
// volatile parts, hashes and extracts.
func (ix *Indexer) digest(ctx context.Context, it *indexed, c *archive.Capture, st *runState) error {
	v := &it.v
	v.Indexed = true
	if c.Verdict == archive.VerdictRevisit && c.Status == 304 && c.RevisitOf != 0 {
		// A 304 repeats an earlier response: take its status, and its
		// Content-Type when the 304 sent none.
		if orig, err := ix.store.Capture(ctx, c.RevisitOf, false); err == nil {
			v.Status = orig.Status
			if c.ContentType() == "" && orig.ContentType() != "" {
				h := c.Header.Clone()
				if h == nil {
					h = http.Header{}
				}
				h.Set("Content-Type", orig.ContentType())
				cc := *c
				cc.Header = h
				c = &cc
			}
		} else if !errors.Is(err, archive.ErrNotFound) {
			return err
		}
	}
	if len(c.Body) == 0 {
		return nil
	}
	ct := strings.ToLower(c.ContentType())
	if ct == "" {
		// A 304 revisit may carry no Content-Type: sniff the body.
		ct = strings.ToLower(http.DetectContentType(c.Body))
	}
	switch {
	case strings.Contains(ct, "xml") || bytes.HasPrefix(bytes.TrimSpace(c.Body), []byte("<?xml")):
		locs, ok := sitemap.Locs(c.Body)
		v.Digest.ContentHash = HashText(string(c.Body))
		if ok {
			it.sitemap = true
			for _, l := range locs {
				it.locs = append(it.locs, ix.canonical(l))
			}
		}
		return nil
	case ct != "" && !strings.Contains(ct, "html"):
		// A document (PDF, image, text): compared by its bytes, and a
		// content page whose removal counts.
		v.Digest.ContentHash = c.BodySHA256
		v.Digest.Kind = archive.KindOther
		v.Digest.Section = SectionOf(v.URL)
		return nil
	}
	norm, err := ix.norm.Normalise(c.Body, c.ContentType())
	if err != nil {
		v.Digest.ContentHash = c.BodySHA256
		return nil // not HTML we can read: compared by its bytes
	}
	v.Digest.ContentHash = norm.Hash
	page, err := ix.extractor.Page(extract.Input{URL: finalURL(c), Body: norm.HTML, CaptureID: c.ID, FetchedAt: c.FetchedAt})
	if page == nil {
		return fmt.Errorf("extract: %w", err)
	}
	d := &v.Digest
	d.Kind = page.Kind
	if d.Kind == archive.KindArticle && len(page.Pagination) > 0 {
		d.Kind = archive.KindListing // articles are not paginated; lists are
	}
	d.Section = SectionOf(v.URL)
	if page.CanonicalURL != "" {
		d.Duplicate = ix.canonical(page.CanonicalURL) != v.URL
	}
	f := &d.Fields
	f.Headline = ix.norm.Text(page.Headline)
	f.Published = dateText(page.Published)
	f.Modified = dateText(page.Modified)
	f.Authors = normList(ix.norm, page.Authors)
	f.Source = ix.norm.Text(page.Source)
	f.Dateline = ix.norm.Text(page.Dateline.Raw)
	for _, cr := range page.Credits {
		if t := ix.norm.Text(cr.Name); t != "" && !slices.Contains(f.Credits, t) {
			f.Credits = append(f.Credits, t)
		}
	}
	for _, cr := range page.Breadcrumbs {
		if t := ix.norm.Text(cr.Text); t != "" {
			f.Breadcrumbs = append(f.Breadcrumbs, t)
		}
	}
	f.Correction = ix.correctionOf(norm.Doc, page.Body)
	f.Body = strings.Join(bodyText(ix.norm.Lines(page.Body), f), "\n")
	f.BodyHash = HashText(f.Body)
	// A short page is soft-404 when its title, headline or text says "not
	// found" or "no news".
	short := ""
	if page.WordCount < softNotFoundWords {
		short = f.Body
	}
	for _, re := range ix.soft {
		if re.MatchString(norm.Title) || re.MatchString(f.Headline) || short != "" && re.MatchString(short) {
			d.SoftNotFound = true
			break
		}
	}
	if d.Kind == archive.KindDayArchive || page.Calendar != nil && dayOfURL(v.URL) != "" {
		d.Day = dayOfURL(v.URL)
	}
	if page.Calendar != nil && st.newCalendar(page.Calendar) {
		it.cal = page.Calendar.Days
	}
	for _, l := range page.Links {
		if l.URL == "" || l.Tag != "a" {
			continue
		}
		switch l.Place {
		case archive.PlaceBody, archive.PlaceOther:
			it.links = append(it.links, st.intern(ix.canonical(l.URL)))
		case archive.PlacePagination:
			it.pages = append(it.pages, st.intern(ix.canonical(l.URL)))
		}
	}
	for _, p := range page.Pagination {
		it.pages = append(it.pages, st.intern(ix.canonical(p)))
	}
	if (d.Kind == archive.KindArticle || d.Kind == archive.KindOther) && d.Day == "" && len(it.links) < listingMinItems {
		it.links = nil // too few to make it a listing: not needed, not kept
	}
	return nil
}

// runState is what indexing one run shares between its captures to bound
// memory: link targets interned, each distinct calendar kept once.
type runState struct {
	strs map[string]string
	cals map[string]bool
}

// intern returns the one copy of s kept for the run.
func (st *runState) intern(s string) string {
	if st == nil {
		return s
	}
	if v, ok := st.strs[s]; ok {
		return v
	}
	st.strs[s] = s
	return s
}

// newCalendar reports whether the run has not seen this calendar (the
// same month with the same linked days) before.
func (st *runState) newCalendar(c *archive.Calendar) bool {
	if st == nil {
		return true
	}
	var b strings.Builder
	b.WriteString(c.Month)
	for _, d := range c.Days {
		if d.Linked {
			b.WriteString(" ")
			b.WriteString(d.URL)
		}
	}
	key := b.String()
	if st.cals[key] {
		return false
	}
	st.cals[key] = true
	return true
}

// correctionOf returns the text of the page's correction or update note,
// "" if it has none.
func (ix *Indexer) correctionOf(doc *html.Node, body string) string {
	if len(ix.correction) > 0 && doc != nil {
		var parts []string
		for _, sel := range ix.correction {
			for _, n := range cascadia.QueryAll(doc, sel) {
				if t := ix.norm.Text(nodeText(n)); t != "" {
					parts = append(parts, t)
				}
			}
		}
		if len(parts) > 0 {
			return strings.Join(parts, " ")
		}
	}
	if ix.corrText != nil {
		for _, line := range strings.Split(body, "\n") {
			if ix.corrText.MatchString(line) {
				return ix.norm.Text(line)
			}
		}
	}
	return ""
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func normList(n *Normaliser, in []string) []string {
	var out []string
	for _, s := range in {
		if t := n.Text(s); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// dateText renders an extracted date as "YYYY-MM-DD[ HH:MM]".
func dateText(d archive.Date) string {
	if d.Value == "" {
		return ""
	}
	if d.Time != "" {
		return d.Value + " " + d.Time
	}
	return d.Value
}

// link computes, over the whole run, where each capture is linked from,
// what each day archive lists, and which sitemap URLs no run captured.
func (ix *Indexer) link(ctx context.Context, runID int64, items []*indexed, aliases map[string]string) ([]Missing, error) {
	byURL := map[string]*indexed{}
	for _, it := range items {
		if prev, ok := byURL[it.v.URL]; !ok || StateOf(prev.v) != StateGood {
			byURL[it.v.URL] = it
		}
	}
	// resolve follows aliases and the run's own redirects to the URL the
	// run stored the page under.
	resolve := func(u string) string {
		for range 5 {
			if a, ok := aliases[u]; ok && a != u {
				u = a
				continue
			}
			if it, ok := byURL[u]; ok && it.v.Redirected && it.v.FinalURL != "" {
				if f := ix.canonical(it.v.FinalURL); f != u {
					u = f
					continue
				}
			}
			break
		}
		return u
	}
	// A page that links many of the run's articles from its content is a
	// listing, whatever its own text looks like.
	for _, it := range items {
		if k := it.v.Digest.Kind; k != archive.KindArticle && k != archive.KindOther || it.v.Digest.Day != "" {
			continue
		}
		var arts []string
		for _, l := range it.links {
			u := resolve(l)
			if t, ok := byURL[u]; ok && u != it.v.URL && t.v.Digest.Kind == archive.KindArticle && !slices.Contains(arts, u) {
				arts = append(arts, u)
			}
		}
		if len(arts) >= listingMinItems {
			it.v.Digest.Kind = archive.KindListing
		}
	}
	refs := map[string]Refs{}
	dayOf := map[string]string{}    // day archive URL → its date, from calendars
	dayPages := map[string]string{} // date → the good day archive keeping to that date
	var locs []string
	listingSections := map[string]bool{} // sections whose listing pages were all captured
	listingSeen := map[string]bool{}
	for _, it := range items {
		switch {
		case it.sitemap:
			for _, l := range it.locs {
				refs[resolve(l)] |= RefSitemap
				locs = append(locs, l)
			}
		case it.v.Digest.Kind == archive.KindListing:
			sec := it.v.Digest.Section
			if _, seen := listingSeen[sec]; !seen {
				listingSeen[sec] = true
				listingSections[sec] = true
			}
			for _, l := range it.links {
				refs[resolve(l)] |= RefListing
			}
			for _, p := range it.pages {
				if t, ok := byURL[resolve(p)]; !ok || StateOf(t.v) != StateGood {
					listingSections[sec] = false
				}
			}
		case it.v.Digest.Day != "":
			for _, l := range it.links {
				refs[resolve(l)] |= RefDay
			}
		}
		for _, cd := range it.cal {
			if cd.Linked && cd.URL != "" {
				u := resolve(ix.canonical(cd.URL))
				refs[u] |= RefCalendar
				if cd.Date != "" {
					dayOf[u] = cd.Date
				}
			}
		}
	}
	// Published dates of the run's articles, to judge day archives.
	published := map[string]string{}
	var newestDay string
	for _, it := range items {
		if it.v.Digest.Kind == archive.KindArticle {
			published[it.v.URL] = datePart(it.v.Digest.Fields.Published)
		}
	}
	listsOf := map[*indexed]string{}
	for _, it := range items {
		d := &it.v.Digest
		if day, ok := dayOf[it.v.URL]; ok && d.Day == "" {
			d.Day = day
		}
		if d.Day == "" || d.Kind == archive.KindArticle {
			continue
		}
		var arts []string
		for _, l := range it.links {
			u := resolve(l)
			if u == it.v.URL || slices.Contains(arts, u) || isIndexURL(u, byURL) {
				continue
			}
			arts = append(arts, u)
			d.Items++
			p := published[u]
			if p == "" {
				continue
			}
			d.ItemsDated++
			switch {
			case p == d.Day:
				d.ItemsOnDay++
			case p > d.Day:
				d.ItemsAfter++
			}
		}
		slices.Sort(arts)
		listsOf[it] = strings.Join(arts, "\n")
		if StateOf(it.v) == StateGood && d.ItemsOnDay > 0 && d.ItemsAfter == 0 {
			if prev, ok := dayPages[d.Day]; !ok || prev == "" {
				dayPages[d.Day] = it.v.URL
			}
			if d.Day > newestDay {
				newestDay = d.Day
			}
		}
	}
	// A day archive that lists exactly what the newest day's page lists,
	// for another date, serves the latest list whatever it is asked.
	var newestList string
	if u, ok := dayPages[newestDay]; ok {
		newestList = listsOf[byURL[u]]
	}
	for it, list := range listsOf {
		if newestList != "" && list == newestList && it.v.Digest.Day != newestDay {
			it.v.Digest.LatestListed = true
		}
	}
	// One article under several URLs (a listing's ?page=N carried over to
	// its links, tracking parameters the crawl kept): it is linked if any
	// of its URLs is, so that a link moving from one of them to another
	// does not make an orphan.
	identity := func(d *Digest) string {
		if d.Kind != archive.KindArticle || d.Fields.BodyHash == "" || d.Fields.Headline == "" {
			return ""
		}
		return d.Fields.Headline + "\x00" + d.Fields.BodyHash
	}
	shared := map[string]Refs{}
	for _, it := range items {
		if key := identity(&it.v.Digest); key != "" && StateOf(it.v) == StateGood {
			shared[key] |= refs[it.v.URL]
		}
	}
	for _, it := range items {
		d := &it.v.Digest
		d.Refs = refs[it.v.URL]
		if key := identity(d); key != "" {
			d.Refs |= shared[key] & indexRefs
		}
		if d.Kind == archive.KindArticle {
			if day := datePart(d.Fields.Published); day != "" {
				_, d.DayCaptured = dayPages[day]
			}
			d.ListingComplete = listingSections[d.Section]
		}
	}
	// Sitemap URLs no run captured.
	if len(locs) == 0 {
		return nil, nil
	}
	var ask []string
	for _, l := range locs {
		if _, ok := byURL[resolve(l)]; !ok && !slices.Contains(ask, l) {
			ask = append(ask, l)
		}
	}
	slices.Sort(ask)
	ever, err := ix.store.EverCaptured(ctx, runID, ask)
	if err != nil {
		return nil, fmt.Errorf("captured urls: %w", err)
	}
	var missing []Missing
	for _, l := range ask {
		if !ever[l] {
			missing = append(missing, Missing{URL: l, Via: "sitemap", Kind: "sitemap"})
		}
	}
	return missing, nil
}

// dayOfURL reads the date a day archive URL asks for: day, month and year
// query parameters (two-digit years taken as 20YY), or a date in the path
// (/YYYY/MM/DD/, YYYY-MM-DD, DD.MM.YYYY). It returns "" when there is none,
// and the date as asked when it does not exist (2024-02-30), so that a
// server that answers it anyway can be caught.
func dayOfURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	q := u.Query()
	d, m, y := strings.TrimRight(q.Get("day"), "/"), strings.TrimRight(q.Get("month"), "/"), strings.TrimRight(q.Get("year"), "/")
	if d != "" && m != "" && y != "" {
		var dd, mm, yy int
		if _, err := fmt.Sscanf(d+" "+m+" "+y, "%d %d %d", &dd, &mm, &yy); err == nil {
			if yy < 100 {
				yy += 2000
			}
			return fmt.Sprintf("%04d-%02d-%02d", yy, mm, dd)
		}
	}
	if m := pathDate.FindStringSubmatch(u.Path); m != nil {
		switch {
		case m[1] != "":
			return m[1] + "-" + m[2] + "-" + m[3]
		case m[4] != "":
			return m[4] + "-" + m[5] + "-" + m[6]
		default:
			return m[9] + "-" + m[8] + "-" + m[7]
		}
	}
	return ""
}

var pathDate = regexp.MustCompile(`(?:/(\d{4})/(\d{2})/(\d{2})(?:/|$))|(?:(\d{4})-(\d{2})-(\d{2}))|(?:(\d{2})\.(\d{2})\.(\d{4}))`)

// validDay reports whether a YYYY-MM-DD date exists.
func validDay(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// finalURL is where the capture's body came from.
func finalURL(c *archive.Capture) string {
	if c.FinalURL != "" {
		return c.FinalURL
	}
	return c.URL
}

// Version names the digests this indexer writes: IndexVersion and a hash
// of its options (volatile parts, not-found and correction patterns), so
// that digests are recomputed when the configuration changes.
func (ix *Indexer) Version() string { return ix.version }

// Canonical returns the canonical form of a URL, as the indexer resolves
// link targets.
func (ix *Indexer) Canonical(raw string) string { return ix.canonical(raw) }

// isIndexURL reports whether u is an index page of the portal rather than
// an item: a day archive, calendar, listing or home page, by its URL or by
// what the run captured there.
func isIndexURL(u string, byURL map[string]*indexed) bool {
	if dayOfURL(u) != "" || isHome(u) {
		return true
	}
	if it, ok := byURL[u]; ok {
		return churning(it.v.Digest.Kind)
	}
	return false
}

// bylineWords is the longest line (in words) that can be a byline, a
// credit or a note rather than a paragraph of the text.
const bylineWords = 12

// bodyText keeps the lines of the article's own text: it drops the lines
// that only repeat a compared field (the headline, a byline naming an
// author, a photo credit, the correction note), so that a byline or a note
// that comes or goes is reported as that field's change, not as an edit of
// the text.
func bodyText(lines []string, f *Fields) []string {
	out := lines[:0:0]
	for _, l := range lines {
		if l == f.Headline || f.Correction != "" && (l == f.Correction || len(strings.Fields(l)) >= 3 && strings.Contains(f.Correction, l)) {
			continue
		}
		if len(strings.Fields(l)) <= bylineWords && (containsAny(l, f.Authors) || containsAny(l, f.Credits)) {
			continue
		}
		out = append(out, l)
	}
	return out
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if x != "" && strings.Contains(s, x) {
			return true
		}
	}
	return false
}
