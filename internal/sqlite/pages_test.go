package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/extract"
)

const pageHTML = `<html lang="en"><head><title>Summit opens | Portal</title></head><body>
<nav><a href="/en/government/">Government</a></nav>
<article><h1>Summit opens</h1><div class="date">3 Apr 2024</div>
<figure><img src="/i/1.jpg" alt="Hall"><figcaption>Hall <span class="credit">Photo by sectsco.org</span></figcaption></figure>
<p>MINSK, 3 April (BelTA) - Belarus and China discussed trade, energy and transport cooperation on Tuesday.</p>
<p>The sides agreed to meet again in autumn. <a href="/en/news/2.html">Related story</a> <a href="">empty</a></p></article></body></html>`

func TestPutAndGetPage(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t)
	run := mustRun(t, s)
	id, _ := mustPut(t, s, capture(run, "https://portal.example/en/news/1.html", []byte(pageHTML)))
	c, err := s.Capture(ctx, id, true)
	if err != nil {
		t.Fatal(err)
	}
	p, err := extract.Page(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Links) < 3 || len(p.Images) != 1 || len(p.Credits) != 1 {
		t.Fatalf("fixture extracted %d links, %d images, %d credits", len(p.Links), len(p.Images), len(p.Credits))
	}
	if err := s.PutPage(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := s.Page(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("page round trip differs:\n got  %+v\n want %+v", got, p)
	}
	links, err := s.PageLinks(ctx, id)
	if err != nil || !reflect.DeepEqual(links, p.Links) {
		t.Errorf("links %+v, %v", links, err)
	}
	from, err := s.LinksTo(ctx, "https://portal.example/en/news/2.html")
	if err != nil || len(from) != 1 || from[0].CaptureID != id || from[0].Link.Text != "Related story" || from[0].Link.Place != archive.PlaceBody {
		t.Errorf("links to: %+v, %v", from, err)
	}
	// Storing again replaces, never duplicates.
	if err := s.PutPage(ctx, p); err != nil {
		t.Fatal(err)
	}
	if links, _ := s.PageLinks(ctx, id); len(links) != len(p.Links) {
		t.Errorf("%d links after storing twice, want %d", len(links), len(p.Links))
	}
	if _, err := s.Page(ctx, id+100); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("missing page: %v, want ErrNotFound", err)
	}
	if err := s.PutPage(ctx, &archive.Page{CaptureID: id}); err == nil {
		t.Error("page without an extractor version accepted")
	}
}

func TestRebuildPagesByVersion(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t)
	run := mustRun(t, s)
	var ids []int64
	for i := 0; i < 3; i++ {
		id, _ := mustPut(t, s, capture(run, fmt.Sprintf("https://portal.example/en/news/%d.html", i), []byte(fmt.Sprintf("%s<!-- %d -->", pageHTML, i))))
		ids = append(ids, id)
	}
	calls := 0
	derive := func(version string) func(c *archive.Capture) (*archive.Page, error) {
		return func(c *archive.Capture) (*archive.Page, error) {
			calls++
			p, err := extract.Page(c)
			if p != nil {
				p.ExtractorVersion = version
			}
			return p, err
		}
	}
	st, err := s.RebuildPages(ctx, 0, "v1", false, derive("v1"))
	if err != nil || st.Seen != 3 || st.Rebuilt != 3 || st.Current != 0 || calls != 3 {
		t.Fatalf("first pass: %+v, %v, %d calls", st, err, calls)
	}
	calls = 0
	st, err = s.RebuildPages(ctx, 0, "v1", false, derive("v1"))
	if err != nil || st.Rebuilt != 0 || st.Current != 3 || calls != 0 {
		t.Fatalf("same version: %+v, %v, %d calls", st, err, calls)
	}
	st, err = s.RebuildPages(ctx, 0, "v2", false, derive("v2"))
	if err != nil || st.Rebuilt != 3 {
		t.Fatalf("new version: %+v, %v", st, err)
	}
	// EnsurePage returns the stored page at the right version and
	// re-derives it at another.
	c, err := s.Capture(ctx, ids[0], false)
	if err != nil {
		t.Fatal(err)
	}
	calls = 0
	p, err := s.EnsurePage(ctx, c, "v2", derive("v2"))
	if err != nil || calls != 0 || p.ExtractorVersion != "v2" || p.Headline != "Summit opens" {
		t.Fatalf("ensure at stored version: %+v, %v, %d calls", p, err, calls)
	}
	p, err = s.EnsurePage(ctx, c, "v3", derive("v3"))
	if err != nil || calls != 1 || p.ExtractorVersion != "v3" {
		t.Fatalf("ensure at new version: %v, %d calls", err, calls)
	}
	versions, err := s.PageVersions(ctx)
	if err != nil || versions[ids[0]] != "v3" || versions[ids[1]] != "v2" {
		t.Errorf("versions %v, %v", versions, err)
	}
}
