// Package links judges the links of an archived site the way a careful
// auditor would: from the archive first, live over HTTP only where the
// archive cannot answer, and never mistaking a rate limit for a broken link.
//
// It has three parts:
//
//   - a live [Checker] with per-host concurrency and delay, HEAD then GET,
//     retries with backoff, Retry-After honoured, distinct verdicts for DNS,
//     TLS, refused connections, timeouts and redirect trouble, an SSRF guard
//     that refuses private and loopback addresses at dial time, and a
//     [Cache] of verdicts with a time to live;
//   - an [Auditor] that judges every link of every page of a crawl run:
//     internal targets from their captures (status, redirect chain, soft-404
//     signs, fragment ids), in-scope targets the crawl never reached once
//     live, external targets live when asked;
//   - hygiene checks on the links as written (empty hrefs, javascript:,
//     malformed URLs, onclick-only links, mailto: and tel: syntax, http
//     links from https pages, links to duplicate URLs).
//
// Findings are grouped by target: one broken target linked from 300 pages is
// one [archive.Finding] with 300 occurrences.
package links
