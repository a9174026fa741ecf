package check

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/archiver-dev/archiver/internal/archive"
)

// maxSitemapSize bounds a gunzipped sitemap (the protocol allows 50 MB).
const maxSitemapSize = 50 << 20

// markListed marks the members of clusters with copies whose URL a
// sitemap captured in the run lists: a site lists the URLs it wants found,
// so a listed URL is a better representative than an unlisted copy. The
// run's captures are read only when there are copies, and only the bodies
// of XML responses are loaded.
func (d *duplicates) markListed(ctx context.Context, a Archive, runID int64) error {
	want := map[string][]*member{}
	for _, cl := range d.multi {
		for i := range cl.members {
			k := pathQuery(cl.members[i].url)
			want[k] = append(want[k], &cl.members[i])
		}
	}
	if len(want) == 0 {
		return nil
	}
	var ids []int64
	err := a.EachCapture(ctx, runID, func(c *archive.Capture) error {
		switch {
		case c.Status == http.StatusNotModified && c.RevisitOf != 0 && xmlURL(c.URL):
			ids = append(ids, c.RevisitOf)
		case c.Status == http.StatusOK && (strings.Contains(strings.ToLower(c.ContentType()), "xml") || xmlURL(c.URL)):
			ids = append(ids, c.ID)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("find sitemaps: %w", err)
	}
	for _, id := range ids {
		c, err := a.Capture(ctx, id, true)
		if err != nil {
			return fmt.Errorf("read sitemap capture %d: %w", id, err)
		}
		for _, loc := range sitemapLocs(c.Body) {
			for _, m := range want[pathQuery(loc)] {
				m.listed = true
			}
		}
	}
	return nil
}

// xmlURL reports whether a URL's path names an XML file or a sitemap.
func xmlURL(u string) bool {
	p := strings.ToLower(urlPath(u))
	return strings.HasSuffix(p, ".xml") || strings.HasSuffix(p, ".xml.gz") || strings.Contains(p, "sitemap")
}

// sitemapLocs returns the <loc> of every <url> (or <sitemap>) of a
// sitemap or sitemap index, gunzipped if need be; nil when the body is no
// sitemap. Malformed XML yields the locations read before the error.
func sitemapLocs(body []byte) []string {
	var r io.Reader = bytes.NewReader(body)
	if len(body) > 2 && body[0] == 0x1f && body[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil
		}
		r = io.LimitReader(zr, maxSitemapSize)
	}
	dec := xml.NewDecoder(r)
	dec.Strict = false
	dec.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	var locs []string
	var loc strings.Builder
	root, inLoc := "", false
	for {
		tok, err := dec.Token()
		if err != nil {
			return locs
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = t.Name.Local
				if root != "urlset" && root != "sitemapindex" {
					return nil
				}
			}
			if t.Name.Local == "loc" {
				inLoc = true
				loc.Reset()
			}
		case xml.CharData:
			if inLoc {
				loc.Write(t)
			}
		case xml.EndElement:
			if t.Name.Local == "loc" && inLoc {
				inLoc = false
				if s := strings.TrimSpace(loc.String()); s != "" {
					locs = append(locs, s)
				}
			}
		}
	}
}
