package extract

import (
	"strings"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/fold"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// noNewsList are, lower-cased, every "no news" phrase that the page kind
// (noNews) or the link checker's soft-404 test reads in a page's text. A
// links-level extraction computes the body of a page whose visible text
// holds one, so that those signals are the same as after a full
// extraction.
var noNewsList = []string{"no news", "no articles", "nothing found", "no results", "нет новостей", "новостей нет",
	"новостей за этот день нет", "няма навін", "навін няма", "навін за гэты дзень няма", "ничего не найдено"}

// noNewsPhrases finds noNewsList in a text.
var noNewsPhrases = fold.Lower(noNewsList...)

// saysNoNews reports whether text holds one of noNewsPhrases, in any case:
// whether strings.ToLower(text) contains one (found without lower-casing
// the text: a regular expression over the whole visible text cost more
// than the rest of the links level, and so did the lower-cased copy).
func saysNoNews(text string) bool {
	return noNewsPhrases.MatchString(text)
}

// runLinks finishes a links-level extraction (Options.LinksOnly), after the
// head, JSON-LD, regions and main element have been read: navigation,
// links, ids, language and kind. The article steps the kind depends on
// (headline, structured dates) run only when the kind's decision reaches
// them, and their results are dropped, so that a links-level page never
// carries a partial article. The body is extracted only for a page whose
// visible text says there is no news (the link checker's soft-404 sign).
func (d *doc) runLinks() {
	p := d.page
	d.extractNavigation()
	d.extractLinks()
	d.visibleNoNews, d.noNewsRead = saysNoNews(d.visibleText()), true
	if d.visibleNoNews {
		d.needBody()
	}
	d.extractLanguage()
	d.classify()
	p.Headline, p.HeadlineEvidence = "", ""
	p.Published, p.Modified = archive.Date{}, archive.Date{}
	p.Dateline = archive.Dateline{}
	if p.Breadcrumbs == nil {
		p.Breadcrumbs = []archive.Crumb{}
	}
}

// visibleText is the page's visible text (textOf the body), computed once.
// It keeps the place of the main element's text in it, for mainText.
func (d *doc) visibleText() string {
	if !d.visibleSet {
		var c collapser
		c.b.Grow(d.textHint)
		d.mainMark = textMark{n: d.main, from: -1}
		c.text(d.body, nil, &d.mainMark)
		d.visible = c.b.String()
		if c.invalid {
			d.visible, d.mainMark.from = textOf(d.body), -1
		}
		d.visibleSet = true
	}
	return d.visible
}

// mainText is textOf the main element: read from the visible text when
// visibleText has been computed and holds it, else from the DOM.
func (d *doc) mainText() string {
	if d.visibleSet && d.mainMark.n == d.main && d.mainMark.from >= 0 {
		return strings.TrimPrefix(d.visible[d.mainMark.from:d.mainMark.to], " ")
	}
	return textOf(d.main)
}

// needHeadline runs the headline step once.
func (d *doc) needHeadline() {
	if !d.headlineDone {
		d.headlineDone = true
		d.extractHeadline()
	}
}

// needBody runs the body step once.
func (d *doc) needBody() {
	if !d.bodyDone {
		d.bodyDone = true
		d.extractBody(d.textLen)
	}
}

// needDateline runs the dateline step (which reads the body) once.
func (d *doc) needDateline() {
	if !d.datelineDone {
		d.needBody()
		d.datelineDone = true
		d.extractDateline()
	}
}

// needDates runs the date step (which reads the headline, and the dateline
// for its year) once; guess lets go-htmldate search the whole page when
// nothing else gives a publication date. The publication date does not
// depend on the dateline or the body.
func (d *doc) needDates(guess bool) {
	if !d.datesDone {
		d.needHeadline()
		d.datesDone = true
		d.extractDates(d.textLen, guess)
	}
}

// mainWords counts the words of the page's running text: the visible text
// outside links, <nav>, <aside>, <header>, <footer> and the calendar. It
// is the page kind's measure of length, read from the DOM so that the kind
// does not wait for the extracted body (and a links-level extraction,
// which has none, classifies a page as a full one does).
func (d *doc) mainWords() int {
	if d.contentWords >= 0 {
		return d.contentWords
	}
	// Each text node is followed by a space: no word spans two of them.
	words := 0
	walk(d.body, func(c *html.Node) bool {
		if c.Type == html.TextNode {
			words += wordCount(c.Data)
			return false
		}
		if c.Type != html.ElementNode {
			return true
		}
		if skipText(c) || c.DataAtom == atom.A || c.DataAtom == atom.Aside || c.DataAtom == atom.Nav || c.DataAtom == atom.Footer || c.DataAtom == atom.Header || c == d.calNode {
			return false
		}
		return true
	})
	d.contentWords = words
	return d.contentWords
}

// headlineText is the headline, computed on demand.
func (d *doc) headlineText() string {
	d.needHeadline()
	return d.page.Headline
}

// published is the publication date, computed on demand. In a links-level
// extraction go-htmldate is not asked: the kind only trusts the other
// sources, so the answer is the same.
func (d *doc) published() archive.Date {
	d.needDates(false)
	return d.page.Published
}
