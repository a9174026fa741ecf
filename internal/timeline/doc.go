// Package timeline follows every canonical URL of the archive across crawl
// runs: its versions (one per capture, each with a content hash taken after
// volatile parts such as counters, CSRF tokens and promo blocks are
// stripped), what changed between them field by field, which changes were
// silent, which pages vanished and stayed gone, which pages the portal no
// longer links, and where the archive has gaps — days inside a section's
// publishing cadence without an article, calendar days that lead nowhere,
// scheduled runs that never happened.
//
// The analysis streams versions from a [Source] in URL order, one URL at a
// time, so its memory does not grow with the number of URLs. The digests it
// reads are computed once per capture by [Indexer] and stored beside the
// captures.
package timeline
