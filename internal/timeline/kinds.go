package timeline

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/archiver-dev/archiver/internal/check"
)

// Duration is a span of time in rule parameters: a Go duration ("36h",
// "90m") or a number of days ("7d").
type Duration time.Duration

// UnmarshalText reads "7d" or a Go duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// maxDays is the longest span in days a time.Duration holds.
const maxDays = 106751

// ParseDuration reads a Go duration ("36h") or a whole number of days
// ("7d"); "" is zero. Negative spans are refused.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n > maxDays {
			return 0, fmt.Errorf("duration %q: want a number of days such as 7d, or a Go duration such as 36h", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		v, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("duration %q: want a number of days such as 7d, or a Go duration such as 36h", s)
		}
		d = v
	}
	if d < 0 {
		return 0, fmt.Errorf("duration %q must not be negative", s)
	}
	return d, nil
}

// Kinds returns the site kinds of the archive rule pack, one per rule of
// [Rules], named "timeline/<rule>" (timeline/silent-edit, …). They analyse
// the timeline read from src at the checked run, with opts as the
// defaults that rule parameters override; rules whose parameters give the
// same options share one analysis per run. With a nil src the kinds still
// compile rules (for listing and explaining them) but fail when evaluated.
func Kinds(src Source, opts Options) []check.Kind {
	c := &analysisCache{src: src, entries: map[string]*cacheEntry{}}
	type kindDef struct {
		rule    string
		params  []string
		decoder func(p check.Params, o *Options) error
	}
	none := func(p check.Params, o *Options) error { return p.Decode(&struct{}{}) }
	defs := []kindDef{
		{RuleSilentEdit, nil, none},
		{RulePublishedMoved, nil, none},
		{RuleBylineRemoved, nil, none},
		{RuleCreditRemoved, nil, none},
		{RulePageRemoved, []string{
			fmt.Sprintf("runs (int, default %d): consecutive runs a page must be gone before it is reported", opts.RemovalRuns),
			fmt.Sprintf("days (int, default %d): or the days it must be gone, however few runs saw it (0: off)", opts.RemovalDays),
		}, func(p check.Params, o *Options) error {
			v := struct {
				Runs int `yaml:"runs"`
				Days int `yaml:"days"`
			}{o.RemovalRuns, o.RemovalDays}
			if err := p.Decode(&v); err != nil {
				return err
			}
			o.RemovalRuns, o.RemovalDays = v.Runs, v.Days
			return nil
		}},
		{RuleOrphaned, nil, none},
		{RuleStale, []string{
			fmt.Sprintf("freshness (duration such as 7d or 36h, default %s): the age beyond which a page's last good capture is stale", opts.Freshness),
		}, func(p check.Params, o *Options) error {
			v := struct {
				Freshness Duration `yaml:"freshness"`
			}{Duration(o.Freshness)}
			if err := p.Decode(&v); err != nil {
				return err
			}
			o.Freshness = time.Duration(v.Freshness)
			return nil
		}},
		{RuleMissingDay, []string{
			"cadence (map of section path prefix to daily, weekdays, irregular or auto): fixes the cadence of sections; others learn theirs",
			fmt.Sprintf("min_history_days (int, default %d): days of history needed to learn a cadence", opts.MinHistoryDays),
		}, func(p check.Params, o *Options) error {
			v := struct {
				Cadence        map[string]string `yaml:"cadence"`
				MinHistoryDays int               `yaml:"min_history_days"`
			}{MinHistoryDays: o.MinHistoryDays}
			if err := p.Decode(&v); err != nil {
				return err
			}
			if v.Cadence != nil {
				o.Cadence = map[string]Cadence{}
				for k, s := range v.Cadence {
					c, err := ParseCadence(s)
					if err != nil {
						return fmt.Errorf("cadence of %q: %w", k, err)
					}
					o.Cadence[k] = c
				}
			}
			o.MinHistoryDays = v.MinHistoryDays
			return nil
		}},
		{RuleCalendarDayEmpty, nil, none},
		{RuleCalendarDayBroken, nil, none},
		{RuleDayIgnoresDate, nil, none},
		{RuleMissingFromDay, nil, none},
		{RuleMissingFromListing, nil, none},
		{RuleSitemapNeverCapture, nil, none},
		{RuleMissedRun, []string{
			"interval (duration such as 1d or 6h, default: learned from the runs): how often runs are scheduled",
			fmt.Sprintf("tolerance (fraction of the interval, default %g): how late a run may start before its slot counts as missed", opts.RunTolerance),
		}, func(p check.Params, o *Options) error {
			v := struct {
				Interval  Duration `yaml:"interval"`
				Tolerance float64  `yaml:"tolerance"`
			}{Duration(o.RunInterval), o.RunTolerance}
			if err := p.Decode(&v); err != nil {
				return err
			}
			o.RunInterval, o.RunTolerance = time.Duration(v.Interval), v.Tolerance
			return nil
		}},
		{RuleIncompleteRun, []string{
			fmt.Sprintf("stale_after (duration, default %s): how long a run may stay running before it counts as incomplete", opts.StaleRunAfter),
		}, func(p check.Params, o *Options) error {
			v := struct {
				StaleAfter Duration `yaml:"stale_after"`
			}{Duration(o.StaleRunAfter)}
			if err := p.Decode(&v); err != nil {
				return err
			}
			o.StaleRunAfter = time.Duration(v.StaleAfter)
			return nil
		}},
	}
	var kinds []check.Kind
	for _, d := range defs {
		d := d
		name := "timeline/" + strings.TrimPrefix(d.rule, "archive/")
		summary := ""
		for _, r := range Rules() {
			if r.ID == d.rule {
				summary = r.Summary
			}
		}
		kinds = append(kinds, check.Kind{
			Name:    name,
			Summary: summary,
			Params:  d.params,
			Site: func(rule *check.Rule, params check.Params) (check.SiteCheck, error) {
				o := opts
				if err := d.decoder(params, &o); err != nil {
					return nil, err
				}
				o.Now = nil // set per check run from the site's clock
				probe := o
				probe.Now = time.Now
				if err := probe.validate(); err != nil {
					return nil, err
				}
				return check.SiteCheckFunc(func(ctx context.Context, site *check.Site, emit check.Emit) error {
					if src == nil {
						return fmt.Errorf("%s: no timeline to analyse (the kinds were built without a source)", name)
					}
					run := o
					now := site.Now
					run.Now = func() time.Time { return now }
					a, err := c.get(ctx, site.Run.ID, run)
					if err != nil {
						return err
					}
					for _, f := range a.Findings() {
						if f.RuleID != d.rule {
							continue
						}
						f.RuleID, f.Severity, f.Fingerprint = "", "", ""
						emit(f)
					}
					return nil
				}), nil
			},
		})
	}
	return kinds
}

// analysisCache shares one analysis among the rules of a check run that
// ask for the same options.
type analysisCache struct {
	src     Source
	mu      sync.Mutex
	run     int64 // the run the entries are for; older runs' entries are dropped
	entries map[string]*cacheEntry
}

type cacheEntry struct {
	once sync.Once
	a    *Analysis
	err  error
}

func (c *analysisCache) get(ctx context.Context, run int64, opts Options) (*Analysis, error) {
	key, err := json.Marshal(opts)
	if err != nil {
		return nil, fmt.Errorf("timeline options: %w", err)
	}
	k := fmt.Sprintf("%d|%d|%s", run, opts.Now().UnixNano(), key)
	c.mu.Lock()
	if c.run != run {
		c.run, c.entries = run, map[string]*cacheEntry{}
	}
	e, ok := c.entries[k]
	if !ok {
		e = &cacheEntry{}
		c.entries[k] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.a, e.err = Analyse(ctx, c.src, run, opts) })
	return e.a, e.err
}
