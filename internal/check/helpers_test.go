package check_test

import (
	"context"
	"io/fs"
	"testing"
	"testing/fstest"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/check"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/portal"
	"github.com/archiver-dev/archiver/internal/report"
	"github.com/archiver-dev/archiver/internal/sqlite"
	"github.com/archiver-dev/archiver/rules"
)

// editorialSource is the default editorial pack (the links and archive
// packs need kinds from other packages).
func editorialSource(t testing.TB) []check.Source {
	t.Helper()
	sub, err := fs.Sub(rules.FS(), "editorial")
	if err != nil {
		t.Fatal(err)
	}
	return []check.Source{{FS: sub, Name: "rules/editorial"}}
}

// now is the clock of the tests.
var now = time.Date(2024, 4, 5, 8, 0, 0, 0, time.UTC)

func newEngine(t testing.TB, kinds ...check.Kind) *check.Engine {
	t.Helper()
	e, err := check.New(check.Options{Kinds: kinds, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// rulesFS builds a rule source from file name → content.
func rulesFS(files map[string]string) check.Source {
	m := fstest.MapFS{}
	for name, text := range files {
		m[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return check.Source{FS: m, Name: "testrules"}
}

func mustLoad(t testing.TB, e *check.Engine, files map[string]string, o check.Overrides) *check.RuleSet {
	t.Helper()
	set, err := e.Load([]check.Source{rulesFS(files)}, o)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// article returns a clean article page.
func article(url string) *archive.Page {
	return &archive.Page{
		URL: url, Kind: archive.KindArticle, Lang: "en", DetectedLang: "en", WordCount: 200,
		Title:     "Golovchenko meets SCO delegation | Belarus",
		Headline:  "Golovchenko meets SCO delegation at " + url,
		Published: archive.Date{Value: "2024-04-03", Text: "3 Apr 2024", Source: "time"},
		Dateline:  archive.Dateline{Raw: "MINSK, 3 April (BelTA) -", Place: "MINSK", DateText: "3 April", Date: "2024-04-03", Agency: "BelTA", Dash: "-"},
		Source:    "BelTA", Authors: []string{"Anna Ivanova"},
		Images:      []archive.Image{{Src: "https://www.example.gov/img/a.jpg", Credit: "sectsco.org", CreditText: "Photo by sectsco.org"}},
		Credits:     []archive.Credit{{Kind: "photo", Name: "sectsco.org", Text: "Photo by sectsco.org", Image: "https://www.example.gov/img/a.jpg"}},
		Breadcrumbs: []archive.Crumb{{Text: "Home", URL: "https://www.example.gov/"}, {Text: "Government", URL: "https://www.example.gov/government/"}},
		Body:        "MINSK, 3 April (BelTA) - The Prime Minister met the delegation.",
	}
}

// memArchive holds one crawl run (id 1) with the given pages, in order.
func memArchive(t testing.TB, pages ...*archive.Page) *check.MemoryArchive {
	t.Helper()
	m := check.NewMemoryArchive()
	m.AddRun(archive.Run{ID: 1, Seeds: []string{"https://www.example.gov/"}, StartedAt: now.Add(-2 * time.Hour), Status: archive.RunComplete})
	for i, p := range pages {
		id := int64(i + 1)
		p.CaptureID = id
		c := &archive.Capture{ID: id, RunID: 1, URL: p.URL, CanonicalURL: p.URL, FinalURL: p.URL, Status: 200,
			FetchedAt: now.Add(-time.Hour), BodySHA256: "sha-" + p.URL, Verdict: archive.VerdictOK}
		if err := m.AddCapture(c, p); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// memHistory is a History in memory.
type memHistory struct {
	runs     []report.CheckRun
	findings [][]archive.Finding
}

func (h *memHistory) LastCheckRun(context.Context) (report.CheckRun, []archive.Finding, error) {
	if len(h.runs) == 0 {
		return report.CheckRun{}, nil, archive.ErrNotFound
	}
	return h.runs[len(h.runs)-1], h.findings[len(h.findings)-1], nil
}

func (h *memHistory) SaveCheckRun(_ context.Context, r report.CheckRun, fs []archive.Finding) (int64, error) {
	r.ID = int64(len(h.runs) + 1)
	h.runs = append(h.runs, r)
	var kept []archive.Finding
	for _, f := range fs {
		if f.State != archive.StateResolved {
			kept = append(kept, f)
		}
	}
	h.findings = append(h.findings, kept)
	return r.ID, nil
}

// byRule collects open findings as rule → URLs.
func byRule(res *report.Result) map[string][]string {
	out := map[string][]string{}
	for _, f := range res.Findings {
		if report.IsOpen(&f) {
			out[f.RuleID] = append(out[f.RuleID], f.URL)
		}
	}
	return out
}

// checkPortalEditorial checks a crawl of the demo portal with the editorial
// pack on the portal's own "today" (the date it treats as now), deriving
// and storing the pages with the real extractor. req gives the run and
// anything else the caller wants (History); its Archive and Rules are set
// here, and returned with the result.
func checkPortalEditorial(t testing.TB, store *sqlite.Store, m *portal.Manifest, req check.Request) (*report.Result, *check.RuleSet) {
	t.Helper()
	today, err := time.Parse("2006-01-02", m.Today)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := check.New(check.Options{Now: func() time.Time { return today.Add(18 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	if req.Rules, err = eng.Load(editorialSource(t), nil); err != nil {
		t.Fatal(err)
	}
	x := extract.New(extract.Options{})
	req.Archive = &check.StoreArchive{Store: store, Extract: x.Capture, Version: extract.Version, Persist: true}
	res, err := eng.Check(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	return res, req.Rules
}
