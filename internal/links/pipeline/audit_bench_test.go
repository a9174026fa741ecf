package pipeline_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/links"
	"github.com/archiver-dev/archiver/internal/links/pipeline"
	"github.com/archiver-dev/archiver/internal/portal"
)

// BenchmarkAudit measures the links audit of a crawled demo portal (24
// articles a language, calendar traps excluded) whose links-level pages
// are stored already and whose targets outside the crawl were checked live
// already: reading the pages, judging every link from the archive and
// taking the live verdicts from the archive's link cache, as a re-check
// of a run within the cache's TTL does. The second sub-benchmark leaves
// the portal's trap families unchecked (--ignore-url with the manifest's
// trap patterns joined into one, as bench-links does).
func BenchmarkAudit(b *testing.B) {
	ctx := context.Background()
	base, store := portalArchive(b)
	cfg := crawl.DefaultConfig()
	cfg.Delay = 0
	cfg.Exclude = calendarTraps
	sum, err := pipeline.Crawl(ctx, store, cfg, base+"/")
	if err != nil {
		b.Fatal(err)
	}
	a := pipeline.LinksArchive(store)
	run, err := a.Run(ctx, sum.RunID)
	if err != nil {
		b.Fatal(err)
	}
	lc := links.DefaultConfig()
	lc.Cache = store
	opts := links.Options{Checker: links.NewChecker(lc), Canonicalize: pipeline.Canonicalize, Frontier: a}
	first, err := links.Audit(ctx, a, run, opts) // derives and stores the pages, checks live and caches
	if err != nil {
		b.Fatal(err)
	}
	if first.Live == 0 {
		b.Fatal("no target was checked live")
	}
	p, err := portal.New(portal.Config{Seed: 7, Articles: 24})
	if err != nil {
		b.Fatal(err)
	}
	var traps []string
	for _, t := range p.Manifest().Traps {
		traps = append(traps, "(?:"+strings.Replace(t.Pattern, "^/", `^https?://[^/]+/`, 1)+")")
	}
	ignore := opts
	ignore.Ignore = []*regexp.Regexp{regexp.MustCompile(strings.Join(traps, "|"))}
	for _, bc := range []struct {
		name string
		opts links.Options
	}{{"all", opts}, {"ignore-traps", ignore}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				rep, err := links.Audit(ctx, a, run, bc.opts)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(rep.Links), "links/op")
				b.ReportMetric(float64(rep.Ignored), "ignored/op")
			}
		})
	}
}
