package check

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sitemap"
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
		locs, _ := sitemap.Locs(c.Body)
		for _, loc := range locs {
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
