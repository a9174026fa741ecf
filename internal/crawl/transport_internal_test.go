package crawl

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
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
