package sqlite_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// benchLinksPerPage is how many links a page of the page benchmarks has:
// about what a portal's article carries (menus, body, footer).
const benchLinksPerPage = 100

// benchPage returns a derived page of capture id with benchLinksPerPage
// links shaped like a portal's: site-relative menu and body links resolved
// against the page, a few absolute external ones (URL equal to Href), one
// image and its credit.
func benchPage(id int64) *archive.Page {
	p := &archive.Page{
		CaptureID: id, URL: fmt.Sprintf("https://portal.example/en/news/%d.html", id), ExtractorVersion: "bench/1",
		Kind: archive.KindArticle, Lang: "en", Headline: fmt.Sprintf("Summit number %d opens in Minsk", id),
		Images:  []archive.Image{{Src: fmt.Sprintf("https://portal.example/i/%d.jpg", id), Alt: "Hall", Credit: "sectsco.org", CreditText: "Photo by sectsco.org", CreditSource: "figcaption"}},
		Credits: []archive.Credit{{Kind: "photo", Name: "sectsco.org", Text: "Photo by sectsco.org", Image: fmt.Sprintf("https://portal.example/i/%d.jpg", id)}},
	}
	for k := range benchLinksPerPage {
		l := archive.Link{Attr: "href", Tag: "a"}
		switch {
		case k < 40:
			l.Href = fmt.Sprintf("/en/section-%d/", k)
			l.Text, l.Place = fmt.Sprintf("Section %d", k), archive.PlaceMenu
		case k < 90:
			l.Href = fmt.Sprintf("/en/news/%d.html", (id*7+int64(k))%5000)
			l.Text, l.Place = "A related story about trade and cooperation", archive.PlaceBody
		default:
			l.Href = fmt.Sprintf("https://partner-%d.example/", k)
			l.Text, l.Place, l.Rel = "Partner", archive.PlaceFooter, "noopener"
		}
		if l.Href[0] == '/' {
			l.URL = "https://portal.example" + l.Href
		} else {
			l.URL = l.Href
		}
		p.Links = append(p.Links, l)
	}
	return p
}

// BenchmarkPutPage stores derived pages of benchLinksPerPage links each,
// one transaction a page, as the check's derive path and `extract
// --rebuild` do; it reports the file bytes a page costs.
//
//	go test -run '^$' -bench 'PutPage|ReadPages' -benchtime 2000x ./internal/sqlite
func BenchmarkPutPage(b *testing.B) {
	ctx := context.Background()
	s, _ := mustOpen(b)
	pages := make([]*archive.Page, 0, 1024)
	for i := range cap(pages) {
		pages = append(pages, benchPage(int64(i+1)))
	}
	id := int64(0)
	cpu := sqlite.ProcessCPU()
	for b.Loop() {
		id++
		p := pages[id%int64(len(pages))]
		p.CaptureID = id
		if err := s.PutPage(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportCPU(b, cpu)
	st, err := s.Stats(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(st.FileBytes-st.FreeBytes)/float64(id), "file-B/page")
}

// BenchmarkReadPages reads pages of benchLinksPerPage links back: the
// check's bulk read with links (EachPage, one op a page) and one page
// with everything (Page).
func BenchmarkReadPages(b *testing.B) {
	ctx := context.Background()
	const n = 2000
	s, _ := mustOpen(b)
	run := mustRun(b, s)
	for i := range n {
		id, _ := mustPut(b, s, capture(run, fmt.Sprintf("https://portal.example/en/news/%d.html", i), []byte(fmt.Sprintf("<html>%d</html>", i))))
		if err := s.PutPage(ctx, benchPage(id)); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("each-page-links", func(b *testing.B) {
		cpu := sqlite.ProcessCPU()
		read := 0
		for read < b.N {
			err := s.EachPage(ctx, sqlite.PageQuery{RunID: run, Links: true}, func(_ *archive.Capture, p *archive.Page) error {
				if len(p.Links) != benchLinksPerPage {
					return fmt.Errorf("page %d: %d links", p.CaptureID, len(p.Links))
				}
				read++
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu)
	})
	b.Run("page", func(b *testing.B) {
		id := int64(0)
		for b.Loop() {
			p, err := s.Page(ctx, id%n+1)
			if err != nil || len(p.Links) != benchLinksPerPage {
				b.Fatal(err)
			}
			id++
		}
	})
}
