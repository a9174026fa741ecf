package timeline

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// Fields are the parts of a page that the timeline compares between
// versions. Body is the normalised main text; it is kept only where a text
// diff is wanted, and BodyHash stands for it everywhere else.
type Fields struct {
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

// Digest is what the timeline keeps of one capture: computed once by the
// [Indexer] and stored beside the capture.
type Digest struct {
	CaptureID    int64            `json:"capture_id"`
	ContentHash  string           `json:"content_hash"` // "" when the capture has no HTML body
	Kind         archive.PageKind `json:"kind"`
	Section      string           `json:"section"`
	SoftNotFound bool             `json:"soft_not_found"` // a 200 that says "not found" or "no news"
	Fields       Fields           `json:"fields"`
	Refs         Refs             `json:"refs"`
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

// Version is one capture of a canonical URL, as the timeline sees it.
type Version struct {
	URL        string          `json:"url"` // canonical
	RunID      int64           `json:"run_id"`
	RunStarted time.Time       `json:"run_started"`
	CaptureID  int64           `json:"capture_id"`
	FetchedAt  time.Time       `json:"fetched_at"`
	Status     int             `json:"status"`
	FinalURL   string          `json:"final_url"`
	Redirected bool            `json:"redirected"`
	Verdict    archive.Verdict `json:"verdict"`
	BodySHA256 string          `json:"body_sha256"`
	Indexed    bool            `json:"indexed"` // Digest was computed
	Digest     Digest          `json:"digest"`
}

// State is what a version says about its URL.
type State string

// The states of a version.
const (
	StateGood    State = "good"    // a 2xx page with content
	StateGone    State = "gone"    // 404, 410, a soft 404, or a redirect to the home page
	StateUnknown State = "unknown" // an error, a refusal, a 5xx: says nothing about the page
	StateMoved   State = "moved"   // a redirect somewhere other than home
)

// StateOf classifies a version.
func StateOf(v Version) State {
	switch {
	case v.Verdict == archive.VerdictError || v.Verdict == archive.VerdictRefused:
		return StateUnknown
	case v.Status == 404 || v.Status == 410:
		return StateGone
	case v.Status >= 500 || v.Status == 429 || v.Status == 403 || v.Status == 0:
		return StateUnknown
	case v.Status >= 300 && v.Status < 400:
		if isHome(v.FinalURL) && !isHome(v.URL) {
			return StateGone
		}
		return StateMoved
	case v.Status >= 400:
		return StateGone
	}
	if v.Redirected && isHome(v.FinalURL) && !isHome(v.URL) {
		return StateGone
	}
	if v.Indexed && (v.Digest.SoftNotFound || v.Digest.Kind == archive.KindHome && !isHome(v.URL)) {
		return StateGone
	}
	return StateGood
}

// isHome says whether u is a portal's home page: the root, or a language
// root such as /en/.
func isHome(u string) bool {
	p, err := url.Parse(u)
	if err != nil || u == "" {
		return false
	}
	path := strings.Trim(p.Path, "/")
	if path == "" || path == "index.html" || path == "index.php" {
		return p.RawQuery == ""
	}
	if len(path) == 2 && p.RawQuery == "" {
		return strings.ToLower(path) == path && path[0] >= 'a' && path[0] <= 'z' && path[1] >= 'a' && path[1] <= 'z'
	}
	return false
}

// HashText returns the hex SHA-256 of s.
func HashText(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// FieldChange is one field that differs between two versions.
type FieldChange struct {
	Field string `json:"field"` // headline, published, modified, authors, source, dateline, credits, breadcrumbs, correction, body
	From  string `json:"from"`
	To    string `json:"to"`
}

// CompareFields lists the fields that differ between a and b, in a fixed
// order. Bodies are compared by hash; From and To of a body change are
// empty unless both bodies are present.
func CompareFields(a, b Fields) []FieldChange {
	var out []FieldChange
	add := func(name, x, y string) {
		if x != y {
			out = append(out, FieldChange{Field: name, From: x, To: y})
		}
	}
	add("headline", a.Headline, b.Headline)
	add("published", a.Published, b.Published)
	add("modified", a.Modified, b.Modified)
	if !slices.Equal(a.Authors, b.Authors) {
		out = append(out, FieldChange{Field: "authors", From: strings.Join(a.Authors, "; "), To: strings.Join(b.Authors, "; ")})
	}
	add("source", a.Source, b.Source)
	add("dateline", a.Dateline, b.Dateline)
	if !slices.Equal(a.Credits, b.Credits) {
		out = append(out, FieldChange{Field: "credits", From: strings.Join(a.Credits, "; "), To: strings.Join(b.Credits, "; ")})
	}
	if !slices.Equal(a.Breadcrumbs, b.Breadcrumbs) {
		out = append(out, FieldChange{Field: "breadcrumbs", From: strings.Join(a.Breadcrumbs, " | "), To: strings.Join(b.Breadcrumbs, " | ")})
	}
	add("correction", a.Correction, b.Correction)
	if a.BodyHash != b.BodyHash {
		out = append(out, FieldChange{Field: "body", From: a.Body, To: b.Body})
	}
	return out
}

// missing returns the items of a that are not in b.
func missing(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
