package timeline

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"

	"github.com/archiver-dev/archiver/internal/archive"
)

// Fields are the parts of a page that the timeline compares between
// versions (an alias of archive.VersionFields, which the store reads and
// writes).
type Fields = archive.VersionFields

// Refs says where a run found a link to a URL (an alias of archive.Refs).
type Refs = archive.Refs

// The places that link to a URL.
const (
	RefListing  = archive.RefListing
	RefDay      = archive.RefDay
	RefCalendar = archive.RefCalendar
	RefSitemap  = archive.RefSitemap
)

// Digest is what the timeline keeps of one capture (an alias of
// archive.Digest).
type Digest = archive.Digest

// Version is one capture of a canonical URL as the timeline sees it (an
// alias of archive.Version).
type Version = archive.Version

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
