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

// defectOf maps the default editorial rules to the portal's defect ids.
// Rules absent here have no planted defect: any finding of theirs on the
// portal is a false positive. Every defect of portal.AllDefects must be
// reported by one of them.
var defectOf = map[string][]portal.Defect{
	"editorial/attribution-missing":          {portal.DefectMissingByline},
	"editorial/headline-missing":             {portal.DefectMissingHeadline},
	"editorial/date-in-future":               {portal.DefectFutureDate},
	"editorial/dateline-date-mismatch":       {portal.DefectDatelineDateMismatch},
	"editorial/image-credit-missing":         {portal.DefectMissingCredit, portal.DefectCreditAltOnly},
	"editorial/credit-without-image":         {portal.DefectCreditWithoutImage},
	"editorial/breadcrumbs-section-mismatch": {portal.DefectBreadcrumbMismatch},
	"editorial/duplicate-headline":           {portal.DefectDuplicateHeadline},
	"editorial/lang-missing":                 {portal.DefectLangMissing},
	"editorial/lang-mismatch":                {portal.DefectLangWrong},
	"editorial/placeholder-text":             {portal.DefectPlaceholderText},
	"editorial/multiple-h1":                  {portal.DefectMultipleH1},
	"editorial/byline-empty":                 {portal.DefectEmptyByline},
	"editorial/charset-undeclared":           {portal.DefectCharsetMissing},
	"editorial/charset-wrong":                {portal.DefectCharsetWrong},
	"editorial/charset-conflict":             {portal.DefectCharsetConflict},
}

// TestDemoPortal runs the real pipeline — the demo portal on a loopback
// server, the real crawler into a real SQLite archive, the real extractor,
// the default rules — and scores the findings against the portal's
// manifest: every defect kind of the manifest's vocabulary has a rule,
// every planted defect is found (recall 1.0), and every finding is the
// planted defect of its rule on its page (precision 1.0), so that pages
// the manifest calls clean, and pages that are not articles, get none.
func TestDemoPortal(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal")
	}
	ctx := context.Background()
	p, err := portal.New(portal.Config{Seed: 1, Articles: 24})
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
	// The English site whole, and of the Russian site (mostly windows-1251,
	// where the charset defects are planted) its articles, fetched as seeds:
	// the whole portal in three languages is ten times the crawl, more than
	// the race detector affords, and the Belarusian site plants the same
	// defects as the Russian one.
	cfg.Seeds, cfg.Include = []string{srv.URL + "/en/"}, []string{"/en/*"}
	for _, pg := range m.Pages {
		if pg.Lang == "ru" && pg.Status == 200 && pg.DuplicateOf == "" && (pg.Kind == portal.KindArticle || pg.Kind == portal.KindPhotoReport) {
			cfg.Seeds = append(cfg.Seeds, srv.URL+pg.URL)
			cfg.Include = append(cfg.Include, pg.URL)
		}
	}
	cfg.Delay = 0
	cfg.HostConcurrency = 4
	sum, err := crawl.Run(ctx, cfg, store)
	if err != nil {
		t.Fatal(err)
	}

	res, set := checkPortalEditorial(t, store, m, check.Request{RunID: sum.RunID, History: check.StoreHistory{Store: store}})

	// The truth: planted (path, defect) pairs of the editorial vocabulary,
	// on pages the crawl captured.
	captured := map[string]bool{}
	if err := (&check.StoreArchive{Store: store}).EachCapture(ctx, sum.RunID, func(c *archive.Capture) error {
		if c.Status == 200 {
			captured[strings.TrimPrefix(c.CanonicalURL, srv.URL)] = true
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Every defect of the manifest's vocabulary is editorial and must have
	// a rule that reports it.
	scored := map[portal.Defect]bool{}
	for _, ds := range defectOf {
		for _, d := range ds {
			scored[d] = true
		}
	}
	for _, info := range portal.AllDefects() {
		if !scored[info.ID] {
			t.Errorf("no rule reports the planted defect %s (%s)", info.ID, info.Description)
		}
	}
	for id := range defectOf {
		if set.Rule(id) == nil {
			t.Errorf("defectOf names %s, which the editorial pack does not have", id)
		}
	}
	type key struct {
		path   string
		defect portal.Defect
	}
	truth := map[key]bool{}
	clean := map[string]bool{}
	for _, pg := range m.Pages {
		if !captured[pg.URL] {
			continue
		}
		if pg.Clean {
			clean[pg.URL] = true
		}
		for _, d := range pg.Defects {
			truth[key{pg.URL, d}] = true
		}
	}
	kindsPlanted := map[portal.Defect]bool{}
	for k := range truth {
		kindsPlanted[k.defect] = true
	}
	for _, info := range portal.AllDefects() {
		if !kindsPlanted[info.ID] {
			t.Errorf("no page with the planted defect %s was captured: the test does not cover it", info.ID)
		}
	}
	if len(truth) < 20 || len(clean) < 8 {
		t.Fatalf("only %d planted editorial defects and %d clean pages were captured (%d captures)", len(truth), len(clean), len(captured))
	}

	// Score: a finding is right when its rule's defect is planted on its
	// page; any other finding is a false positive, whatever the page.
	found := map[key]bool{}
	var falsePos []string
	right, open := 0, 0
	for _, f := range res.Findings {
		if !report.IsOpen(&f) {
			continue
		}
		open++
		path := strings.TrimPrefix(f.URL, srv.URL)
		matched := false
		for _, d := range defectOf[f.RuleID] {
			if truth[key{path, d}] {
				found[key{path, d}] = true
				matched = true
			}
		}
		if matched {
			right++
			continue
		}
		line := f.RuleID + " " + path + ": " + f.Message + " | " + f.Evidence
		if pg, err := store.Page(ctx, f.CaptureID); err == nil {
			line += " [extracted as " + string(pg.Kind) + ": " + pg.KindEvidence + "]"
		}
		if clean[path] {
			line = "on a clean page: " + line
		}
		falsePos = append(falsePos, line)
	}
	var missed []string
	for k := range truth {
		if !found[k] {
			missed = append(missed, string(k.defect)+" "+k.path)
		}
	}
	sort.Strings(missed)
	sort.Strings(falsePos)
	for _, s := range missed {
		t.Errorf("planted defect not found: %s", s)
	}
	for _, s := range falsePos {
		t.Errorf("false positive: %s", s)
	}
	recall := float64(len(found)) / float64(len(truth))
	precision := 0.0
	if open > 0 {
		precision = float64(right) / float64(open)
	}
	if open == 0 {
		t.Error("no finding at all")
	}
	t.Logf("%d captures, %d pages checked, %d planted defects of %d kinds, %d found (recall %.3f); %d findings, %d right (precision %.3f); %d clean pages",
		len(captured), res.Run.Pages, len(truth), len(kindsPlanted), len(found), recall, open, right, precision, len(clean))
}
