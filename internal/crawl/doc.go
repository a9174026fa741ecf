// Package crawl fetches a portal into the archive: a polite, resumable,
// trap-safe crawl that stores exactly the bytes each server sent.
//
// It is the only package of archiver that imports colly. Colly v2.3.0 has
// defaults and behaviours that silently break an archiver, and this package
// is built around each of them:
//
//   - robots.txt: the collector is built with IgnoreRobotsTxt=false, but the
//     robots.txt files are fetched here (with retries, so a transient 5xx is
//     never read as "disallow all") and handed to colly by the transport, so
//     colly's own check agrees with ours; Crawl-delay is honoured.
//   - COLLY_* environment variables: the collector is initialised with
//     Collector.Init, which never reads them, and every field they could set
//     is assigned after it.
//   - LimitRule: not used. Politeness is a per-host scheduler (one delay
//     and one concurrency limit per host:port), adaptive by default: the
//     delay follows each host's response time and its concurrency grows
//     while it answers fast and healthy, and is halved on refusals,
//     failures and slowdowns (see AdaptiveOptions).
//   - Async and the queue package: not used. A synchronous collector is
//     driven by a bounded pool of workers that claim URLs from the frontier
//     kept in the archive, so depth is ours and nothing claimed is lost.
//     A finished page (its capture, its links, the end of its claim) is
//     committed by one writer goroutine, with the pages finished within a
//     couple of milliseconds, in one transaction: a crash loses only the
//     batches not committed, whose entries stay claimed for the resume.
//   - Visited-before-fetch: AllowURLRevisit is on; the frontier in the
//     archive is the only record of what was done, written after the fetch.
//   - Redirects: the HTTP client never follows them; each hop is requested
//     by the crawler, checked against scope, robots and loops, and recorded.
//   - Status codes: ParseHTTPErrorResponse is on, so 3xx–5xx are stored.
//   - Conditional requests: If-None-Match and If-Modified-Since come from the
//     previous capture; a 304 or an identical body is stored as a revisit.
//   - MaxBodySize and charset conversion: colly's limit is off and the raw
//     bytes are teed in the transport, after gzip removal and before any
//     charset conversion; a body cut at the limit is flagged Truncated.
//
// A scheduled crawl also revisits, once per run, the URLs earlier runs of
// the archive fetched that nothing links to any more (Config.Revisit), so
// that removed and orphaned pages are seen to vanish.
//
// Run is the entry point; DefaultConfig documents the polite defaults.
package crawl
