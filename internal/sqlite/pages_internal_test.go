package sqlite

import (
	"context"
	"database/sql"
	"reflect"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
)

// TestPutPagesAbsent stores pages believed new (pageRow.absent, as the
// crawl's writes and EachPageDerived mark them) and not, over a capture
// with no page and over one whose page, images and credits are already
// stored: either way the stored page is the new one, with its own images
// and credits only, and a group write in which a belief proves wrong
// commits the rest of its group.
func TestPutPagesAbsent(t *testing.T) {
	ctx := context.Background()
	page := func(id int64, version string, images int) *archive.Page {
		p := &archive.Page{CaptureID: id, URL: "https://portal.example/a", ExtractorVersion: version, Headline: version,
			Links: []archive.Link{{Href: "/b", URL: "https://portal.example/b", Text: version, Place: archive.PlaceBody, Attr: "href", Tag: "a"}}}
		for i := range images {
			src := "https://portal.example/i" + itoa(i) + ".jpg"
			p.Images = append(p.Images, archive.Image{Src: src, Alt: version})
			p.Credits = append(p.Credits, archive.Credit{Kind: "photo", Name: version, Image: src})
		}
		return p
	}
	for _, tc := range []struct {
		name   string
		stored *archive.Page // the page stored before, nil for none
		absent bool
		images int
	}{
		{"new page, believed absent", nil, true, 2},
		{"new page, not believed absent", nil, false, 2},
		{"stored page, believed absent", page(0, "old", 3), true, 1},
		{"stored page without images, believed absent", page(0, "old", 0), true, 2},
		{"stored page, new one without images, believed absent", page(0, "old", 3), true, 0},
		{"stored page, not believed absent", page(0, "old", 3), false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openInternal(t)
			run := newRun(t, s)
			id := mustPutInternal(t, s, testCapture(run, "https://portal.example/a", []byte("<html>a</html>")))
			other := mustPutInternal(t, s, testCapture(run, "https://portal.example/c", []byte("<html>c</html>")))
			if tc.stored != nil {
				tc.stored.CaptureID = id
				if err := s.PutPage(ctx, tc.stored); err != nil {
					t.Fatal(err)
				}
			}
			want := page(id, "new", tc.images)
			r, err := encodePageRow(want)
			if err != nil {
				t.Fatal(err)
			}
			r.absent = tc.absent
			next, err := encodePageRow(page(other, "next", 1))
			if err != nil {
				t.Fatal(err)
			}
			next.absent = true
			if err := s.putPages(ctx, []pageRow{r, next}); err != nil {
				t.Fatalf("put pages: %v", err)
			}
			got, err := s.Page(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("stored page:\n got %+v\nwant %+v", got, want)
			}
			if got, err := s.Page(ctx, other); err != nil || got.ExtractorVersion != "next" {
				t.Errorf("the group's other page: %+v, %v", got, err)
			}
			var images, credits int
			err = s.read(ctx, func(tx *sql.Tx) error {
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM page_images WHERE capture_id = ?`, id).Scan(&images); err != nil {
					return err
				}
				return tx.QueryRowContext(ctx, `SELECT count(*) FROM page_credits WHERE capture_id = ?`, id).Scan(&credits)
			})
			if err != nil {
				t.Fatal(err)
			}
			if images != tc.images || credits != tc.images {
				t.Errorf("%d images and %d credits stored, want %d of each", images, credits, tc.images)
			}
		})
	}
}
