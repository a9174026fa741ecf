package archive

// This file holds the types the timeline of a URL across runs is made of;
// internal/timeline computes them, internal/sqlite stores them.

import (
	"strings"
	"time"
)

// VersionFields are the parts of a page that the timeline compares between
// versions. Body is the normalised main text; it is kept only where a text
// diff is wanted, and BodyHash stands for it everywhere else.
type VersionFields struct {
	Headline    string   `json:"headline"`
	Published   string   `json:"published"` // YYYY-MM-DD, with " HH:MM" when printed
	Modified    string   `json:"modified"`
	Authors     []string `json:"authors"`
	Source      string   `json:"source"`
	Dateline    string   `json:"dateline"`
	Credits     []string `json:"credits"`
	Breadcrumbs []string `json:"breadcrumbs"`
	Correction  string   `json:"correction"` // a correction or update note, "" if none
	BodyHash    string   `json:"body_hash"`  // hex SHA-256 of Body
	Body        string   `json:"body,omitempty"`
}

// Refs says where a run found a link to a URL. Only the portal's own
// indexes count: listings, day archives, calendars and the sitemap.
type Refs uint8

// The places that link to a URL.
const (
	RefListing  Refs = 1 << iota // a section listing
	RefDay                       // a day archive
	RefCalendar                  // an archive calendar (for day archives)
	RefSitemap                   // sitemap.xml
)

// String lists the places, comma separated.
func (r Refs) String() string {
	var parts []string
	for _, p := range []struct {
		bit  Refs
		name string
	}{{RefListing, "listing"}, {RefDay, "day archive"}, {RefCalendar, "calendar"}, {RefSitemap, "sitemap"}} {
		if r&p.bit != 0 {
			parts = append(parts, p.name)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// Digest is what the timeline (internal/timeline) keeps of one capture:
// computed once per capture by its Indexer and stored beside the capture.
type Digest struct {
	ContentHash  string        `json:"content_hash"` // "" when the capture has no HTML body
	Kind         PageKind      `json:"kind"`
	Section      string        `json:"section"`
	SoftNotFound bool          `json:"soft_not_found"` // a 200 that says "not found" or "no news"
	Duplicate    bool          `json:"duplicate"`      // the page names another URL as its canonical (print versions, aliases)
	Fields       VersionFields `json:"fields"`
	Refs         Refs          `json:"refs"`
	// For day archives: the date asked for (YYYY-MM-DD), how many article
	// links the page lists, how many of them were published on that date,
	// and how many after it.
	Day          string `json:"day"`
	Items        int    `json:"items"`
	ItemsOnDay   int    `json:"items_on_day"`
	ItemsAfter   int    `json:"items_after"`
	ItemsDated   int    `json:"items_dated"`
	LatestListed bool   `json:"latest_listed"` // the page lists the same articles as the newest day archive
	// For articles: the run captured the day archive of the article's
	// published date, and that page keeps to its date; and the run captured
	// every page of the article's section listing.
	DayCaptured     bool `json:"day_captured"`
	ListingComplete bool `json:"listing_complete"`
}

// Version is one capture of a canonical URL as the timeline
// (internal/timeline) sees it: the capture's outcome and its Digest.
type Version struct {
	URL        string    `json:"url"` // canonical
	RunID      int64     `json:"run_id"`
	RunStarted time.Time `json:"run_started"`
	CaptureID  int64     `json:"capture_id"`
	FetchedAt  time.Time `json:"fetched_at"`
	Status     int       `json:"status"`
	FinalURL   string    `json:"final_url"`
	Redirected bool      `json:"redirected"`
	Verdict    Verdict   `json:"verdict"`
	BodySHA256 string    `json:"body_sha256"`
	Indexed    bool      `json:"indexed"` // Digest was computed
	Digest     Digest    `json:"digest"`
}

// MissingURL is a URL an index (a sitemap) listed that the archive never
// captured.
type MissingURL struct {
	URL  string `json:"url"`
	Via  string `json:"via"`  // the index that listed it
	Kind string `json:"kind"` // "sitemap"
}
