package check

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/fold"
)

// EditorialKinds returns the built-in kinds of the editorial pack. Every
// engine has them; rule files pick one with `kind:`.
func EditorialKinds() []Kind {
	return []Kind{
		{
			Name:    "attribution",
			Summary: "An article names its author or its source (agency, issuing body).",
			Params:  []string{"allow_agency_only (bool, default true): an article credited only to an agency or organisation, with no person, passes"},
			Page:    newAttribution,
		},
		{
			Name:    "published-date",
			Summary: "A page prints a publication date that can be read as a calendar date.",
			Params:  []string{"weak_sources (list, default [url]): date sources that are guesses, not a printed date; a date only they give counts as missing (a go-htmldate guess counts only when its text reads as a printed date)"},
			Page:    newPublishedDate,
		},
		{
			Name:    "future-date",
			Summary: "The publication or modification date is not later than the capture (or the check run, if the capture time is unknown).",
			Params:  []string{"tolerance_days (int, default 1): days a date may lie ahead, for time zones"},
			Page:    newFutureDate,
		},
		{
			Name:    "dateline-date",
			Summary: "The date in the dateline (\"MINSK, 3 April (BelTA) -\") is the publication date.",
			Params:  []string{"max_days (int, default 0): days the two dates may differ"},
			Page:    newDatelineDate,
		},
		{
			Name:    "dateline-format",
			Summary: "A dateline has a place in capitals, a date, the agency in brackets and a dash.",
			Params: []string{
				"require_date (bool, default true): the dateline must carry a readable date",
				"require_agency (bool, default true): the dateline must name the agency",
				"dashes (list, default [\"-\", \"–\", \"—\", \"/.\"]): accepted separators",
			},
			Page: newDatelineFormat,
		},
		{
			Name:    "image-credit",
			Summary: "Every image in the main content has a photo credit.",
			Params: []string{
				"ignore (list of URL globs): image sources that need no credit (logos, icons)",
				"hidden_sources (list, default [alt]): credit sources readers do not see; a credit found only there counts as missing",
			},
			Page: newImageCredit,
		},
		{
			Name:    "orphan-credit",
			Summary: "A photo credit belongs to an image on the page.",
			Page:    newOrphanCredit,
		},
		{
			Name:    "breadcrumb-section",
			Summary: "The breadcrumb trail leads to the page through the sections of its URL.",
			Params:  []string{"compare_text (bool, default true): when the trail has no links, compare the section crumb's text with the URL's first section"},
			Page:    newBreadcrumbSection,
		},
		{
			Name:    "duplicate-headline",
			Summary: "No two pages carry the same headline; one page served under several URLs (a copy with the same content) is one page.",
			Params:  []string{"min_length (int, default 12): shorter headlines (\"Photo\", \"News\") are not compared"},
			Page:    newDuplicateHeadline,
		},
		{
			Name:    "language",
			Summary: "The declared page language is well formed and is the language the text is written in.",
			Params: []string{
				"by_path (map of URL path prefix to language, e.g. {\"/ru/\": ru}): the language pages under a prefix must declare",
				"min_words (int, default 40): compare with the detected language only on pages with at least this many words",
			},
			Page: newLanguage,
		},
		{
			Name:    "placeholder-text",
			Summary: "No placeholder or test text (lorem ipsum, TODO) is published.",
			Params:  []string{"patterns (list of Go regular expressions): replaces the default list"},
			Page:    newPlaceholder,
		},
	}
}

// ---- attribution ----

type attributionParams struct {
	AllowAgencyOnly bool `yaml:"allow_agency_only"`
}

func newAttribution(_ *Rule, params Params) (PageCheck, error) {
	p := attributionParams{AllowAgencyOnly: true}
	if err := params.Decode(&p); err != nil {
		return nil, err
	}
	return PageCheckFunc(func(_ context.Context, pc *PageContext, emit Emit) error {
		pg := pc.Page
		authors := nonEmpty(pg.Authors)
		source := strings.TrimSpace(pg.Source)
		switch {
		case len(authors) == 0 && source == "":
			emit(archive.Finding{
				Message:     "The article names neither an author nor a source",
				Evidence:    "byline: none; source: none; dateline: " + orNone(pg.Dateline.Raw),
				EvidenceKey: "none",
			})
		case len(authors) == 0 && !p.AllowAgencyOnly:
			emit(archive.Finding{
				Message:     fmt.Sprintf("The article is credited only to %s, with no author", source),
				Evidence:    "source: " + source,
				EvidenceKey: "agency-only",
			})
		}
		return nil
	}), nil
}

// ---- publication date ----

type publishedParams struct {
	WeakSources []string `yaml:"weak_sources"`
}

func newPublishedDate(_ *Rule, params Params) (PageCheck, error) {
	p := publishedParams{WeakSources: []string{"url"}}
	if err := params.Decode(&p); err != nil {
		return nil, err
	}
	weak := map[string]bool{}
	for _, s := range p.WeakSources {
		weak[s] = true
	}
	return PageCheckFunc(func(_ context.Context, pc *PageContext, emit Emit) error {
		d := pc.Page.Published
		switch {
		case d.Value == "" && strings.TrimSpace(d.Text) == "":
			emit(archive.Finding{Message: "The page has no publication date", EvidenceKey: "missing", Evidence: "no date in JSON-LD, meta, <time> or the visible text"})
		case d.Value == "":
			emit(archive.Finding{Message: fmt.Sprintf("The publication date %q cannot be read as a date", d.Text), EvidenceKey: "unparseable", Evidence: d.Text})
		case weak[d.Source] || d.Source == "htmldate" && !printedDate(d.Text):
			emit(archive.Finding{
				Message:     fmt.Sprintf("The page prints no publication date (%s was only guessed from the %s)", d.Value, d.Source),
				EvidenceKey: "missing",
				Evidence:    fmt.Sprintf("guessed %s from %s: %s", d.Value, d.Source, clip(d.Text, 80)),
			})
		default:
			if _, err := time.Parse("2006-01-02", d.Value); err != nil {
				emit(archive.Finding{Message: fmt.Sprintf("The publication date %q is not a calendar date", orNone(d.Text)), EvidenceKey: "unparseable", Evidence: d.Value + " (" + d.Text + ")"})
			}
		}
		return nil
	}), nil
}

// printedDate reports whether text found by a date guesser reads as a
// date printed for readers ("6 Mar 2024"), not a fragment of markup or of
// a URL ("/2024/04/03/photo.jpg").
func printedDate(text string) bool {
	t := strings.TrimSpace(text)
	return t != "" && len(t) <= 60 && !strings.ContainsAny(t, "/<>=\"{}")
}

// ---- dates in the future ----

type futureParams struct {
	ToleranceDays int `yaml:"tolerance_days"`
}

func newFutureDate(_ *Rule, params Params) (PageCheck, error) {
	p := futureParams{ToleranceDays: 1}
	if err := params.Decode(&p); err != nil {
		return nil, err
	}
	if p.ToleranceDays < 0 || p.ToleranceDays > 366 {
		return nil, fmt.Errorf("tolerance_days %d: want 0 to 366", p.ToleranceDays)
	}
	return PageCheckFunc(func(_ context.Context, pc *PageContext, emit Emit) error {
		ref, refName := referenceTime(pc), "the check run"
		if !ref.Equal(pc.Now) {
			refName = "the capture"
		}
		limit := civil(ref).AddDate(0, 0, p.ToleranceDays)
		for _, f := range []struct {
			name string
			d    archive.Date
		}{{"publication", pc.Page.Published}, {"modification", pc.Page.Modified}} {
			t, err := time.Parse("2006-01-02", f.d.Value)
			if err != nil || !t.After(limit) {
				continue
			}
			emit(archive.Finding{
				Message:     fmt.Sprintf("The %s date %s is after %s (%s)", f.name, f.d.Value, refName, ref.UTC().Format("2006-01-02")),
				Evidence:    fmt.Sprintf("%s (from %s)", orNone(f.d.Text), orNone(f.d.Source)),
				EvidenceKey: f.name,
			})
		}
		return nil
	}), nil
}

// referenceTime is "now" for a page: the capture time, or the check run's
// time if that is earlier (or the capture time is unknown).
func referenceTime(pc *PageContext) time.Time {
	if pc.Capture != nil && !pc.Capture.FetchedAt.IsZero() && pc.Capture.FetchedAt.Before(pc.Now) {
		return pc.Capture.FetchedAt
	}
	return pc.Now
}

// civil returns the UTC calendar day of t, at midnight.
func civil(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ---- dateline against publication date ----

type datelineDateParams struct {
	MaxDays int `yaml:"max_days"`
}

func newDatelineDate(_ *Rule, params Params) (PageCheck, error) {
	var p datelineDateParams
	if err := params.Decode(&p); err != nil {
		return nil, err
	}
	if p.MaxDays < 0 {
		return nil, fmt.Errorf("max_days %d: want 0 or more", p.MaxDays)
	}
	return PageCheckFunc(func(_ context.Context, pc *PageContext, emit Emit) error {
		dl, pub := pc.Page.Dateline, pc.Page.Published
		if dl.Date == "" || pub.Value == "" {
			return nil
		}
		a, err1 := time.Parse("2006-01-02", dl.Date)
		b, err2 := time.Parse("2006-01-02", pub.Value)
		if err1 != nil || err2 != nil {
			return nil
		}
		days := int(a.Sub(b).Hours() / 24)
		if days < 0 {
			days = -days
		}
		if b.After(civil(referenceTime(pc))) && a.Before(b) {
			// The published date is in the future: that is the error
			// (future-date reports it), not the dateline.
			return nil
		}
		if days > p.MaxDays {
			emit(archive.Finding{
				Message:     fmt.Sprintf("The dateline says %s but the article is dated %s", orNone(dl.DateText), pub.Value),
				Evidence:    fmt.Sprintf("dateline %q; published %q (from %s)", dl.Raw, orNone(pub.Text), orNone(pub.Source)),
				EvidenceKey: dl.Date + "/" + pub.Value,
			})
		}
		return nil
	}), nil
}

// ---- dateline format ----

type datelineFormatParams struct {
	RequireDate   bool     `yaml:"require_date"`
	RequireAgency bool     `yaml:"require_agency"`
	Dashes        []string `yaml:"dashes"`
}

func newDatelineFormat(_ *Rule, params Params) (PageCheck, error) {
	p := datelineFormatParams{RequireDate: true, RequireAgency: true, Dashes: []string{"-", "–", "—", "/."}}
	if err := params.Decode(&p); err != nil {
		return nil, err
	}
	if len(p.Dashes) == 0 {
		return nil, fmt.Errorf("dashes: give at least one separator")
	}
	return PageCheckFunc(func(_ context.Context, pc *PageContext, emit Emit) error {
		dl := pc.Page.Dateline
		if strings.TrimSpace(dl.Raw) == "" {
			return nil
		}
		var problems []string
		if strings.TrimSpace(dl.Place) == "" {
			problems = append(problems, "no place")
		}
		switch {
		case p.RequireDate && strings.TrimSpace(dl.DateText) == "":
			problems = append(problems, "no date")
		case dl.DateText != "" && dl.Date == "":
			problems = append(problems, fmt.Sprintf("date %q cannot be read", dl.DateText))
		}
		if p.RequireAgency && strings.TrimSpace(dl.Agency) == "" {
			problems = append(problems, "no agency")
		}
		ok := false
		for _, d := range p.Dashes {
			ok = ok || d == dl.Dash
		}
		if !ok {
			problems = append(problems, fmt.Sprintf("separator %q", dl.Dash))
		}
		if len(problems) > 0 {
			emit(archive.Finding{
				Message:     "The dateline is malformed: " + strings.Join(problems, ", "),
				Evidence:    dl.Raw,
				EvidenceKey: "dateline",
			})
		}
		return nil
	}), nil
}

// ---- images and credits ----

type imageCreditParams struct {
	Ignore        []string `yaml:"ignore"`
	HiddenSources []string `yaml:"hidden_sources"`
}

func newImageCredit(_ *Rule, params Params) (PageCheck, error) {
	p := imageCreditParams{HiddenSources: []string{"alt"}}
	if err := params.Decode(&p); err != nil {
		return nil, err
	}
	hidden := map[string]bool{}
	for _, s := range p.HiddenSources {
		hidden[s] = true
	}
	var ignore []Glob
	for _, s := range p.Ignore {
		g, err := CompileGlob(s)
		if err != nil {
			return nil, fmt.Errorf("ignore %q: %w", s, err)
		}
		ignore = append(ignore, g)
	}
	return PageCheckFunc(func(_ context.Context, pc *PageContext, emit Emit) error {
		seen := map[string]bool{}
	images:
		for _, im := range pc.Page.Images {
			credited := strings.TrimSpace(im.Credit) != "" || strings.TrimSpace(im.CreditText) != ""
			if (credited && !hidden[im.CreditSource]) || seen[im.Src] {
				continue
			}
			for _, g := range ignore {
				if g.Match(im.Src) {
					continue images
				}
			}
			seen[im.Src] = true
			msg := "An image has no photo credit"
			if credited {
				msg = fmt.Sprintf("An image is credited only in its %s text, which readers do not see", im.CreditSource)
			}
			emit(archive.Finding{
				Message:     msg,
				Evidence:    fmt.Sprintf("<img src=%q alt=%q> caption: %s", im.Src, im.Alt, orNone(im.Caption)),
				EvidenceKey: im.Src,
			})
		}
		return nil
	}), nil
}

func newOrphanCredit(_ *Rule, params Params) (PageCheck, error) {
	if err := params.Decode(&struct{}{}); err != nil {
		return nil, err
	}
	return PageCheckFunc(func(_ context.Context, pc *PageContext, emit Emit) error {
		credited := map[string]bool{}
		for _, im := range pc.Page.Images {
			if im.Credit != "" {
				credited[strings.ToLower(im.Credit)] = true
			}
		}
		seen := map[string]bool{}
		for _, c := range pc.Page.Credits {
			if c.Image != "" || credited[strings.ToLower(c.Name)] || seen[c.Text] {
				continue
			}
			seen[c.Text] = true
			msg := "A photo credit belongs to no image"
			if len(pc.Page.Images) == 0 {
				msg = "A photo credit is printed on a page without images"
			}
			emit(archive.Finding{Message: msg, Evidence: orNone(c.Text), EvidenceKey: strings.ToLower(c.Text)})
		}
		return nil
	}), nil
}

// ---- breadcrumbs ----

type breadcrumbParams struct {
	CompareText bool `yaml:"compare_text"`
}

func newBreadcrumbSection(_ *Rule, params Params) (PageCheck, error) {
	p := breadcrumbParams{CompareText: true}
	if err := params.Decode(&p); err != nil {
		return nil, err
	}
	return PageCheckFunc(func(_ context.Context, pc *PageContext, emit Emit) error {
		crumbs := pc.Page.Breadcrumbs
		if len(crumbs) == 0 {
			return nil
		}
		pageURL, err := url.Parse(pc.URL())
		if err != nil {
			return nil
		}
		segs := pathSegments(pageURL.Path)
		// The linked crumbs past the home page, in trail order.
		var linked []archive.Crumb
		var paths [][]string
		for _, c := range crumbs {
			if c.URL == "" {
				continue
			}
			cu, err := url.Parse(c.URL)
			if err != nil || (cu.Host != "" && !strings.EqualFold(cu.Host, pageURL.Host)) {
				continue
			}
			cs := pathSegments(cu.Path)
			if len(cs) == 0 || isIndex(cs) || sameSegments(cs, segs) {
				continue // the home page, or the page itself
			}
			linked = append(linked, c)
			paths = append(paths, cs)
		}
		if len(linked) > 0 {
			// The deepest crumb is the page's section: the page must be
			// inside it. The crumbs above it may lead to a section's
			// landing page, but must stay in the page's top section.
			last := len(linked) - 1
			bad := -1
			if !segmentPrefix(paths[last], segs) {
				bad = last
			}
			top := topSection(segs)
			for i := 0; i < last && bad < 0; i++ {
				if topSection(paths[i]) != top {
					bad = i
				}
			}
			if bad >= 0 {
				emit(archive.Finding{
					Message:     fmt.Sprintf("The breadcrumb %q leads to %s, which is not a section of this page's URL", linked[bad].Text, urlPath(linked[bad].URL)),
					Evidence:    trail(crumbs),
					EvidenceKey: "section",
				})
			}
			return nil
		}
		if !p.CompareText || len(segs) < 2 || len(crumbs) < 2 {
			return nil
		}
		// No linked crumbs: compare the crumb after Home with the first
		// section of the URL (skipping a language prefix).
		first := segs[0]
		if len(first) == 2 && len(segs) > 2 {
			first = segs[1]
		}
		text := slug(crumbs[1].Text)
		if text != "" && text != slug(first) {
			emit(archive.Finding{
				Message:     fmt.Sprintf("The breadcrumb %q does not match the URL's section %q", crumbs[1].Text, first),
				Evidence:    trail(crumbs),
				EvidenceKey: "section",
			})
		}
		return nil
	}), nil
}

// topSection returns the first path segment that is not a language code.
func topSection(segs []string) string {
	for i, s := range segs {
		if i == 0 && len(s) == 2 && len(segs) > 1 {
			continue
		}
		return strings.ToLower(stripExt(s))
	}
	return ""
}

func sameSegments(a, b []string) bool {
	return len(a) == len(b) && segmentPrefix(a, b)
}

func pathSegments(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// isIndex reports whether segments name a home page (/index.html, /en/).
func isIndex(segs []string) bool {
	if len(segs) != 1 {
		return false
	}
	s := strings.ToLower(segs[0])
	return strings.HasPrefix(s, "index.") || strings.HasPrefix(s, "default.") || len(s) == 2
}

// segmentPrefix reports whether crumb is a prefix of page, comparing
// segments without file extensions ("/news.html" leads to "/news/x").
func segmentPrefix(crumb, page []string) bool {
	if len(crumb) > len(page) {
		return false
	}
	for i, c := range crumb {
		a, b := strings.ToLower(c), strings.ToLower(page[i])
		if a == b {
			continue
		}
		if i == len(crumb)-1 && stripExt(a) == stripExt(b) {
			continue
		}
		return false
	}
	return true
}

func stripExt(s string) string {
	if i := strings.LastIndexByte(s, '.'); i > 0 {
		return s[:i]
	}
	return s
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func trail(crumbs []archive.Crumb) string {
	parts := make([]string, len(crumbs))
	for i, c := range crumbs {
		parts[i] = c.Text
		if c.URL != "" {
			parts[i] += " <" + c.URL + ">"
		}
	}
	return strings.Join(parts, " | ")
}

// ---- duplicate headlines ----

type duplicateParams struct {
	MinLength int `yaml:"min_length"`
}

type dupEntry struct {
	url, headline string
	content       ContentKey
	captureID     int64
	capturedAt    time.Time
	sha           string
	status        int
}

type duplicateHeadlines struct {
	min    int
	groups map[string][]dupEntry
}

func newDuplicateHeadline(_ *Rule, params Params) (PageCheck, error) {
	p := duplicateParams{MinLength: 12}
	if err := params.Decode(&p); err != nil {
		return nil, err
	}
	return &duplicateHeadlines{min: p.MinLength, groups: map[string][]dupEntry{}}, nil
}

// CheckPage remembers the page's headline.
func (d *duplicateHeadlines) CheckPage(_ context.Context, pc *PageContext, _ Emit) error {
	key := normHeadline(pc.Page.Headline)
	if len([]rune(key)) < d.min {
		return nil
	}
	e := dupEntry{url: pc.URL(), headline: strings.TrimSpace(pc.Page.Headline), content: pc.Content}
	if c := pc.Capture; c != nil {
		e.captureID, e.capturedAt, e.sha, e.status = c.ID, c.FetchedAt.UTC(), c.BodySHA256, c.Status
	}
	for _, o := range d.groups[key] {
		// The same URL, or the same page under another URL (the engine
		// files the finding under the page's representative URL).
		if o.url == e.url || !e.content.IsZero() && o.content == e.content {
			return nil
		}
	}
	d.groups[key] = append(d.groups[key], e)
	return nil
}

// maxOccurrences bounds the other pages listed on a duplicate finding.
const maxOccurrences = 20

// Finish reports every page whose headline another page also carries.
func (d *duplicateHeadlines) Finish(_ context.Context, emit Emit) error {
	keys := make([]string, 0, len(d.groups))
	for k, g := range d.groups {
		if len(g) > 1 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		g := d.groups[k]
		sort.Slice(g, func(i, j int) bool { return g[i].url < g[j].url })
		for i, e := range g {
			var occ []archive.Occurrence
			for j, o := range g {
				if j != i && len(occ) < maxOccurrences {
					occ = append(occ, archive.Occurrence{URL: o.url, CaptureID: o.captureID, Text: o.headline})
				}
			}
			emit(archive.Finding{
				Message:     fmt.Sprintf("The headline %q is also used by %d other page(s)", e.headline, len(g)-1),
				URL:         e.url,
				CaptureID:   e.captureID,
				CapturedAt:  e.capturedAt,
				BodySHA256:  e.sha,
				Status:      e.status,
				Evidence:    e.headline,
				EvidenceKey: k,
				Occurrences: occ,
			})
		}
	}
	return nil
}

// normHeadline folds case, punctuation and spacing, so that "Lukashenko
// meets  governor." and "Lukashenko meets governor" compare equal.
func normHeadline(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space = false
		default:
			space = true
		}
	}
	return b.String()
}

// ---- language ----

type languageParams struct {
	ByPath   map[string]string `yaml:"by_path"`
	MinWords int               `yaml:"min_words"`
}

var reLangTag = regexp.MustCompile(`^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$`)

func newLanguage(_ *Rule, params Params) (PageCheck, error) {
	p := languageParams{MinWords: 40}
	if err := params.Decode(&p); err != nil {
		return nil, err
	}
	prefixes := make([]string, 0, len(p.ByPath))
	for k, v := range p.ByPath {
		if !strings.HasPrefix(k, "/") || !reLangTag.MatchString(v) {
			return nil, fmt.Errorf("by_path: %q: %q: want a path starting with / and a language tag", k, v)
		}
		prefixes = append(prefixes, k)
	}
	// Longest prefix first.
	sort.Slice(prefixes, func(i, j int) bool {
		if len(prefixes[i]) != len(prefixes[j]) {
			return len(prefixes[i]) > len(prefixes[j])
		}
		return prefixes[i] < prefixes[j]
	})
	return PageCheckFunc(func(_ context.Context, pc *PageContext, emit Emit) error {
		pg := pc.Page
		lang := strings.TrimSpace(pg.Lang)
		if lang == "" {
			return nil // lang-missing reports it
		}
		if !reLangTag.MatchString(lang) {
			emit(archive.Finding{Message: fmt.Sprintf("The language attribute %q is not a language tag", lang), Evidence: `lang="` + lang + `"`, EvidenceKey: "malformed"})
			return nil
		}
		declared := primaryLang(lang)
		path := urlPath(pc.URL())
		for _, pre := range prefixes {
			if strings.HasPrefix(path, pre) {
				if want := primaryLang(p.ByPath[pre]); want != declared {
					emit(archive.Finding{
						Message:     fmt.Sprintf("Pages under %s are in %s but this one declares %q", pre, want, lang),
						Evidence:    `lang="` + lang + `"`,
						EvidenceKey: "path",
					})
					return nil
				}
				break
			}
		}
		detected := primaryLang(pg.DetectedLang)
		if detected != "" && pg.WordCount >= p.MinWords && detected != declared {
			emit(archive.Finding{
				Message:     fmt.Sprintf("The page declares %q but its text is in %s", lang, detected),
				Evidence:    fmt.Sprintf(`lang="%s"; text: %s`, lang, clip(firstWords(pg.Body, 12), 120)),
				EvidenceKey: "detected",
			})
		}
		return nil
	}), nil
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}

// ---- placeholder text ----

type placeholderParams struct {
	Patterns []string `yaml:"patterns"`
}

// defaultPlaceholders are the placeholder patterns used when a rule gives
// none.
var defaultPlaceholders = []string{
	`(?i)\blorem ipsum\b`,
	`(?i)\bdolor sit amet\b`,
	`\bTODO\b`,
	`\bFIXME\b`,
	`\bTBD\b`,
	`(?i)\[insert [^\]]{1,40}\]`,
	`(?i)\[add [^\]]{1,40}\]`,
	`(?i)\b(?:headline|text|caption) goes here\b`,
}

func newPlaceholder(_ *Rule, params Params) (PageCheck, error) {
	p := placeholderParams{Patterns: defaultPlaceholders}
	if err := params.Decode(&p); err != nil {
		return nil, err
	}
	if len(p.Patterns) == 0 {
		return nil, fmt.Errorf("patterns: give at least one")
	}
	for _, s := range p.Patterns {
		if len(s) > 500 {
			return nil, fmt.Errorf("pattern longer than 500 bytes")
		}
		if _, err := regexp.Compile(s); err != nil {
			return nil, fmt.Errorf("pattern %q: %w", s, err)
		}
	}
	// Each pattern with the literal text every match contains, if it has
	// one: the regular expression runs only on texts that contain it, so
	// that the pages without placeholders (nearly all) cost a substring
	// search. A case-insensitive ASCII literal is looked for with ASCII
	// letters of either case (foldASCII), in the text as it is. That is
	// exact unless the text holds one of the two runes beyond ASCII that
	// (?i) takes for ASCII letters (foldsToASCII: ſ for s, the Kelvin sign
	// for k); in those texts a failed search is checked again as the
	// regular expression matches (fold.Phrases). A literal that is not
	// ASCII is looked for in the lower-cased text, and a failed search is
	// checked again the same way.
	type pattern struct {
		re     *regexp.Regexp
		lit    string
		ascii  *foldASCII
		folded *fold.Phrases
	}
	var pats []pattern
	for _, s := range p.Patterns {
		re := regexp.MustCompile(s) // compiled above
		lit, folds := requiredLiteral(s)
		pt := pattern{re: re, lit: lit}
		if lit != "" && folds {
			pt.lit, pt.folded = strings.ToLower(lit), fold.New(fold.Phrase{Text: lit})
			if isASCII(lit) {
				pt.ascii = newFoldASCII(lit)
			}
		}
		pats = append(pats, pt)
	}
	return PageCheckFunc(func(_ context.Context, pc *PageContext, emit Emit) error {
		pg := pc.Page
		fields := []struct{ name, text string }{
			{"headline", pg.Headline}, {"title", pg.Title}, {"body", pg.Body},
		}
		for _, im := range pg.Images {
			fields = append(fields, struct{ name, text string }{"image caption", im.Caption + " " + im.Alt})
		}
		for _, a := range pg.Authors {
			fields = append(fields, struct{ name, text string }{"author", a})
		}
		// One finding per page, naming every placeholder found and where.
		var found, where []string
		evidence := ""
		seen := map[string]bool{}
		for _, f := range fields {
			lower := ""
			exotic, exoticKnown := false, false
			var locs [][]int
			for _, pt := range pats {
				switch {
				case pt.ascii != nil:
					if !pt.ascii.in(f.text) {
						if !exoticKnown {
							exotic, exoticKnown = containsAnyRune(f.text, foldsToASCII), true
						}
						if !exotic || !pt.folded.MatchString(f.text) {
							continue
						}
					}
				case pt.folded != nil:
					if lower == "" {
						lower = strings.ToLower(f.text)
					}
					if !strings.Contains(lower, pt.lit) && !pt.folded.MatchString(f.text) {
						continue
					}
				case pt.lit != "":
					if !strings.Contains(f.text, pt.lit) {
						continue
					}
				}
				locs = append(locs, pt.re.FindAllStringIndex(f.text, 20)...)
			}
			sort.Slice(locs, func(i, j int) bool { return locs[i][0] < locs[j][0] })
			for _, loc := range locs {
				match := f.text[loc[0]:loc[1]]
				if key := strings.ToLower(match); !seen[key] {
					seen[key] = true
					found = append(found, fmt.Sprintf("%q", match))
				}
				if !slices.Contains(where, f.name) {
					where = append(where, f.name)
				}
				if evidence == "" {
					evidence = around(f.text, loc[0], loc[1])
				}
			}
		}
		if len(found) > 0 {
			emit(archive.Finding{
				Message:  fmt.Sprintf("Placeholder text %s in the %s", strings.Join(found, ", "), strings.Join(where, ", ")),
				Evidence: evidence,
			})
		}
		return nil
	}), nil
}

// foldsToASCII holds the runes beyond ASCII that case folding, as (?i)
// reads it, takes for ASCII letters: the long s (s) and the Kelvin sign
// (k). TestFoldsToASCII checks the list against the Unicode tables.
const foldsToASCII = "\u017F\u212A"

// containsAnyRune reports whether s holds any rune of runes. It is
// strings.ContainsAny for a few runes beyond ASCII, searching for each
// one's bytes, which is some forty times as fast on a page's text.
func containsAnyRune(s, runes string) bool {
	for _, r := range runes {
		if strings.ContainsRune(s, r) {
			return true
		}
	}
	return false
}

// foldASCII finds an ASCII literal in a text as a case-insensitive
// regular expression of it does in a text without the runes of
// foldsToASCII: with each ASCII letter in either case, and no byte beyond
// ASCII, in the text as it is (no lower-cased copy). It looks for the
// literal's rarest byte in English text (its anchor), in both cases, with
// strings.IndexByte, and compares the literal around each one found.
type foldASCII struct {
	lower  string // the literal with its ASCII letters lower-cased
	anchor int    // the index of the anchor in lower
	lo, up byte   // the anchor in lower and upper case
}

// commonASCII lists the space and the letters from the most to the least
// frequent in English text; a byte not in it (punctuation, a digit) is
// taken as rarer than all of them.
const commonASCII = " etaoinshrdlcumwfgypbvkjxqz"

// newFoldASCII returns the foldASCII of lit, an ASCII literal that is not
// empty.
func newFoldASCII(lit string) *foldASCII {
	f := &foldASCII{lower: strings.ToLower(lit)}
	rank := -1
	for i := 0; i < len(f.lower); i++ {
		r := strings.IndexByte(commonASCII, f.lower[i])
		if r < 0 {
			r = len(commonASCII)
		}
		if r > rank {
			rank, f.anchor = r, i
		}
	}
	f.lo, f.up = f.lower[f.anchor], f.lower[f.anchor]
	if 'a' <= f.lo && f.lo <= 'z' {
		f.up = f.lo - 'a' + 'A'
	}
	return f
}

// in reports whether s holds the literal, each ASCII letter in either
// case.
func (f *foldASCII) in(s string) bool {
	n := len(f.lower)
	if len(s) < n {
		return false
	}
	// The anchor stands in s[f.anchor:end] for a whole literal.
	end := len(s) - n + f.anchor + 1
	lo := indexByteFrom(s[:end], f.anchor, f.lo)
	up := -1
	if f.up != f.lo {
		up = indexByteFrom(s[:end], f.anchor, f.up)
	}
	for lo >= 0 || up >= 0 {
		var at int
		if up < 0 || lo >= 0 && lo < up {
			at, lo = lo, indexByteFrom(s[:end], lo+1, f.lo)
		} else {
			at, up = up, indexByteFrom(s[:end], up+1, f.up)
		}
		if fold.HasPrefixASCII(s[at-f.anchor:], f.lower) {
			return true
		}
	}
	return false
}

// indexByteFrom is the index of the first c in s at or after from, or -1.
func indexByteFrom(s string, from int, c byte) int {
	if i := strings.IndexByte(s[from:], c); i >= 0 {
		return from + i
	}
	return -1
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// requiredLiteral returns a literal that every match of the regular
// expression contains (the longest literal of its top-level sequence, at
// least 3 bytes), and whether it matches without regard to case; "" when
// there is none.
func requiredLiteral(pattern string) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	re = re.Simplify()
	for re.Op == syntax.OpCapture && len(re.Sub) == 1 {
		re = re.Sub[0]
	}
	var subs []*syntax.Regexp
	switch re.Op {
	case syntax.OpLiteral:
		subs = []*syntax.Regexp{re}
	case syntax.OpConcat:
		subs = re.Sub
	}
	best, fold := "", false
	for _, s := range subs {
		if s.Op == syntax.OpLiteral && len(string(s.Rune)) > len(best) {
			best, fold = string(s.Rune), s.Flags&syntax.FoldCase != 0
		}
	}
	if len(best) < 3 {
		return "", false
	}
	return best, fold
}

// around returns the text around s[i:j], about 60 bytes on each side.
func around(s string, i, j int) string {
	a, b := max(0, i-60), min(len(s), j+60)
	for a > 0 && !utf8Start(s[a]) {
		a--
	}
	for b < len(s) && !utf8Start(s[b]) {
		b++
	}
	out := strings.Join(strings.Fields(s[a:b]), " ")
	if a > 0 {
		out = "…" + out
	}
	if b < len(s) {
		out += "…"
	}
	return out
}

// ---- helpers ----

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "none"
	}
	return s
}
