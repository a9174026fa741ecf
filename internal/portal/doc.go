// Package portal is the demo portal: a deterministic generator of a
// government news portal, modelled on the English site of the Republic of
// Belarus, its http.Handler, and its Manifest of planted truth.
//
// A Portal is generated from a Config (seed, articles per language, day)
// and serves, at any base URL:
//
//   - home pages /en/, /ru/, /be/ (and / → 302 /en/);
//   - section listings /{lang}/{section}/{sub}/?page=N in two templates
//     (".lenta_item" before the template drift, ".tl_item" after);
//   - articles /{lang}/{section}/{sub}/{slug}_i_{%010d}.html and photo
//     reports /{lang}/press-center/photo/{slug}------_i_{id}.html, with
//     headline, printed date, dateline ("MINSK, 3 April (BelTA) - "),
//     bylines, photo credits in every variant, breadcrumbs, menu and an
//     archive calendar, and JSON-LD on the new template;
//   - print versions /{lang}/print/{id}, month calendars
//     /{lang}/calendar/?month=MM&year=YYYY, BelTA-style day archives
//     /{lang}/archive/?day=DD&month=MM&year=YY/, Kremlin-style
//     /{lang}/news/by-date/DD.MM.YYYY, /{lang}/all_news/page/N/,
//     /{lang}/regions/news.html?start=N, RSS /{lang}/rss.xml,
//     /robots.txt, /sitemap.xml, a PDF, JPEG images, a JSON search API and
//     404/410 pages.
//
// Every quirk group of the reference is planted on purpose: windows-1251
// pages declared in the header only, in a meta tag only, nowhere and
// wrongly; bylines, credits, datelines and headlines in all their real
// variants; broken, hidden and malformed links; soft-404 and 404 empty
// days; date-ignoring archives; redirects, chains and a loop; duplicates;
// crawler traps; switchable rate limits (429 with Retry-After, 403 after N
// requests) and slow answers; a very large page, a gzip-encoded page and
// hostile pages. Day N applies new articles, silent edits, corrections,
// removals and orphaned pages.
//
// Pages are rendered on request from the seed; the Portal holds only small
// indexes. The same Config gives the same bytes, except for the parts the
// Manifest lists as Volatile (a visit counter, a CSRF token, a rotating
// promo and the "today" widget).
//
// The Manifest lists every URL the portal serves or links to with its kind,
// status, charset and declaration, canonical URL and duplicates, and for
// articles the fields an extractor is scored against; the planted defects
// (the Defect constants, one to one with the rule engine); every link that
// is broken, hidden, redirected, insecure or a duplicate; traps with the
// bound a crawler should apply; empty days; redirects; robots.txt; rate
// limits; volatile parts; and the changes of each day.
package portal
