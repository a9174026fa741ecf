package portal

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/text/encoding/charmap"
)

// Config says which portal to generate.
type Config struct {
	// Seed drives every choice of the generator: the same seed, size and
	// day give the same pages byte for byte (except the Volatile parts).
	Seed int64
	// Articles is the number of articles per language on day 0 (0 means
	// 60, a few hundred pages in all; at least 24 so that every planted
	// quirk has a page). 3,000 gives well over 10,000 pages.
	Articles int
	// Day is the day the portal stands on: 0 is the first day; day N has
	// applied N days of new articles, silent edits, corrections, removals
	// and orphaned pages.
	Day int
	// Host is the canonical host name, such as "www.portal.example". When
	// it is set, requests for the bare host ("portal.example") redirect to
	// it, and plain-HTTP requests for it redirect to https. Requests for any
	// other host (such as 127.0.0.1:PORT) are served as they are.
	Host string
	// Quirks switches on the request-dependent quirks; all are off by
	// default.
	Quirks Quirks
}

// Quirks are the switchable refusals and delays.
type Quirks struct {
	// RateLimit429 is the share (0..1) of URLs, chosen by a stable hash of
	// the URL, whose first RateLimit429Times requests are refused with 429
	// Too Many Requests and a Retry-After header.
	RateLimit429      float64
	RateLimit429Times int // default 1
	RetryAfter        int // seconds in Retry-After, default 1
	// RateLimit403 refuses, Kremlin style, every request of a client (by
	// remote IP) to the speeches-and-interviews area after it has made that
	// many requests there; 0 is off.
	RateLimit403 int
	// Slow delays the answers of day archives, calendar pages and
	// "at or before" day lists by this duration; 0 is off.
	Slow time.Duration
}

// Portal is a generated demo portal. Its pages are rendered on request
// from the seed; only small indexes are held in memory. It is safe for
// concurrent use.
type Portal struct {
	cfg     Config
	idBase  int
	slotOff [3]int
	fates   map[int64]fate
	changes []Change
	// secItems and allItems list the listed article indices of each
	// language (per section, and all), newest first.
	secItems [3][len(sections)][]int32
	allItems [3][]int32

	counter  atomic.Int64 // requests served (drives the volatile parts)
	mu       sync.Mutex
	refused  map[string]int // 429s sent per URL
	area403  map[string]int // requests per client in the 403 area
	manifest *Manifest
	manOnce  sync.Once
	pdf      []byte
}

// New generates a portal.
func New(cfg Config) (*Portal, error) {
	if cfg.Articles == 0 {
		cfg.Articles = defaultCount
	}
	if cfg.Articles < minArticles {
		return nil, fmt.Errorf("portal: %d articles per language is too few: at least %d are needed to plant every quirk", cfg.Articles, minArticles)
	}
	if cfg.Articles > 1_000_000 {
		return nil, fmt.Errorf("portal: %d articles per language is too many (at most 1000000)", cfg.Articles)
	}
	if cfg.Day < 0 || cfg.Day > 3650 {
		return nil, fmt.Errorf("portal: day %d is out of range 0..3650", cfg.Day)
	}
	if q := cfg.Quirks.RateLimit429; q < 0 || q > 1 {
		return nil, fmt.Errorf("portal: RateLimit429 share %v is out of range 0..1", q)
	}
	if cfg.Quirks.RateLimit429Times <= 0 {
		cfg.Quirks.RateLimit429Times = 1
	}
	if cfg.Quirks.RetryAfter <= 0 {
		cfg.Quirks.RetryAfter = 1
	}
	if strings.ContainsAny(cfg.Host, "/:@ ") {
		return nil, fmt.Errorf("portal: host %q must be a bare host name", cfg.Host)
	}
	p := &Portal{cfg: cfg, refused: map[string]int{}, area403: map[string]int{}}
	p.idBase = 4 * (37500 + int(p.hash(1)%5000))
	for l := range langs {
		p.slotOff[l] = int(p.hash(2, uint64(l)) % slots)
	}
	p.planDays()
	for l := range langs {
		for i := p.total() - 1; i >= 0; i-- {
			if !p.visible(l, i) {
				continue
			}
			p.allItems[l] = append(p.allItems[l], int32(i))
			s := p.sectionOf(l, i)
			p.secItems[l][s] = append(p.secItems[l][s], int32(i))
		}
	}
	p.pdf = renderPDF()
	return p, nil
}

// Config returns the configuration the portal was generated with (with
// defaults filled in).
func (p *Portal) Config() Config { return p.cfg }

// Handler returns the http.Handler that serves every page of the portal.
func (p *Portal) Handler() http.Handler { return http.HandlerFunc(p.serve) }

// response is a rendered answer.
type response struct {
	status   int
	ctype    string
	body     []byte
	location string
	header   map[string]string
	encode   string // "windows-1251" to encode the UTF-8 body
	gzip     bool
	lastMod  time.Time // sent as Last-Modified and compared with If-Modified-Since; zero for none
}

func (p *Portal) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if loc, ok := p.hostRedirect(r); ok {
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusMovedPermanently)
		return
	}
	if p.refuse(w, r) {
		return
	}
	res := p.route(r)
	if res.status == http.StatusOK && p.cfg.Quirks.Slow > 0 && isSlowPath(r.URL.Path) {
		t := time.NewTimer(p.cfg.Quirks.Slow)
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	p.write(w, r, res)
}

// write sends a response, encoding and compressing as planned.
func (p *Portal) write(w http.ResponseWriter, r *http.Request, res response) {
	h := w.Header()
	for k, v := range res.header {
		h.Set(k, v)
	}
	if res.location != "" {
		h.Set("Location", res.location)
	}
	body := res.body
	if res.encode == "windows-1251" {
		enc, err := charmap.Windows1251.NewEncoder().Bytes(body)
		if err != nil {
			http.Error(w, "encoding: "+err.Error(), http.StatusInternalServerError)
			return
		}
		body = enc
	}
	if res.ctype != "" {
		h.Set("Content-Type", res.ctype)
	}
	if res.gzip {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
		_, _ = zw.Write(body) // writing to a buffer cannot fail
		_ = zw.Close()
		body = b.Bytes()
		h.Set("Content-Encoding", "gzip")
		h.Set("Vary", "Accept-Encoding")
	}
	if res.status == 0 {
		res.status = http.StatusOK
	}
	if !res.lastMod.IsZero() && res.status == http.StatusOK {
		h.Set("Last-Modified", res.lastMod.UTC().Format(http.TimeFormat))
		if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !res.lastMod.Truncate(time.Second).After(ims) {
			for _, k := range []string{"Content-Type", "Content-Encoding", "Content-Length"} {
				h.Del(k)
			}
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(res.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body) // a client that went away is not our error
	}
}

// hostRedirect applies the host-variant redirects when Config.Host is set.
func (p *Portal) hostRedirect(r *http.Request) (string, bool) {
	if p.cfg.Host == "" {
		return "", false
	}
	name, port := r.Host, ""
	if h, pt, err := net.SplitHostPort(r.Host); err == nil {
		name, port = h, ":"+pt
	}
	bare := strings.TrimPrefix(p.cfg.Host, "www.")
	switch {
	case strings.EqualFold(name, bare) && bare != p.cfg.Host:
		return "https://" + p.cfg.Host + port + r.URL.RequestURI(), true
	case strings.EqualFold(name, p.cfg.Host) && r.TLS == nil:
		return "https://" + p.cfg.Host + port + r.URL.RequestURI(), true
	}
	return "", false
}

// refuse applies the switchable rate limits; it reports whether it answered.
func (p *Portal) refuse(w http.ResponseWriter, r *http.Request) bool {
	q := p.cfg.Quirks
	if q.RateLimit403 > 0 && strings.Contains(r.URL.Path, rateLimitArea) {
		client := r.RemoteAddr
		if h, _, err := net.SplitHostPort(client); err == nil {
			client = h
		}
		p.mu.Lock()
		p.area403[client]++
		n := p.area403[client]
		p.mu.Unlock()
		if n > q.RateLimit403 {
			http.Error(w, "403 Forbidden: too many requests", http.StatusForbidden)
			return true
		}
	}
	if q.RateLimit429 > 0 && r.URL.Path != "/robots.txt" && p.limited429(r.URL.RequestURI()) {
		key := r.URL.RequestURI()
		p.mu.Lock()
		n := p.refused[key]
		if n < q.RateLimit429Times {
			if len(p.refused) >= maxRefused {
				// A crawler lost in a trap must not grow this without bound;
				// forgetting old URLs only means they are refused once more.
				clear(p.refused)
			}
			p.refused[key] = n + 1
		}
		p.mu.Unlock()
		if n < q.RateLimit429Times {
			w.Header().Set("Retry-After", strconv.Itoa(q.RetryAfter))
			http.Error(w, "429 Too Many Requests", http.StatusTooManyRequests)
			return true
		}
	}
	return false
}

// maxRefused bounds the URLs remembered by the 429 rate limit.
const maxRefused = 100_000

// limited429 reports whether a URL is in the 429 share.
func (p *Portal) limited429(uri string) bool {
	return float64(p.hashString("429"+uri)%10000) < p.cfg.Quirks.RateLimit429*10000
}

// Limited429 reports whether requests for uri (a root-relative URL) are
// refused with 429 when Quirks.RateLimit429 is on.
func (p *Portal) Limited429(uri string) bool {
	return p.cfg.Quirks.RateLimit429 > 0 && uri != "/robots.txt" && p.limited429(uri)
}

// isSlowPath reports whether Quirks.Slow delays a path.
func isSlowPath(path string) bool {
	return strings.HasSuffix(path, "/archive/") || strings.HasSuffix(path, "/calendar/") || strings.Contains(path, "/news/by-date/")
}
