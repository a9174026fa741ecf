package timeline

import (
	"fmt"
	"strings"
	"time"
)

// Cadence is how often a section publishes.
type Cadence string

// The cadences a section can have.
const (
	CadenceAuto      Cadence = ""          // learn it from the archive
	CadenceDaily     Cadence = "daily"     // an article every day
	CadenceWeekdays  Cadence = "weekdays"  // an article every Monday to Friday
	CadenceIrregular Cadence = "irregular" // no expectation: no gap findings
)

// ParseCadence checks that s names a cadence ("auto" or "" to learn it).
func ParseCadence(s string) (Cadence, error) {
	switch c := Cadence(strings.ToLower(strings.TrimSpace(s))); c {
	case "auto", CadenceAuto:
		return CadenceAuto, nil
	case CadenceDaily, CadenceWeekdays, CadenceIrregular:
		return c, nil
	}
	return "", fmt.Errorf("unknown cadence %q (want daily, weekdays, irregular or auto)", s)
}

// Options configure the timeline analysis. The zero value is not useful;
// start from [DefaultOptions].
type Options struct {
	// Volatile lists the parts of pages that change without the content
	// changing.
	Volatile Volatile `yaml:"volatile" json:"volatile"`
	// RemovalRuns is how many consecutive runs a page must be gone (404,
	// 410, soft 404, redirect to home) before it is reported as removed.
	RemovalRuns int `yaml:"removal_runs" json:"removal_runs"`
	// RemovalDays, when positive, also reports a page gone for at least
	// this many days, however few runs saw it.
	RemovalDays int `yaml:"removal_days" json:"removal_days"`
	// Freshness is the age beyond which a page's last good capture is
	// reported as stale; zero turns the check off.
	Freshness time.Duration `yaml:"freshness" json:"freshness"`
	// RunInterval is how often runs are scheduled; zero learns it from the
	// runs table (the median gap between runs).
	RunInterval time.Duration `yaml:"run_interval" json:"run_interval"`
	// RunTolerance is the fraction of RunInterval a run may be late before
	// a slot counts as missed.
	RunTolerance float64 `yaml:"run_tolerance" json:"run_tolerance"`
	// StaleRunAfter is how long a run may stay "running" before it counts
	// as incomplete.
	StaleRunAfter time.Duration `yaml:"stale_run_after" json:"stale_run_after"`
	// Cadence fixes the cadence of sections, by section path prefix (the
	// longest matching prefix wins); sections not listed learn theirs.
	Cadence map[string]Cadence `yaml:"cadence" json:"cadence"`
	// MinHistoryDays is how many days of a section's history are needed
	// before its cadence is learned.
	MinHistoryDays int `yaml:"min_history_days" json:"min_history_days"`
	// Now is the clock, used for missed runs and freshness.
	Now func() time.Time `yaml:"-" json:"-"`
}

// DefaultOptions returns the defaults: the default volatile parts, removal
// after 2 consecutive runs or 7 days, freshness 7 days, the run interval
// learned, a tolerance of half an interval, runs stuck for 12 hours counted
// as incomplete, cadences learned from 14 days of history.
func DefaultOptions() Options {
	return Options{
		Volatile:       DefaultVolatile(),
		RemovalRuns:    2,
		RemovalDays:    7,
		Freshness:      7 * 24 * time.Hour,
		RunTolerance:   0.5,
		StaleRunAfter:  12 * time.Hour,
		MinHistoryDays: 14,
		Now:            func() time.Time { return time.Now().UTC() },
	}
}

// validate checks the options and fills in what must not be zero.
func (o *Options) validate() error {
	if o.RemovalRuns < 1 {
		return fmt.Errorf("removal_runs must be at least 1, got %d", o.RemovalRuns)
	}
	if o.RemovalDays < 0 || o.Freshness < 0 || o.RunInterval < 0 || o.RunTolerance < 0 || o.StaleRunAfter < 0 || o.MinHistoryDays < 0 {
		return fmt.Errorf("timeline options must not be negative")
	}
	if o.Now == nil {
		return fmt.Errorf("timeline options: no clock (Now)")
	}
	for prefix, c := range o.Cadence {
		if _, err := ParseCadence(string(c)); err != nil {
			return fmt.Errorf("cadence of %q: %w", prefix, err)
		}
	}
	return nil
}

// cadenceFor returns the configured cadence of a section, CadenceAuto if
// none is configured.
func (o *Options) cadenceFor(section string) Cadence {
	best, c := -1, CadenceAuto
	for prefix, pc := range o.Cadence {
		if strings.HasPrefix(section, prefix) && len(prefix) > best {
			best, c = len(prefix), pc
		}
	}
	return c
}
