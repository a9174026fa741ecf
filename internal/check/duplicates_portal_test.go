package check_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/check"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/portal"
	"github.com/archiver-dev/archiver/internal/report"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// TestDemoPortalDuplicatePages crawls the whole 60-article demo portal
// (three languages), where section aliases and "?page=2" copies of photo
// reports are served without a canonical tag and differ from their page
// only by per-request parts (a visit counter, a token), and checks it
// with the editorial pack: every planted defect is found on the page's
// canonical URL, nothing is reported on a duplicate URL, and every
// finding is a planted defect (the manifest's canonical URL is the
// representative the engine picks, also where a planted breadcrumb
// mismatch leads through the alias's section: the sitemap decides). The
// whole portal, as `archiver demo` crawls it: about 5,500 captures, 25 s.
func TestDemoPortalDuplicatePages(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the 60-article demo portal")
	}
	ctx := context.Background()
	p, err := portal.New(portal.Config{Seed: 1, Articles: 60, Day: 1})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	m := p.Manifest()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "archive.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cfg := crawl.DefaultConfig()
	cfg.Seeds = []string{srv.URL + "/en/", srv.URL + "/ru/", srv.URL + "/be/"}
	cfg.Delay, cfg.HostConcurrency = 0, 4
	sum, err := crawl.Run(ctx, cfg, store)
	if err != nil {
		t.Fatal(err)
	}
	res, _ := checkPortalEditorial(t, store, m, check.Request{RunID: sum.RunID})

	// The duplicates the crawl captured that name no canonical URL: the
	// case the engine must recognise by content.
	captured := map[string]bool{}
	if err := (&check.StoreArchive{Store: store}).EachCapture(ctx, sum.RunID, func(c *archive.Capture) error {
		if c.Status == 200 {
			captured[strings.TrimPrefix(c.CanonicalURL, srv.URL)] = true
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	untagged := map[string]int{} // why → count
	dupOf := map[string]string{}
	for _, pg := range m.Pages {
		if pg.DuplicateOf != "" && captured[pg.URL] {
			dupOf[pg.URL] = pg.DuplicateOf
			if pg.CanonicalTag == "" && pg.Kind != portal.KindPrint {
				untagged[pg.DuplicateWhy]++
			}
		}
	}
	if untagged["section-alias"] == 0 || untagged["page"] == 0 {
		t.Fatalf("the crawl captured untagged duplicates %v: want section aliases and ?page= copies (the test does not cover them)", untagged)
	}

	type key struct {
		path   string
		defect portal.Defect
	}
	truth := map[key]bool{}
	for _, pg := range m.Pages {
		if captured[pg.URL] {
			for _, d := range pg.Defects {
				truth[key{pg.URL, d}] = true
			}
		}
	}
	found := map[key]bool{}
	var wrong []string
	named := 0
	for _, f := range res.Findings {
		if !report.IsOpen(&f) {
			continue
		}
		path := strings.TrimPrefix(f.URL, srv.URL)
		if c, ok := dupOf[path]; ok {
			wrong = append(wrong, "on a duplicate URL of "+c+": "+f.RuleID+" "+path+": "+f.Message)
			continue
		}
		if strings.Contains(f.Evidence, "also served at") {
			named++
		}
		matched := false
		for _, d := range defectOf[f.RuleID] {
			if truth[key{path, d}] {
				found[key{path, d}] = true
				matched = true
			}
		}
		if !matched {
			wrong = append(wrong, "not planted: "+f.RuleID+" "+path+": "+f.Message+" | "+f.Evidence)
		}
	}
	var missed []string
	for k := range truth {
		if !found[k] {
			missed = append(missed, string(k.defect)+" "+k.path)
		}
	}
	sort.Strings(wrong)
	sort.Strings(missed)
	for _, s := range wrong {
		t.Error(s)
	}
	for _, s := range missed {
		t.Errorf("planted defect not found: %s", s)
	}
	if named == 0 {
		t.Error("no finding names the duplicate URLs of its page, though planted defects stand on pages with untagged copies")
	}
	t.Logf("%d captures, %d pages checked, untagged duplicates captured %v; %d planted defects, %d found; %d findings, %d naming their page's copies",
		len(captured), res.Run.Pages, untagged, len(truth), len(found), len(res.Findings), named)
}
