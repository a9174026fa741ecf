package crawl

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocolly/colly/v2"
)

// TestReadBodySizedByContentLength: a body whose length the response
// announces is read into one buffer of about that size, not grown into a
// copy twice as large at its end; a body over the limit is cut there.
func TestReadBodySizedByContentLength(t *testing.T) {
	for _, n := range []int{1, 511, 512, 4096, 30000} {
		page := strings.Repeat("x", n)
		resp := &http.Response{Header: http.Header{}, ContentLength: int64(n), Body: io.NopCloser(strings.NewReader(page))}
		body, truncated, note, err := readBody(resp, 1<<20)
		if err != nil || truncated || note != "" || string(body) != page {
			t.Fatalf("%d bytes: read %d, truncated %v, note %q, %v", n, len(body), truncated, note, err)
		}
		if c := cap(body); c > n+bytes.MinRead {
			t.Errorf("%d bytes: read into a buffer of %d", n, c)
		}
	}
	resp := &http.Response{Header: http.Header{"Content-Length": {strconv.Itoa(100)}}, ContentLength: 100,
		Body: io.NopCloser(strings.NewReader(strings.Repeat("y", 100)))}
	body, truncated, _, err := readBody(resp, 64)
	if err != nil || !truncated || len(body) != 64 {
		t.Errorf("over the limit: %d bytes, truncated %v, %v", len(body), truncated, err)
	}
}

// BenchmarkReadBody reads an 8 KB page whose length is announced, as the
// portal's pages are.
func BenchmarkReadBody(b *testing.B) {
	page := strings.Repeat("<p>news</p>", 8<<10/11)
	b.ReportAllocs()
	for b.Loop() {
		resp := &http.Response{Header: http.Header{}, ContentLength: int64(len(page)), Body: io.NopCloser(strings.NewReader(page))}
		if _, _, _, err := readBody(resp, 1<<20); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTeeRecordsTheBodyForTheCrawlerOnly: through a real collector, the
// exchange holds a windows-1251 page's bytes as received, while colly,
// whose response nothing reads, is handed no body to copy or transcode.
func TestTeeRecordsTheBodyForTheCrawlerOnly(t *testing.T) {
	page := append([]byte(`<html><body><a href="/`), 0xed, 0xee, 0xe2, 0xee, 0xf1, 0xf2, 0xe8)
	page = append(page, []byte(`">x</a></body></html>`)...)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=windows-1251")
		w.Write(page)
	}))
	defer srv.Close()
	tee := &teeTransport{network: srv.Client().Transport, maxBody: 1 << 20, now: time.Now, pending: map[string]*exchange{}}
	cfg := DefaultConfig()
	cfg.Robots = false
	col := newCollector(cfg, &http.Client{Transport: tee})
	var collyBody []byte
	col.OnResponse(func(r *colly.Response) { collyBody = r.Body })
	id, ex := tee.register()
	defer tee.unregister(id)
	hdr := http.Header{}
	hdr.Set(exchangeHeader, id)
	if err := col.Request(http.MethodGet, srv.URL+"/", nil, nil, hdr); err != nil {
		t.Fatal(err)
	}
	if ex.Status != 200 || !bytes.Equal(ex.Body, page) || ex.Header.Get("Content-Type") != "text/html; charset=windows-1251" {
		t.Errorf("exchange: status %d, body %q, header %v", ex.Status, ex.Body, ex.Header)
	}
	if len(collyBody) != 0 {
		t.Errorf("colly was handed %d bytes of body", len(collyBody))
	}
}

// cannedTransport answers every request with the same 8 KB page and the
// headers of a portal's page, without a network.
type cannedTransport struct{ page string }

func (c cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	h := http.Header{}
	for k, v := range map[string]string{"Content-Type": "text/html; charset=utf-8", "Content-Length": strconv.Itoa(len(c.page)),
		"Date": "Fri, 27 Nov 2026 21:00:00 GMT", "Etag": `"5d8c72a5edda8d6a"`, "Last-Modified": "Thu, 26 Nov 2026 10:00:00 GMT",
		"Cache-Control": "max-age=60", "Vary": "Accept-Encoding", "X-Frame-Options": "SAMEORIGIN"} {
		h.Set(k, v)
	}
	return &http.Response{Status: "200 OK", StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h,
		ContentLength: int64(len(c.page)), Body: io.NopCloser(strings.NewReader(c.page)), Request: req}, nil
}

// BenchmarkTeeRoundTrip measures what the tee adds to an exchange: the
// transport under it answers from memory.
func BenchmarkTeeRoundTrip(b *testing.B) {
	tee := &teeTransport{network: cannedTransport{strings.Repeat("<p>news</p>", 8<<10/11)}, maxBody: 1 << 20, now: time.Now, pending: map[string]*exchange{}}
	b.ReportAllocs()
	for b.Loop() {
		id, _ := tee.register()
		req := httptest.NewRequest(http.MethodGet, "http://portal.example/en/news/a.html", nil)
		req.Header.Set(exchangeHeader, id)
		req.Header.Set("User-Agent", "archiver")
		resp, err := tee.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		tee.unregister(id)
	}
}
