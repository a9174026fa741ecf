package crawl

import (
	"errors"
	"fmt"
	"github.com/archiver-dev/archiver/internal/archive"
	"log/slog"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultUserAgent names the tool and how to reach its operator. Operators
// should replace the contact with their own (Config.UserAgent).
const DefaultUserAgent = "archiver/1.0 (+https://github.com/archiver-dev/archiver; operator contact not configured)"

// Config says what to crawl and how. The zero value is not useful: start
// from DefaultConfig and change what you need.
type Config struct {
	// Seeds are where the crawl starts: http(s) URLs (a sitemap.xml URL is
	// read as a sitemap), or one local directory holding a static build of
	// the site, served under BaseURL without any network.
	Seeds []string `json:"seeds"`
	// BaseURL is the site's own origin for a local directory seed, so that
	// its absolute links (https://www.portal.example/…) resolve into the
	// directory. Ignored for URL seeds. Default http://localhost/.
	BaseURL string `json:"base_url,omitempty"`

	// Include, if not empty, limits the crawl to URLs matching at least one
	// of these globs; Exclude drops URLs matching any. A glob starting with
	// "/" is matched against the path and query, any other against the whole
	// canonical URL; "*" matches any run of characters, "?" one character.
	Include []string `json:"include,omitempty"`
	Exclude []string `json:"exclude,omitempty"`

	// MaxDepth is the largest number of links followed from a seed (0: no
	// limit). MaxPages stops the crawl after that many fetches (0: no
	// limit). MaxDuration stops it after that long (0: no limit). A crawl
	// stopped by MaxPages or MaxDuration with URLs left is incomplete and
	// can be resumed.
	MaxDepth    int           `json:"max_depth"`
	MaxPages    int           `json:"max_pages"`
	MaxDuration time.Duration `json:"max_duration"`

	// Workers is the number of fetches in flight at once, over all hosts
	// (each host has its own, lower limit: HostConcurrency). A worker
	// spends much of its time waiting for the archive's group commit, and
	// more workers make larger groups: 16 by default.
	Workers int `json:"workers"`
	// Delay is the least time between the starts of two requests to one
	// host (host:port), or AutoDelay (the default) for adaptive
	// politeness: see AdaptiveOptions. A robots.txt Crawl-delay larger
	// than the delay wins in both modes.
	Delay time.Duration `json:"delay"`
	// HostConcurrency is the largest number of requests in flight to one
	// host at once. With a fixed Delay it is the limit; with AutoDelay the
	// most the adaptive limit grows to.
	HostConcurrency int `json:"host_concurrency"`
	// Adaptive tunes the politeness of Delay == AutoDelay.
	Adaptive AdaptiveOptions `json:"adaptive"`
	// UserAgent is sent with every request and matched against robots.txt
	// groups. It should name the tool and a contact.
	UserAgent string `json:"user_agent"`
	// Robots obeys robots.txt (the default). Turning it off is logged.
	Robots bool `json:"robots"`
	// Cookies keeps cookies between requests. Off by default, so that every
	// request is reproducible and per-visitor session ids are not minted.
	Cookies bool `json:"cookies"`

	// Timeout bounds one request, from sending it to the end of its body.
	Timeout time.Duration `json:"timeout"`
	// Retries is how many times a URL is tried again after a transport
	// error, a 5xx or a refusal (429, 503, a 403 rate limit).
	Retries int `json:"retries"`
	// Backoff is the wait before the first retry; it doubles on each.
	Backoff time.Duration `json:"backoff"`
	// MaxRetryAfter caps the wait a server's Retry-After can impose; a
	// longer one is honoured up to this cap.
	MaxRetryAfter time.Duration `json:"max_retry_after"`
	// MaxBodySize is the largest body stored, in bytes after gzip removal;
	// a longer body is stored up to it and flagged Truncated.
	MaxBodySize int64 `json:"max_body_size"`
	// MaxRedirects is the longest redirect chain followed.
	MaxRedirects int `json:"max_redirects"`
	// Requisites also fetches the images, scripts and stylesheets of
	// in-scope pages. Off by default: the archive is of pages.
	Requisites bool `json:"requisites"`
	// Revisit fetches, once per run, the in-scope URLs that earlier runs of
	// the archive captured and that nothing links to any more, so that a
	// removed or orphaned page is seen again (on by default). They are
	// queued when the links of the run are exhausted, with the reason
	// "known from run N", and count against MaxPages like every other
	// URL; a URL an earlier run skipped as a trap stays skipped.
	Revisit bool `json:"revisit"`

	// Canon says how URLs are made canonical.
	Canon CanonOptions `json:"canon"`
	// Traps bounds crawler traps.
	Traps TrapOptions `json:"traps"`

	// Resolve maps host:port to another address, as curl --resolve does:
	// "www.portal.example:443=127.0.0.1:8443". The Host header and TLS
	// server name stay those of the URL.
	Resolve []string `json:"resolve,omitempty"`

	// Derive, if set, derives the page of every HTML capture as the crawl
	// stores it, from the bytes it holds, and the page is written in the
	// capture's transaction: a check that accepts pages of that extractor
	// version then reads them instead of reading each body back to derive
	// it (archiver crawl --derive links or full sets it). A
	// 304 revisit is derived as the response it repeats, as a check
	// derives it. A page whose derivation fails is not written (the check
	// derives it again and decides). It is called from the crawl's
	// workers, concurrently.
	Derive func(*archive.Capture) (*archive.Page, error) `json:"-"`

	// ResumeRunID continues an interrupted run instead of starting a new
	// one: its claimed URLs are released and the crawl goes on.
	ResumeRunID int64 `json:"-"`
	// Now is the clock; nil means time.Now. Recorded times are UTC.
	Now func() time.Time `json:"-"`
	// Logger receives one record per fetch at debug level and warnings;
	// nil discards them.
	Logger *slog.Logger `json:"-"`
	// OnProgress, if set, is called about every ProgressInterval with the
	// state of the crawl, and once at the end.
	OnProgress       func(Progress) `json:"-"`
	ProgressInterval time.Duration  `json:"-"`
}

// AutoDelay is the value of Config.Delay that selects adaptive per-host
// politeness (the default).
const AutoDelay time.Duration = -1

// ParseDelay reads a delay as given on a command line: "auto" is
// AutoDelay, anything else a duration that is not negative ("1s", "0").
func ParseDelay(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "auto") {
		return AutoDelay, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%w: delay %q: want auto or a duration such as 1s", ErrConfig, s)
	}
	return d, nil
}

// AdaptiveOptions tune adaptive politeness (Config.Delay == AutoDelay),
// modelled on Heritrix's delay factor and Scrapy's AutoThrottle and
// scheduled by package polite, which the live link checks share. For each
// host (host:port):
//
//   - the time between two request starts is Factor × the host's recent
//     response time × a penalty ÷ the host's concurrency limit, clamped to
//     [MinDelay, MaxDelay], and never below the host's robots.txt
//     Crawl-delay: a host answering in 1 ms gets requests every few
//     milliseconds, one answering in 500 ms about one a second;
//   - the concurrency limit starts at StartConcurrency and grows by one
//     every two rounds of healthy answers, up to Config.HostConcurrency,
//     while the host answers about as fast as usual;
//   - it is halved when the host answers much slower than usual (twice its
//     usual response time and at least 5 ms more), and halved with the penalty doubled (up to
//     64×) on a 429, a 503, any answer with Retry-After, another 5xx, a
//     timeout or a transport error, and on a 403 from a host that served
//     pages before (Kremlin-style blocking); the penalty decays back to 1
//     with healthy answers;
//   - a Retry-After also pauses the whole host for that long.
type AdaptiveOptions struct {
	// Factor is k in delay ≈ k × response time ÷ concurrency.
	Factor float64 `json:"factor"`
	// MinDelay and MaxDelay bound the delay (MaxDelay 0: no bound).
	MinDelay time.Duration `json:"min_delay"`
	MaxDelay time.Duration `json:"max_delay"`
	// StartConcurrency is each host's concurrency limit before any answer.
	StartConcurrency int `json:"start_concurrency"`
}

// CanonOptions says how URLs are made canonical. Two URLs with the same
// canonical form are one page: fetched once, the others recorded as
// aliases.
type CanonOptions struct {
	// KeepFragment keeps #fragments (dropped by default).
	KeepFragment bool `json:"keep_fragment"`
	// KeepQueryOrder keeps query parameters in their order (sorted by
	// default).
	KeepQueryOrder bool `json:"keep_query_order"`
	// DropParams are query parameters removed as tracking noise; a name
	// ending in "*" is a prefix. Matched without regard to case.
	DropParams []string `json:"drop_params"`
	// SessionParams are per-visitor session ids, removed from the query
	// and from ";name=value" path parameters (;jsessionid=…).
	SessionParams []string `json:"session_params"`
	// SeparateHostVariants treats http/https and www/bare host variants of
	// a seed's host as different sites. By default they are one site and
	// every variant is fetched under the seed's own scheme and host.
	SeparateHostVariants bool `json:"separate_host_variants"`
}

// TrapOptions bounds crawler traps. A URL caught by one is not fetched and
// is recorded as skipped with the reason.
type TrapOptions struct {
	// MaxURLLength is the longest canonical URL fetched (2048: the sitemap
	// protocol's limit).
	MaxURLLength int `json:"max_url_length"`
	// MaxSegmentRepeat is how often one path segment may appear in a URL
	// (/a/b/a/b/a/b/…).
	MaxSegmentRepeat int `json:"max_segment_repeat"`
	// MaxParamRepeat is how often one query parameter may appear in a URL
	// (?start=98&start=98&…).
	MaxParamRepeat int `json:"max_param_repeat"`
	// SameContentLimit is how many URLs of one shape (the path with digits
	// masked, and the parameter names) may return a body already seen
	// under another URL before the rest of that shape is skipped, if most
	// of that shape's fetches were such duplicates (0: off).
	SameContentLimit int `json:"same_content_limit"`
	// CalendarFrom and CalendarTo bound the dates of calendar and day
	// archive URLs (query day/month/year, /YYYY/MM/DD/ paths). When unset,
	// the range is learned from the dates of the site's own content
	// (<time datetime>, article:published_time) and widened by
	// CalendarSlack on each side; calendar URLs dated after Now plus
	// CalendarSlack are always skipped.
	// Volatile are regular expressions matching the parts of a page that
	// change on every request (a visit counter, a CSRF token, a rotating
	// promo). They are masked before bodies are compared for duplicates:
	// URLs whose masked bodies are equal collapse into one capture (the
	// others recorded as aliases). Without them only byte-identical bodies
	// collapse. The same-content trap also masks long hex tokens. Stored
	// bytes are never changed.
	Volatile []string `json:"volatile,omitempty"`

	CalendarFrom  time.Time     `json:"calendar_from,omitzero"`
	CalendarTo    time.Time     `json:"calendar_to,omitzero"`
	CalendarSlack time.Duration `json:"calendar_slack"`
}

// DefaultConfig returns the polite defaults for a real site: adaptive
// per-host politeness (a delay of twice the host's response time divided
// by its concurrency, which starts at 1 and grows to at most 4 while the
// host stays fast and healthy, and is halved on refusals, failures and
// slowdowns; see AdaptiveOptions), robots.txt obeyed, a User-Agent naming
// the tool, 30 s timeouts, three retries from 2 s, a 10 MiB body limit and
// the trap limits recommended in the reference (depth 20, URL length 2048,
// a segment at most 3 times, a parameter once). A fixed delay (Delay =
// time.Second, HostConcurrency = 1: one request a second) stays available.
func DefaultConfig() Config {
	return Config{
		MaxDepth:        20,
		Workers:         16,
		Delay:           AutoDelay,
		HostConcurrency: 4,
		Adaptive:        AdaptiveOptions{Factor: 2, MaxDelay: time.Minute, StartConcurrency: 1},
		UserAgent:       DefaultUserAgent,
		Robots:          true,
		Timeout:         30 * time.Second,
		Retries:         3,
		Backoff:         2 * time.Second,
		MaxRetryAfter:   10 * time.Minute,
		MaxBodySize:     10 << 20,
		MaxRedirects:    10,
		Revisit:         true,
		BaseURL:         "http://localhost/",
		Canon: CanonOptions{
			DropParams: []string{"utm_*", "fbclid", "gclid", "dclid", "gbraid", "wbraid", "yclid", "msclkid",
				"mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "igshid", "_openstat", "from_rss"},
			SessionParams: []string{"jsessionid", "phpsessid", "sid", "sessionid", "aspsessionid", "cfid", "cftoken"},
		},
		Traps: TrapOptions{
			MaxURLLength:     2048,
			MaxSegmentRepeat: 3,
			MaxParamRepeat:   1,
			SameContentLimit: 10,
			CalendarSlack:    31 * 24 * time.Hour,
		},
		ProgressInterval: time.Second,
	}
}

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("invalid crawl configuration")

// Validate checks the configuration and reports the first problem.
func (c *Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, args...))
	}
	if len(c.Seeds) == 0 && c.ResumeRunID == 0 {
		return bad("no seeds")
	}
	dirs := 0
	for _, s := range c.Seeds {
		if isLocalSeed(s) {
			dirs++
			continue
		}
		u, err := url.Parse(s)
		if err != nil {
			return bad("seed %q: %v", s, err)
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			return bad("seed %q is neither an http(s) URL nor a directory", s)
		}
	}
	if dirs > 1 {
		return bad("at most one local directory seed")
	}
	if dirs == 1 {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return bad("base URL %q is not an http(s) URL", c.BaseURL)
		}
	}
	switch {
	case c.Workers < 1:
		return bad("workers must be at least 1")
	case c.HostConcurrency < 1:
		return bad("host concurrency must be at least 1")
	case (c.Delay < 0 && c.Delay != AutoDelay) || c.Timeout < 0 || c.Backoff < 0 || c.MaxDuration < 0 || c.MaxRetryAfter < 0:
		return bad("durations must not be negative")
	case c.Delay == AutoDelay && (c.Adaptive.Factor <= 0 || c.Adaptive.MinDelay < 0 || c.Adaptive.MaxDelay < 0 || c.Adaptive.StartConcurrency < 1):
		return bad("adaptive politeness needs a positive factor, a start concurrency of at least 1 and delays that are not negative")
	case c.Delay == AutoDelay && c.Adaptive.MaxDelay > 0 && c.Adaptive.MaxDelay < c.Adaptive.MinDelay:
		return bad("the adaptive max delay %v is below the min delay %v", c.Adaptive.MaxDelay, c.Adaptive.MinDelay)
	case c.MaxDepth < 0 || c.MaxPages < 0 || c.Retries < 0 || c.MaxRedirects < 0:
		return bad("limits must not be negative")
	case c.MaxBodySize < 1:
		return bad("max body size must be positive")
	case strings.TrimSpace(c.UserAgent) == "":
		return bad("user agent must not be empty")
	case c.Traps.MaxURLLength < 16:
		return bad("max URL length must be at least 16")
	case c.Traps.MaxSegmentRepeat < 1 || c.Traps.MaxParamRepeat < 1:
		return bad("segment and parameter repeat limits must be at least 1")
	}
	for _, v := range c.Traps.Volatile {
		if _, err := regexp.Compile(v); err != nil {
			return bad("volatile pattern %q: %v", v, err)
		}
	}
	for _, g := range append(append([]string{}, c.Include...), c.Exclude...) {
		if _, err := compileGlob(g); err != nil {
			return bad("pattern %q: %v", g, err)
		}
	}
	if _, err := parseResolve(c.Resolve); err != nil {
		return bad("%v", err)
	}
	return nil
}

// isLocalSeed reports whether a seed names an existing local directory.
func isLocalSeed(s string) bool {
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		return false
	}
	fi, err := os.Stat(s)
	return err == nil && fi.IsDir()
}

// parseResolve reads curl --resolve entries "host:port=addr:port" into a
// map from host:port to addr:port.
func parseResolve(entries []string) (map[string]string, error) {
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		from, to, ok := strings.Cut(e, "=")
		if !ok {
			return nil, fmt.Errorf("resolve %q: want host:port=addr:port", e)
		}
		h, p, err := net.SplitHostPort(from)
		if err != nil || h == "" {
			return nil, fmt.Errorf("resolve %q: want host:port=addr:port", e)
		}
		if _, err := strconv.ParseUint(p, 10, 16); err != nil {
			return nil, fmt.Errorf("resolve %q: bad port %q", e, p)
		}
		if !strings.Contains(to, ":") || strings.HasSuffix(to, "]") {
			to = net.JoinHostPort(strings.Trim(to, "[]"), p)
		}
		if _, _, err := net.SplitHostPort(to); err != nil {
			return nil, fmt.Errorf("resolve %q: bad address %q", e, to)
		}
		m[strings.ToLower(net.JoinHostPort(h, p))] = to
	}
	return m, nil
}
