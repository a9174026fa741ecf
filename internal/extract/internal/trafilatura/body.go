package trafilatura

import (
	"unicode/utf8"

	"github.com/archiver-dev/archiver/internal/extract/internal/trafilatura/internal/lru"
	"github.com/archiver-dev/archiver/internal/extract/internal/trafilatura/internal/selector"
	"github.com/go-shiori/dom"
	"golang.org/x/net/html"
)

// ExtractText returns the main text of doc, as go-trafilatura's
// ExtractDocument gives it in ContentText, without the passes whose
// results archiver does not use (the metadata, the language classifier)
// and in one pass where ExtractDocument needs two: the text is extracted
// without the fallback extractors, then wantFallback is asked about it,
// and only if it says yes are go-readability's and go-domdistiller's
// results compared with it (opts.EnableFallback is ignored). It reports
// whether the fallback was consulted. doc is not modified.
func ExtractText(doc *html.Node, opts Options, wantFallback func(text string) bool) (text string, fellBack bool) {
	if opts.Config == nil {
		opts.Config = DefaultConfig()
	}
	cache := lru.NewCache(opts.Config.CacheSize)

	// Keep the original tree untouched: clean a copy, and keep copies for
	// the fallback extractors and the baseline rescue.
	work := dom.Clone(doc, true)
	backupFallback := dom.Clone(work, true)
	backupBaseline := dom.Clone(work, true)

	docCleaning(work, opts)
	convertTags(work, opts)
	// Comments are excluded (go-trafilatura's ExcludeComments): they are
	// not extracted apart, and pruned only when favouring precision.
	if opts.Focus == FavorPrecision {
		work = pruneUnwantedNodes(work, selector.RemovedComments)
	}
	postBody, bodyText := extractContent(work, cache, opts)

	rescue := func(postBody *html.Node, text string, backup *html.Node) string {
		if utf8.RuneCountInString(text) < opts.Config.MinExtractedSize && opts.Focus != FavorPrecision {
			_, text = baseline(backup)
		}
		return text
	}
	// The baseline rescue may change the tree it reads: the fallback pass
	// needs a copy of its own.
	var backupBaseline2 *html.Node
	if utf8.RuneCountInString(bodyText) < opts.Config.MinExtractedSize && opts.Focus != FavorPrecision {
		backupBaseline2 = dom.Clone(backupBaseline, true)
	}
	first := rescue(postBody, bodyText, backupBaseline)
	if wantFallback == nil || !wantFallback(first) {
		return first, false
	}
	postBody, bodyText = compareExternalExtraction(backupFallback, postBody, opts)
	if backupBaseline2 == nil {
		backupBaseline2 = backupBaseline
	}
	return rescue(postBody, bodyText, backupBaseline2), true
}
