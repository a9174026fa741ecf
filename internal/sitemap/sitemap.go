// Package sitemap reads the locations of a sitemap or sitemap index
// (sitemaps.org protocol 0.9): the crawler follows them, the check ranks
// the URLs they list, and the timeline reports those never captured.
package sitemap

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html/charset"
)

// MaxSize bounds a gunzipped sitemap (the protocol allows 50 MB).
const MaxSize = 50 << 20

// maxTokens bounds the XML tokens read from one document, and maxLoc the
// bytes kept of one location, so a hostile document costs bounded time and
// memory.
const (
	maxTokens = 1 << 22
	maxLoc    = 8192
)

// Locs returns the <loc> of every <url> or <sitemap> of a sitemap or
// sitemap index, gunzipped when the body is gzip, decoded from the charset
// it declares. ok is false when the document is not a sitemap (its root is
// not urlset or sitemapindex); then there are no locations. Only absolute
// http(s) URLs are returned, trimmed. Malformed or truncated XML yields the
// locations read before the error.
func Locs(body []byte) (locs []string, ok bool) {
	var r io.Reader = bytes.NewReader(body)
	if len(body) > 2 && body[0] == 0x1f && body[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, false
		}
		r = io.LimitReader(zr, MaxSize)
	}
	dec := xml.NewDecoder(r)
	dec.Strict = false
	dec.CharsetReader = charset.NewReaderLabel
	root, inLoc := "", false
	var loc strings.Builder
	for range maxTokens {
		tok, err := dec.Token()
		if err != nil {
			return locs, ok
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = t.Name.Local
				ok = root == "urlset" || root == "sitemapindex"
				if !ok {
					return nil, false
				}
			}
			if t.Name.Local == "loc" {
				inLoc = true
				loc.Reset()
			}
		case xml.CharData:
			if inLoc && loc.Len() < maxLoc {
				loc.Write(t)
			}
		case xml.EndElement:
			if t.Name.Local == "loc" && inLoc {
				inLoc = false
				if s := strings.TrimSpace(loc.String()); absolute(s) {
					locs = append(locs, s)
				}
			}
		}
	}
	return locs, ok
}

// absolute reports whether s is an http or https URL with a host, as the
// protocol requires of a location.
func absolute(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
