package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// replay serves each distinct request from a recording of the portal's
// first answer to it. The benchmark's portal never changes while it is
// served, and the tools share two cores with the server: rendering and
// compressing the same page again for every tool would measure the
// server, not the tools. Requests a recording cannot answer (conditional
// ones, methods other than GET and HEAD) go to the portal. A HEAD request
// is answered from the recording of a GET, without its body. The portal's
// per-request noise (a CSRF token, a rotating promo, a visit counter: no
// links in any) is frozen with the recording, so a page reached under two
// URLs (through a redirect) now has one body where it had two.
type replay struct {
	next http.Handler
	mu   sync.Mutex
	seen map[string]*recorded
}

// recorded is one answer of the portal, kept whole.
type recorded struct {
	status int
	header http.Header
	body   []byte
}

func newReplay(next http.Handler) *replay {
	return &replay{next: next, seen: map[string]*recorded{}}
}

func (rp *replay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) ||
		r.Header.Get("If-Modified-Since") != "" || r.Header.Get("If-None-Match") != "" || r.Header.Get("Range") != "" {
		rp.next.ServeHTTP(w, r)
		return
	}
	key := r.Host + r.URL.RequestURI() + " gzip=" +
		boolString(strings.Contains(r.Header.Get("Accept-Encoding"), "gzip"))
	rp.mu.Lock()
	rec, ok := rp.seen[key]
	rp.mu.Unlock()
	if !ok {
		get := r.Clone(r.Context())
		get.Method = http.MethodGet
		rr := httptest.NewRecorder()
		rp.next.ServeHTTP(rr, get)
		rec = &recorded{status: rr.Code, header: rr.Header().Clone(), body: rr.Body.Bytes()}
		rp.mu.Lock()
		rp.seen[key] = rec
		rp.mu.Unlock()
	}
	h := w.Header()
	for k, v := range rec.header {
		h[k] = v
	}
	w.WriteHeader(rec.status)
	if r.Method == http.MethodGet {
		_, _ = w.Write(rec.body) // a client that went away is not our error
	}
}

func boolString(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
