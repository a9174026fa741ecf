package crawl

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/archiver-dev/archiver/internal/polite"
)

// exchangeHeader carries the id of an exchange from the crawler, through
// colly, to the transport, which removes it before the request leaves.
const exchangeHeader = "X-Archiver-Exchange"

// exchange is one HTTP request and its response exactly as they crossed
// the wire: the request headers as sent, the response headers as
// received, and the body after content-encoding removal, before any
// charset conversion.
type exchange struct {
	URL           string
	Method        string
	RequestHeader http.Header
	Status        int
	Proto         string
	Header        http.Header
	RemoteAddr    string
	Started       time.Time
	Duration      time.Duration // the whole exchange, body included
	// Response is the host's response time: from sending the request to
	// its response headers (or the failure), without the body's transfer,
	// as the link checker measures it. Starved reports that the process
	// kept its processors busy all that time, so that the answer was read
	// late by its own doing (polite.Stopwatch).
	Response      time.Duration
	Starved       bool
	ContentLength int64
	Body          []byte
	Truncated     bool
	Note          string // a content encoding that could not be removed
	Err           error  // transport or body read error
}

// teeTransport is the http.RoundTripper colly fetches through. It records
// every exchange the crawler issued, answers colly's own robots.txt
// requests from the robots cache, and refuses any other request.
type teeTransport struct {
	network http.RoundTripper
	local   http.RoundTripper // a local directory seed, or nil
	isLocal func(host string) bool
	robots  *robotsCache
	maxBody int64
	now     func() time.Time

	seq     atomic.Uint64
	mu      sync.Mutex
	pending map[string]*exchange
}

// register creates an exchange and returns its id for the request header.
func (t *teeTransport) register() (string, *exchange) {
	id := strconv.FormatUint(t.seq.Add(1), 36)
	ex := &exchange{}
	t.mu.Lock()
	t.pending[id] = ex
	t.mu.Unlock()
	return id, ex
}

func (t *teeTransport) unregister(id string) {
	t.mu.Lock()
	delete(t.pending, id)
	t.mu.Unlock()
}

// RoundTrip records one exchange.
func (t *teeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	id := req.Header.Get(exchangeHeader)
	if id == "" {
		if req.URL.Path == "/robots.txt" {
			return t.robots.collyResponse(req)
		}
		return nil, fmt.Errorf("refusing a request the crawler did not issue: %s", req.URL.Redacted())
	}
	t.mu.Lock()
	ex := t.pending[id]
	t.mu.Unlock()
	if ex == nil {
		return nil, fmt.Errorf("unknown exchange %q", id)
	}
	req = req.Clone(req.Context())
	req.Header.Del(exchangeHeader)
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	ex.URL = req.URL.String()
	ex.Method = req.Method
	ex.RequestHeader = req.Header.Clone()
	rt := t.network
	if t.local != nil && t.isLocal(req.URL.Host) {
		rt = t.local
	} else {
		trace := &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) {
			if ci.Conn != nil {
				ex.RemoteAddr = ci.Conn.RemoteAddr().String()
			}
		}}
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	}
	ex.Started = t.now().UTC()
	start := time.Now()
	w := polite.Start()
	resp, err := rt.RoundTrip(req)
	ex.Response, ex.Starved = w.Stop()
	if err != nil {
		ex.Err = err
		ex.Duration = ex.Response
		return nil, err
	}
	ex.Status = resp.StatusCode
	ex.Proto = resp.Proto
	ex.Header = resp.Header.Clone()
	ex.ContentLength = resp.ContentLength
	body, truncated, note, rerr := readBody(resp, t.maxBody)
	resp.Body.Close()
	ex.Body, ex.Truncated, ex.Note = body, truncated, note
	ex.Duration = time.Since(start)
	if rerr != nil {
		ex.Err = fmt.Errorf("reading body after %d bytes: %w", len(body), rerr)
		return nil, ex.Err
	}
	// colly gets the status and the headers, not the body: the crawler
	// reads the exchange, never colly's response, and colly would copy
	// the body (and transcode it, for a declared charset other than
	// UTF-8) for nothing. The headers are the response's own (ex.Header
	// is a copy), which nothing reads after this.
	h := resp.Header
	if note == "" {
		h.Del("Content-Encoding")
	}
	h.Del("Content-Length")
	return &http.Response{
		Status: resp.Status, StatusCode: resp.StatusCode,
		Proto: resp.Proto, ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor,
		Header: h, Body: http.NoBody, ContentLength: 0,
		Uncompressed: true, Request: req, TLS: resp.TLS,
	}, nil
}

// readBody reads at most max bytes of the body after removing a gzip
// content encoding (so a gzip bomb stops at max too). A longer body is cut
// and reported truncated. A body whose encoding cannot be removed is kept
// as received, with a note.
func readBody(resp *http.Response, max int64) (body []byte, truncated bool, note string, err error) {
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	capHint := int64(32 << 10)
	if resp.ContentLength > 0 && resp.ContentLength < max && enc == "" {
		// bytes.Buffer.ReadFrom wants MinRead bytes of room before each
		// read, the one that meets the end included: with less, the
		// buffer would be copied into one twice its size at the end.
		capHint = resp.ContentLength + bytes.MinRead
	}
	switch enc {
	case "", "identity":
		body, truncated, err = readLimited(resp.Body, max, capHint)
		return body, truncated, "", err
	case "gzip", "x-gzip":
		var raw bytes.Buffer
		rawCap := &capWriter{w: &raw, left: max}
		zr, zerr := gzip.NewReader(io.TeeReader(resp.Body, rawCap))
		if zerr == nil {
			body, truncated, err = readLimited(zr, max, capHint)
			if err == nil || !isGzipError(err) {
				return body, truncated, "", err
			}
			zerr = err
		}
		// Not gzip after all: keep the bytes as received.
		rest, tr, rerr := readLimited(resp.Body, max-int64(raw.Len()), capHint)
		out := append(raw.Bytes(), rest...)
		return out, tr || rawCap.over, fmt.Sprintf("content-encoding %s not removed: %v; body stored as received", enc, zerr), rerr
	default:
		body, truncated, err = readLimited(resp.Body, max, capHint)
		return body, truncated, fmt.Sprintf("content-encoding %q not removed; body stored as received", enc), err
	}
}

func isGzipError(err error) bool {
	return errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || strings.HasPrefix(err.Error(), "flate:")
}

// readLimited reads up to max bytes and reports whether more followed.
func readLimited(r io.Reader, max, capHint int64) ([]byte, bool, error) {
	if max < 0 {
		max = 0
	}
	if capHint > max+1 {
		capHint = max + 1
	}
	buf := bytes.NewBuffer(make([]byte, 0, capHint))
	n, err := io.Copy(buf, io.LimitReader(r, max+1))
	if n > max {
		return buf.Bytes()[:max], true, nil
	}
	return buf.Bytes(), false, err
}

// capWriter keeps at most left bytes.
type capWriter struct {
	w    io.Writer
	left int64
	over bool
}

func (c *capWriter) Write(p []byte) (int, error) {
	n := len(p)
	if int64(len(p)) > c.left {
		p = p[:c.left]
		c.over = true
	}
	c.left -= int64(len(p))
	c.w.Write(p)
	return n, nil
}

// newNetworkTransport is the transport to the network: a dialer that maps
// host:port as curl --resolve does, no transparent decompression (the tee
// removes gzip itself, with a limit), and no proxy.
func newNetworkTransport(resolve map[string]string, workers int, timeout time.Duration) *http.Transport {
	dialer := &net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		// No proxy: a proxy from the environment would bypass --resolve.
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if to, ok := resolve[strings.ToLower(addr)]; ok {
				addr = to
			}
			return dialer.DialContext(ctx, network, addr)
		},
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2:     true,
		DisableCompression:    true,
		MaxIdleConns:          workers * 4,
		MaxIdleConnsPerHost:   workers * 2,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: timeout,
		ExpectContinueTimeout: time.Second,
	}
}
