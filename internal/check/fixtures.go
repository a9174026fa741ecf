package check

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// Fixtures ship next to their rule, semgrep --test style:
//
//	editorial/headline-missing.yaml
//	editorial/headline-missing.good.html      no finding expected
//	editorial/headline-missing.bad.html       at least one finding expected
//	editorial/headline-missing.bad-2.html     (any suffix after .good or .bad)
//
// A fixture file holds one page, or several pages each starting with a
// header comment that gives its URL and fetch time:
//
//	<!-- fixture url="https://www.example.gov/news/a.html" fetched="2024-04-03T12:00:00Z" -->
//
// A first page without a header gets DefaultFixtureURL and
// 2024-04-03T12:00:00Z. Pages are served as "text/html; charset=utf-8"
// unless the header sets content_type="…" (charset rules test pages whose
// header declares another charset, or none). The check runs at one hour after the latest fetch
// time, unless the first header sets now="…".
const (
	DefaultFixtureURL = "https://www.example.gov/government/events/fixture.html"
)

// defaultFixtureTime is the fetch time of fixture pages without a header.
func defaultFixtureTime() time.Time { return time.Date(2024, 4, 3, 12, 0, 0, 0, time.UTC) }

var reFixtureHeader = regexp.MustCompile(`(?m)^[ \t]*<!--[ \t]*fixture\b([^>]*?)-->[ \t]*\r?\n?`)
var reFixtureAttr = regexp.MustCompile(`(\w+)="([^"]*)"`)

// findFixtures lists the fixtures of a rule in its directory.
func findFixtures(c *compiled) error {
	entries, err := fs.ReadDir(c.fsys, c.fsDir)
	if err != nil {
		return err
	}
	base := path.Base(c.rule.ID)
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".html") || !strings.HasPrefix(n, base+".") {
			continue
		}
		rest := strings.TrimPrefix(n, base+".")
		p := path.Join(c.fsDir, n)
		switch {
		case strings.HasPrefix(rest, "good"):
			c.fixtures.Good = append(c.fixtures.Good, p)
		case strings.HasPrefix(rest, "bad"):
			c.fixtures.Bad = append(c.fixtures.Bad, p)
		}
	}
	sort.Strings(c.fixtures.Good)
	sort.Strings(c.fixtures.Bad)
	display := func(ps []string) []string {
		var out []string
		for _, p := range ps {
			out = append(out, path.Join(path.Dir(c.rule.File), path.Base(p)))
		}
		return out
	}
	c.rule.Fixtures = Fixtures{Good: display(c.fixtures.Good), Bad: display(c.fixtures.Bad)}
	return nil
}

// ExtractFunc turns a capture (with its body) into a page: the real
// extractor in production and in `archiver rules test`.
type ExtractFunc func(c *archive.Capture) (*archive.Page, error)

// FixtureResult is the outcome of one fixture of one rule.
type FixtureResult struct {
	RuleID   string
	File     string // as displayed
	WantBad  bool   // the fixture is a bad one: findings are expected
	Findings []archive.Finding
	Pass     bool
	Err      error // the fixture could not be run
}

// TestFixtures runs every rule of set on its own fixtures, extracting the
// pages with extract, and returns one result per fixture, sorted by rule
// and file. Rules without fixtures give no result; RulesWithoutFixtures
// lists them.
func (e *Engine) TestFixtures(ctx context.Context, set *RuleSet, extract ExtractFunc) []FixtureResult {
	var out []FixtureResult
	for _, c := range set.rules {
		for _, want := range []struct {
			bad   bool
			files []string
		}{{false, c.fixtures.Good}, {true, c.fixtures.Bad}} {
			for _, p := range want.files {
				res := FixtureResult{RuleID: c.rule.ID, File: path.Join(path.Dir(c.rule.File), path.Base(p)), WantBad: want.bad}
				res.Findings, res.Err = e.runFixture(ctx, c, p, extract)
				res.Pass = res.Err == nil && (len(res.Findings) > 0) == want.bad
				out = append(out, res)
			}
		}
	}
	return out
}

// RulesWithoutFixtures lists the rules that lack a good or a bad fixture.
func (s *RuleSet) RulesWithoutFixtures() []string {
	var out []string
	for _, c := range s.rules {
		if len(c.fixtures.Good) == 0 || len(c.fixtures.Bad) == 0 {
			out = append(out, c.rule.ID)
		}
	}
	return out
}

func (e *Engine) runFixture(ctx context.Context, c *compiled, p string, extract ExtractFunc) ([]archive.Finding, error) {
	data, err := fs.ReadFile(c.fsys, p)
	if err != nil {
		return nil, err
	}
	pages, now, err := splitFixture(string(data))
	if err != nil {
		return nil, err
	}
	mem := NewMemoryArchive()
	run := archive.Run{ID: 1, Seeds: []string{pages[0].url}, StartedAt: pages[0].fetched, FinishedAt: now, Status: archive.RunComplete}
	mem.AddRun(run)
	for i, fp := range pages {
		sum := sha256.Sum256([]byte(fp.body))
		capt := &archive.Capture{
			ID: int64(i + 1), RunID: 1, URL: fp.url, CanonicalURL: fp.url, FinalURL: fp.url,
			Method: "GET", Status: 200, FetchedAt: fp.fetched,
			Header:     http.Header{"Content-Type": {fp.contentType}},
			Body:       []byte(fp.body),
			Size:       int64(len(fp.body)),
			BodySHA256: hex.EncodeToString(sum[:]),
			Verdict:    archive.VerdictOK,
		}
		page, err := extract(capt)
		if err != nil {
			return nil, fmt.Errorf("extract %s: %w", fp.url, err)
		}
		if err := mem.AddCapture(capt, page); err != nil {
			return nil, err
		}
	}
	// A fresh copy of the rule, so that checks keeping state start clean.
	fresh := *c
	if err := e.instantiate(&fresh); err != nil {
		return nil, err
	}
	var found []archive.Finding
	_, err = e.Evaluate(ctx, mem, run, &RuleSet{rules: []*compiled{&fresh}}, now, func(f archive.Finding) {
		found = append(found, f)
	})
	return found, err
}

type fixturePage struct {
	url         string
	fetched     time.Time
	contentType string
	body        string
}

// defaultFixtureContentType is the Content-Type fixture pages are served
// with unless their header says otherwise.
const defaultFixtureContentType = "text/html; charset=utf-8"

// splitFixture cuts a fixture file into its pages.
func splitFixture(s string) ([]fixturePage, time.Time, error) {
	locs := reFixtureHeader.FindAllStringSubmatchIndex(s, -1)
	var pages []fixturePage
	var now time.Time
	if len(locs) == 0 || strings.TrimSpace(s[:locs[0][0]]) != "" {
		end := len(s)
		if len(locs) > 0 {
			end = locs[0][0]
		}
		pages = append(pages, fixturePage{url: DefaultFixtureURL, fetched: defaultFixtureTime(), contentType: defaultFixtureContentType, body: s[:end]})
	}
	for i, l := range locs {
		end := len(s)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		fp := fixturePage{url: DefaultFixtureURL, fetched: defaultFixtureTime(), contentType: defaultFixtureContentType, body: s[l[1]:end]}
		for _, m := range reFixtureAttr.FindAllStringSubmatch(s[l[2]:l[3]], -1) {
			switch m[1] {
			case "url":
				fp.url = m[2]
			case "content_type":
				fp.contentType = m[2]
			case "fetched", "now":
				t, err := time.Parse(time.RFC3339, m[2])
				if err != nil {
					return nil, now, fmt.Errorf("fixture header %s=%q: want an RFC 3339 time", m[1], m[2])
				}
				if m[1] == "fetched" {
					fp.fetched = t.UTC()
				} else {
					now = t.UTC()
				}
			default:
				return nil, now, fmt.Errorf("fixture header: unknown attribute %q", m[1])
			}
		}
		pages = append(pages, fp)
	}
	if now.IsZero() {
		for _, p := range pages {
			if p.fetched.After(now) {
				now = p.fetched
			}
		}
		now = now.Add(time.Hour)
	}
	return pages, now, nil
}
