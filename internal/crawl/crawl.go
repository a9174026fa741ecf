package crawl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/polite"
)

// Store is what a crawl needs from the archive: runs, the frontier and
// captures. internal/sqlite implements it.
type Store interface {
	archive.RunStore
	archive.Frontier
	archive.CaptureStore
	// FrontierEntries calls fn for each entry of the run's frontier in the
	// given state, in order of discovery.
	FrontierEntries(ctx context.Context, runID int64, state archive.FrontierState, fn func(archive.FrontierEntry) error) error
}

// reopener is implemented by stores that can put a finished run back in
// state running when it is resumed.
type reopener interface {
	ReopenRun(ctx context.Context, id int64) error
}

// liveCounter is implemented by stores that can count a run's captures
// and skips from what they hold.
type liveCounter interface {
	LiveCounts(ctx context.Context, runID int64) (archive.RunCounts, error)
}

// Summary is the outcome of a crawl.
type Summary struct {
	RunID   int64             `json:"run_id"`
	Status  archive.RunStatus `json:"status"`
	Counts  archive.RunCounts `json:"counts"`
	Fetches int               `json:"fetches"` // requests made by this process, redirect hops and robots.txt included
	Queued  int               `json:"queued"`  // URLs left in the frontier
	Resumed bool              `json:"resumed"`
	Stopped string            `json:"stopped,omitempty"` // why an incomplete crawl stopped
	// Revisited counts the URLs known from earlier runs that this process
	// queued because the run found no link to them (Config.Revisit).
	Revisited int `json:"revisited"`
	// Hosts says how politely each host was crawled by this process: its
	// requests, backoffs, concurrency and delay.
	Hosts   []HostPoliteness `json:"hosts,omitempty"`
	Elapsed time.Duration    `json:"elapsed"`
}

// Progress is the state of a running crawl, for a progress line or a log.
type Progress struct {
	RunID    int64
	Pages    int // URLs finished by this process
	Fetches  int // requests made by this process
	Queued   int // URLs waiting (as of the last check)
	InFlight int
	Errors   int
	Refused  int
	Elapsed  time.Duration
	Rate     float64 // pages a second, over the whole process
	Done     bool
}

// ErrIncomplete is returned (wrapped) when a crawl stops with URLs left in
// its frontier: interrupted, or stopped by MaxPages or MaxDuration. The run
// is left in state interrupted and can be resumed.
var ErrIncomplete = errors.New("crawl incomplete")

// ErrRunComplete is returned when asked to resume a run that is complete.
var ErrRunComplete = errors.New("run is already complete")

// Run crawls cfg.Seeds (or resumes cfg.ResumeRunID) into store and returns
// the summary. A crawl that finishes its frontier returns a nil error and
// status complete. A cancelled context, MaxPages or MaxDuration leaves the
// run interrupted and returns an error wrapping ErrIncomplete; a storage
// error fails the run and is returned.
//
// With a store that writes pages in batches (internal/sqlite does), the
// pages the workers finish within a moment are written in one transaction
// (see writer): a crash loses at most the batches not yet committed, whose
// entries are still claimed and are fetched again when the run resumes.
func Run(ctx context.Context, cfg Config, store Store) (Summary, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	var sum Summary
	prior := archive.RunCounts{}
	if cfg.ResumeRunID != 0 {
		run, err := store.Run(ctx, cfg.ResumeRunID)
		if err != nil {
			return sum, fmt.Errorf("resume run %d: %w", cfg.ResumeRunID, err)
		}
		if run.Status == archive.RunComplete {
			return sum, fmt.Errorf("resume run %d: %w", run.ID, ErrRunComplete)
		}
		if len(cfg.Seeds) == 0 {
			cfg.Seeds = run.Seeds
		}
		prior = run.Counts
		if lc, ok := store.(liveCounter); ok && run.Status == archive.RunRunning {
			// The process died before recording its counts: take them
			// from what the archive holds.
			if counts, err := lc.LiveCounts(ctx, run.ID); err == nil {
				prior = counts
			}
		}
		sum.Resumed = true
	}
	if err := cfg.Validate(); err != nil {
		return sum, err
	}
	c, err := newCrawler(cfg, store)
	if err != nil {
		return sum, err
	}
	defer c.close()
	start := time.Now()
	if cfg.ResumeRunID != 0 {
		c.runID = cfg.ResumeRunID
		if r, ok := store.(reopener); ok {
			if err := r.ReopenRun(ctx, c.runID); err != nil {
				return sum, fmt.Errorf("resume run %d: %w", c.runID, err)
			}
		}
		n, err := store.Release(ctx, c.runID)
		if err != nil {
			return sum, fmt.Errorf("resume run %d: %w", c.runID, err)
		}
		cfg.Logger.Info("resuming run", "run", c.runID, "released", n)
	} else {
		conf, err := json.Marshal(cfg)
		if err != nil {
			return sum, fmt.Errorf("encode config: %w", err)
		}
		c.runID, err = store.CreateRun(ctx, archive.Run{Seeds: cfg.Seeds, Config: string(conf), StartedAt: cfg.Now().UTC(), Status: archive.RunRunning})
		if err != nil {
			return sum, fmt.Errorf("create run: %w", err)
		}
	}
	sum.RunID = c.runID
	// Without an earlier run and without a resume there is no previous
	// capture to ask for: skip the lookup on every page of a first crawl.
	c.history = cfg.ResumeRunID != 0
	if runs, err := store.Runs(ctx); err != nil || len(runs) > 1 {
		c.history = true
	}
	if !cfg.Robots {
		cfg.Logger.Warn("robots.txt is ignored (--no-robots)", "run", c.runID)
	}
	if err := c.enqueueSeeds(ctx); err != nil && ctx.Err() == nil {
		return sum, c.finishRun(sum, prior, archive.RunFailed, err, start)
	}
	stopped, err := c.loop(ctx)
	sum.Stopped = stopped
	switch {
	case err != nil:
		return c.finishRunSummary(&sum, prior, archive.RunFailed, start), err
	case stopped != "":
		c.finishRunSummary(&sum, prior, archive.RunInterrupted, start)
		return sum, fmt.Errorf("run %d stopped (%s) with %d URLs left: %w", c.runID, stopped, sum.Queued, ErrIncomplete)
	}
	return c.finishRunSummary(&sum, prior, archive.RunComplete, start), nil
}

// RestoreConfig returns base with the configuration a run was started with
// laid over it, for resuming the run. Seeds come from the run.
func RestoreConfig(r archive.Run, base Config) (Config, error) {
	cfg := base
	if strings.TrimSpace(r.Config) != "" {
		if err := json.Unmarshal([]byte(r.Config), &cfg); err != nil {
			return base, fmt.Errorf("run %d: decode its configuration: %w", r.ID, err)
		}
	}
	cfg.Seeds = r.Seeds
	cfg.ResumeRunID = r.ID
	cfg.Now, cfg.Logger, cfg.OnProgress, cfg.ProgressInterval = base.Now, base.Logger, base.OnProgress, base.ProgressInterval
	return cfg, nil
}

// Resumable returns the newest run that is not complete (interrupted,
// failed, or left running by a process that died) and was started with
// the same seeds, or ErrNotFound. With no seeds, any seeds match.
func Resumable(ctx context.Context, store archive.RunStore, seeds []string) (archive.Run, error) {
	runs, err := store.Runs(ctx)
	if err != nil {
		return archive.Run{}, err
	}
	for _, r := range runs {
		if len(seeds) > 0 && strings.Join(r.Seeds, "\n") != strings.Join(seeds, "\n") {
			continue
		}
		if r.Status == archive.RunComplete {
			return archive.Run{}, archive.ErrNotFound
		}
		return r, nil
	}
	return archive.Run{}, archive.ErrNotFound
}

// crawler is the state of one crawl in one process.
type crawler struct {
	cfg    Config
	store  Store
	runID  int64
	log    *slog.Logger
	canon  *Canonicalizer
	scope  *scope
	traps  *traps
	robots *robotsCache
	hosts  *polite.Limiter
	tee    *teeTransport
	colly  *colly.Collector
	client *http.Client
	local  *localSite
	seeds  []*url.URL
	writes *writer // the loop's batch writer; nil: each write at once (see submit)

	seenMu  sync.Mutex
	seen    map[string]bool   // canonical URLs enqueued or skipped by this process
	hrefs   map[string]int8   // hrefs handled by this process, by hrefKey (see markHref)
	aliases map[string]int    // aliases recorded per canonical URL
	bodies  map[string]string // body SHA-256 → the first canonical URL it came from

	pages, fetches, inflight atomic.Int64
	captured, revisits       atomic.Int64
	refused, errorsN         atomic.Int64
	bytes                    atomic.Int64
	queued                   atomic.Int64
	skipMu                   sync.Mutex
	skipped                  map[string]int
	hostMu                   sync.Mutex
	served                   map[string]int // 2xx answers per host (see isRefusal)
	startedAt                time.Time
	history                  bool // the archive holds runs before this one, or this run is resumed
	revisitDone              bool // queueKnown ran (used by the loop's goroutine only)
	revisited                atomic.Int64
}

func newCrawler(cfg Config, store Store) (*crawler, error) {
	c := &crawler{
		cfg: cfg, store: store, log: cfg.Logger, startedAt: time.Now(),
		seen: map[string]bool{}, hrefs: map[string]int8{}, aliases: map[string]int{}, bodies: map[string]string{},
		skipped: map[string]int{}, served: map[string]int{},
	}
	var sites []*url.URL
	for _, s := range cfg.Seeds {
		if isLocalSeed(s) {
			ls, err := openLocalSite(s)
			if err != nil {
				return nil, err
			}
			c.local = ls
			s = cfg.BaseURL
		}
		u, err := url.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("%w: seed %q: %v", ErrConfig, s, err)
		}
		c.seeds = append(c.seeds, u)
		sites = append(sites, u)
	}
	c.canon = NewCanonicalizer(cfg.Canon, sites)
	sc, err := newScope(c.canon, cfg.Include, cfg.Exclude)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	c.scope = sc
	c.traps = newTraps(cfg.Traps, cfg.Now)
	c.robots = newRobotsCache(cfg.UserAgent)
	c.hosts = newLimiter(cfg)
	resolve, err := parseResolve(cfg.Resolve)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	c.tee = &teeTransport{
		network: newNetworkTransport(resolve, cfg.Workers, cfg.Timeout),
		robots:  c.robots, maxBody: cfg.MaxBodySize, now: cfg.Now,
		pending: map[string]*exchange{},
	}
	if c.local != nil {
		c.tee.local = c.local
		c.tee.isLocal = c.isLocalHost
	}
	client := &http.Client{
		Transport: c.tee,
		Timeout:   cfg.Timeout,
		// Redirects are followed by the crawler, hop by hop.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	if cfg.Cookies {
		jar, err := cookiejar.New(nil)
		if err != nil {
			return nil, err
		}
		client.Jar = jar
	}
	c.client = client
	c.colly = newCollector(cfg, client)
	return c, nil
}

// newCollector builds the run's fresh colly collector. Collector.Init is
// used instead of NewCollector because NewCollector reads COLLY_*
// environment variables after the options and lets them override the code;
// every field those variables could set is assigned here.
func newCollector(cfg Config, client *http.Client) *colly.Collector {
	col := &colly.Collector{}
	col.Init()
	col.UserAgent = cfg.UserAgent
	col.IgnoreRobotsTxt = !cfg.Robots
	col.AllowURLRevisit = true // the frontier is the record of what was done
	col.Async = false
	col.MaxDepth = 0    // depth is the frontier's
	col.MaxRequests = 0 // so are the limits
	col.MaxBodySize = 0 // the tee enforces the limit and records truncation
	col.ParseHTTPErrorResponse = true
	col.DetectCharset = false
	col.CacheDir = ""
	col.AllowedDomains = nil
	col.DisallowedDomains = nil
	col.TraceHTTP = false
	col.SetClient(client)
	return col
}

func (c *crawler) close() {
	if c.local != nil {
		c.local.Close()
	}
	if t, ok := c.tee.network.(*http.Transport); ok {
		t.CloseIdleConnections()
	}
}

// isLocalHost reports whether host (from a request) is the local seed's.
func (c *crawler) isLocalHost(host string) bool {
	u := &url.URL{Scheme: c.seeds[0].Scheme, Host: host}
	return c.canon.SameSite(u)
}

func (c *crawler) enqueueSeeds(ctx context.Context) error {
	var entries []archive.FrontierEntry
	for _, u := range c.seeds {
		cu, _ := c.canon.Canonical(u)
		c.seenMu.Lock()
		c.seen[cu] = true
		c.seenMu.Unlock()
		entries = append(entries, archive.FrontierEntry{URL: cu, Depth: 0, Reason: "seed"})
	}
	_, err := c.store.Enqueue(ctx, c.runID, entries)
	return err
}

// finishRunSummary records the run's end and fills the summary.
func (c *crawler) finishRunSummary(sum *Summary, prior archive.RunCounts, status archive.RunStatus, start time.Time) Summary {
	sum.Status = status
	sum.Counts = c.counts(prior)
	sum.Fetches = int(c.fetches.Load())
	sum.Revisited = int(c.revisited.Load())
	sum.Hosts = c.hosts.Hosts()
	sum.Elapsed = time.Since(start)
	bg := context.WithoutCancel(context.Background())
	if q, cl, _, err := c.store.Pending(bg, c.runID); err == nil {
		sum.Queued = q + cl
	}
	if err := c.store.FinishRun(bg, c.runID, status, sum.Counts, c.cfg.Now().UTC()); err != nil {
		c.log.Error("cannot record the end of the run", "run", c.runID, "err", err)
	}
	c.progress(true)
	return *sum
}

func (c *crawler) finishRun(sum Summary, prior archive.RunCounts, status archive.RunStatus, err error, start time.Time) error {
	c.finishRunSummary(&sum, prior, status, start)
	return err
}

func (c *crawler) counts(prior archive.RunCounts) archive.RunCounts {
	out := archive.RunCounts{
		Captured: prior.Captured + int(c.captured.Load()),
		Revisits: prior.Revisits + int(c.revisits.Load()),
		Refused:  prior.Refused + int(c.refused.Load()),
		Errors:   prior.Errors + int(c.errorsN.Load()),
		Bytes:    prior.Bytes + c.bytes.Load(),
		Skipped:  map[string]int{},
	}
	for k, v := range prior.Skipped {
		out.Skipped[k] += v
	}
	c.skipMu.Lock()
	for k, v := range c.skipped {
		out.Skipped[k] += v
	}
	c.skipMu.Unlock()
	return out
}

func (c *crawler) countSkip(reason string) {
	c.skipMu.Lock()
	c.skipped[reason]++
	c.skipMu.Unlock()
}

// loop claims URLs from the frontier and hands them to the workers until
// the frontier is empty, the context is cancelled or a limit is reached.
// It returns why it stopped early ("" when the frontier is empty), or a
// storage error.
func (c *crawler) loop(ctx context.Context) (string, error) {
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if c.cfg.MaxDuration > 0 {
		var stop context.CancelFunc
		runCtx, stop = context.WithTimeoutCause(runCtx, c.cfg.MaxDuration, errMaxDuration)
		defer stop()
	}
	jobs := make(chan archive.FrontierEntry, c.cfg.Workers)
	wake := make(chan struct{}, 1)
	var wg sync.WaitGroup
	var fatalOnce sync.Once
	var fatal error
	fail := func(err error) {
		fatalOnce.Do(func() { fatal = err; cancel(err) })
	}
	if bw, ok := c.store.(batchWriter); ok {
		c.writes = c.startWriter(ctx, bw, fail, wake)
	}
	for range c.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range jobs {
				// The write that ends e's processing counts the page
				// when it is stored (see submit); until then it keeps
				// e in flight.
				if err := c.process(runCtx, e); err != nil {
					fail(err)
				}
				c.inflight.Add(-1)
				select {
				case wake <- struct{}{}:
				default:
				}
			}
		}()
	}
	stopProgress := c.startProgress(runCtx)
	defer stopProgress()

	stopped := ""
	claimed := 0
	for {
		if runCtx.Err() != nil {
			break
		}
		if c.cfg.MaxPages > 0 && claimed >= c.cfg.MaxPages {
			stopped = "max-pages"
			break
		}
		// Up to three entries per worker are in flight, claimed in
		// batches of at least one per worker: each claim is a write
		// transaction, and one per page would cost as much as the
		// capture's own.
		inflight := int(c.inflight.Load())
		room := 3*c.cfg.Workers - inflight
		if room < c.cfg.Workers && inflight > 0 {
			c.wait(runCtx, wake, 50*time.Millisecond)
			continue
		}
		if c.cfg.MaxPages > 0 && room > c.cfg.MaxPages-claimed {
			room = c.cfg.MaxPages - claimed
		}
		if room <= 0 {
			c.wait(runCtx, wake, 50*time.Millisecond)
			continue
		}
		got, err := c.store.Claim(runCtx, c.runID, room, c.cfg.Now())
		if err != nil {
			if runCtx.Err() == nil {
				fail(fmt.Errorf("claim: %w", err))
			}
			break
		}
		if len(got) == 0 {
			if c.inflight.Load() > 0 {
				c.wait(runCtx, wake, 100*time.Millisecond)
				continue
			}
			// The links of the run are exhausted for now: queue the URLs
			// earlier runs captured that nothing linked to this time.
			if n, err := c.queueKnown(runCtx); err != nil {
				if runCtx.Err() == nil {
					fail(fmt.Errorf("queue known URLs: %w", err))
				}
				break
			} else if n > 0 {
				continue
			}
			q, cl, next, err := c.store.Pending(runCtx, c.runID)
			if err != nil {
				if runCtx.Err() == nil {
					fail(fmt.Errorf("pending: %w", err))
				}
				break
			}
			c.queued.Store(int64(q))
			if q == 0 && cl == 0 {
				break // done
			}
			if q == 0 {
				// Entries claimed by no worker of this process: another
				// process holds them. Stop; a resume releases them.
				stopped = "claimed elsewhere"
				break
			}
			if !next.Before(parkedUntil) {
				// Only parked calendar URLs are left: decide them.
				if _, err := c.unpark(runCtx); err != nil {
					if runCtx.Err() == nil {
						fail(fmt.Errorf("unpark: %w", err))
					}
					break
				}
				continue
			}
			d := 200 * time.Millisecond
			if !next.IsZero() {
				if w := next.Sub(c.cfg.Now()); w > 0 && w < time.Minute {
					d = w
				}
			}
			c.wait(runCtx, wake, d)
			continue
		}
		claimed += len(got)
		for _, e := range got {
			c.inflight.Add(1)
			select {
			case jobs <- e:
			case <-runCtx.Done():
				c.inflight.Add(-1)
			}
		}
	}
	close(jobs)
	wg.Wait()
	if c.writes != nil {
		c.writes.close()
		c.writes = nil
	}
	if fatal != nil {
		return "", fatal
	}
	if stopped == "" && runCtx.Err() != nil {
		stopped = "interrupted"
		if errors.Is(context.Cause(runCtx), errMaxDuration) {
			stopped = "max-duration"
		}
	}
	if stopped == "max-pages" {
		// The limit is reached; if nothing is left, not even a URL known
		// from earlier runs, the crawl is complete.
		bg := context.WithoutCancel(ctx)
		if q, cl, _, err := c.store.Pending(bg, c.runID); err == nil && q+cl == 0 {
			if n, err := c.queueKnown(bg); err != nil {
				return "", fmt.Errorf("queue known URLs: %w", err)
			} else if n == 0 {
				stopped = ""
			}
		}
	}
	return stopped, nil
}

var errMaxDuration = errors.New("max duration reached")

func (c *crawler) wait(ctx context.Context, wake <-chan struct{}, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-wake:
	case <-t.C:
	case <-ctx.Done():
	}
}

func (c *crawler) startProgress(ctx context.Context) func() {
	if c.cfg.OnProgress == nil {
		return func() {}
	}
	every := c.cfg.ProgressInterval
	if every <= 0 {
		every = time.Second
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				c.progress(false)
			case <-done:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return func() { close(done); <-stopped }
}

func (c *crawler) progress(final bool) {
	if c.cfg.OnProgress == nil {
		return
	}
	el := time.Since(c.startedAt)
	p := Progress{
		RunID: c.runID, Pages: int(c.pages.Load()), Fetches: int(c.fetches.Load()),
		Queued: int(c.queued.Load()), InFlight: int(c.inflight.Load()),
		Errors: int(c.errorsN.Load()), Refused: int(c.refused.Load()), Elapsed: el, Done: final,
	}
	if el > 0 {
		p.Rate = float64(p.Pages) / el.Seconds()
	}
	c.cfg.OnProgress(p)
}
