package sqlite_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// windows1251 is "Минск, 3 апреля (БЕЛТА) - Прэзідэнт" as windows-1251
// bytes (with the Belarusian і as 0xB3), followed by a line end.
var windows1251 = []byte{
	0xcc, 0xe8, 0xed, 0xf1, 0xea, 0x2c, 0x20, 0x33, 0x20, 0xe0, 0xef, 0xf0, 0xe5, 0xeb, 0xff,
	0x20, 0x28, 0xc1, 0xc5, 0xcb, 0xd2, 0xc0, 0x29, 0x20, 0x2d, 0x20,
	0xcf, 0xf0, 0xfd, 0xe7, 0xb3, 0xe4, 0xfd, 0xed, 0xf2, 0x0d, 0x0a,
}

func TestCaptureRoundTripEveryField(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	body := []byte("<html><body><h1>Headline</h1></body></html>")
	c := capture(run, "https://portal.example/news/1", body)
	c.URL = "http://www.portal.example/news/1?utm_source=feed#top"
	c.FinalURL = "https://portal.example/news/1/"
	c.Redirects = []archive.Redirect{
		{URL: "http://www.portal.example/news/1?utm_source=feed", Status: 301, Location: "https://portal.example/news/1"},
		{URL: "https://portal.example/news/1", Status: 302, Location: "/news/1/"},
	}
	c.Method = "GET"
	c.Proto = "HTTP/2.0"
	c.Header = http.Header{"Content-Type": {"text/html; charset=windows-1251"}, "Set-Cookie": {"a=1", "b=2"}, "Last-Modified": {"Wed, 03 Apr 2024 09:00:00 GMT"}}
	c.ContentLength = -1
	c.Truncated = true
	c.DiscoveredFrom = "https://portal.example/"
	c.Depth = 3
	c.Error = "body truncated at 10 MiB"
	c.FetchedAt = time.Date(2026, 4, 3, 9, 30, 1, 123456789, time.UTC)
	c.Duration = 1234567 * time.Nanosecond

	id, isNew := mustPut(t, s, c)
	if !isNew || c.ID != id || c.Size != int64(len(body)) || c.BodySHA256 != "" && len(c.BodySHA256) != 64 {
		t.Fatalf("PutCapture: id %d (c.ID %d), new %v, size %d, sha %q", id, c.ID, isNew, c.Size, c.BodySHA256)
	}
	got, err := s.Capture(ctx, id, true)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Errorf("read back differs:\n got %+v\nwant %+v", got, c)
	}
	noBody, err := s.Capture(ctx, id, false)
	if err != nil {
		t.Fatal(err)
	}
	if noBody.Body != nil {
		t.Errorf("Capture(body=false) loaded %d body bytes", len(noBody.Body))
	}
	if _, err := s.Capture(ctx, id+100, false); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("unknown capture: %v, want ErrNotFound", err)
	}
}

// TestBodiesBitForBit stores bodies of every kind under every codec and
// reads them back after reopening the archive with another codec.
func TestBodiesBitForBit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	bodies := map[string][]byte{
		"empty":         {},
		"one byte":      {0},
		"nul and high":  {0, 0xff, 0, 0xfe, 0x80, '\r', '\n'},
		"windows-1251":  bytes.Repeat(windows1251, 50),
		"invalid utf-8": []byte("caf\xe9 \xc3\x28 \xed\xa0\x80 end"),
		"random 1 KiB":  random(1 << 10),
		"random 1 MiB":  random(1 << 20),
		"html 300 KiB":  bytes.Repeat([]byte("<div class=\"news\"><a href=\"/news/1\">Headline</a></div>\n"), 5500),
		"gzip magic":    append([]byte{0x1f, 0x8b, 0x08, 0}, random(100)...),
		"zstd magic":    append([]byte{0x28, 0xb5, 0x2f, 0xfd}, random(100)...),
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "archive.db")
	ids := map[string]int64{}
	for i, codec := range []sqlite.Codec{sqlite.CodecZstd, sqlite.CodecGzip, sqlite.CodecIdentity} {
		s, err := sqlite.Open(ctx, path, sqlite.WithCodec(codec, 0))
		if err != nil {
			t.Fatal(err)
		}
		run := mustRun(t, s)
		for name, body := range bodies {
			// A distinct suffix per codec makes every body new.
			b := append(append([]byte{}, body...), byte(i))
			c := capture(run, fmt.Sprintf("https://portal.example/%s/%s", codec, name), b)
			id, isNew := mustPut(t, s, c)
			if !isNew {
				t.Errorf("%s %s: body not new", codec, name)
			}
			ids[string(codec)+"/"+name] = id
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// Read everything back through a store whose write codec differs.
	s, err := sqlite.OpenReadOnly(ctx, path, sqlite.WithCodec(sqlite.CodecGzip, 1))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i, codec := range []sqlite.Codec{sqlite.CodecZstd, sqlite.CodecGzip, sqlite.CodecIdentity} {
		for name, body := range bodies {
			want := append(append([]byte{}, body...), byte(i))
			got, err := s.Capture(ctx, ids[string(codec)+"/"+name], true)
			if err != nil {
				t.Fatalf("%s %s: %v", codec, name, err)
			}
			if !bytes.Equal(got.Body, want) {
				t.Errorf("%s %s: %d bytes back, want %d identical bytes", codec, name, len(got.Body), len(want))
			}
			direct, err := s.Body(ctx, got.BodySHA256)
			if err != nil || !bytes.Equal(direct, want) {
				t.Errorf("%s %s: Body by SHA-256: %v", codec, name, err)
			}
		}
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.StoredBytes >= st.RawBytes {
		t.Errorf("stored %d bytes for %d raw: compression did nothing", st.StoredBytes, st.RawBytes)
	}
}

func TestBodyStoredOncePerSHA256(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	body := bytes.Repeat([]byte("same page "), 1000)
	_, first := mustPut(t, s, capture(run, "https://portal.example/a", body))
	_, second := mustPut(t, s, capture(run, "https://portal.example/b", bytes.Clone(body)))
	if !first || second {
		t.Errorf("new body: first %v, second %v; want true, false", first, second)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Captures != 2 || st.Bodies != 1 || st.RawBytes != int64(len(body)) {
		t.Errorf("stats %+v: want 2 captures sharing 1 body of %d bytes", st, len(body))
	}
}

func TestRevisitReferencesStoredBody(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run1 := mustRun(t, s)
	body := []byte("<p>unchanged</p>")
	first := capture(run1, "https://portal.example/a", body)
	firstID, _ := mustPut(t, s, first)

	run2 := mustRun(t, s)
	revisit := capture(run2, "https://portal.example/a", nil)
	revisit.Status = 304
	revisit.Verdict = archive.VerdictRevisit
	revisit.BodySHA256 = first.BodySHA256
	revisit.RevisitOf = firstID
	id, isNew := mustPut(t, s, revisit)
	if isNew {
		t.Error("a revisit stored a new body")
	}
	got, err := s.Capture(ctx, id, true)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Body, body) || got.Size != int64(len(body)) || got.RevisitOf != firstID || got.Status != 304 {
		t.Errorf("revisit read back: body %q size %d revisit_of %d status %d", got.Body, got.Size, got.RevisitOf, got.Status)
	}

	missing := capture(run2, "https://portal.example/b", nil)
	missing.BodySHA256 = "0000000000000000000000000000000000000000000000000000000000000000"
	if _, _, err := s.PutCapture(ctx, missing); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("revisit of a body not in the archive: %v, want ErrNotFound", err)
	}
}

func TestPutCaptureBodyChoice(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)

	transport := capture(run, "https://portal.example/reset", nil)
	transport.Status, transport.Verdict, transport.Error, transport.Header = 0, archive.VerdictError, "connection reset by peer", nil
	id, _ := mustPut(t, s, transport)
	got, err := s.Capture(ctx, id, true)
	if err != nil {
		t.Fatal(err)
	}
	if got.BodySHA256 != "" || got.Body != nil || got.Error != "connection reset by peer" || got.Header != nil {
		t.Errorf("transport error read back: sha %q body %v error %q header %v", got.BodySHA256, got.Body, got.Error, got.Header)
	}

	noContent := capture(run, "https://portal.example/204", nil)
	noContent.Status = 204
	id, _ = mustPut(t, s, noContent)
	got, err = s.Capture(ctx, id, true)
	if err != nil {
		t.Fatal(err)
	}
	if got.BodySHA256 != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" || len(got.Body) != 0 || got.Body == nil {
		t.Errorf("204 read back: sha %q body %v", got.BodySHA256, got.Body)
	}

	wrong := capture(run, "https://portal.example/wrong", []byte("x"))
	wrong.BodySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if _, _, err := s.PutCapture(ctx, wrong); err == nil {
		t.Error("PutCapture accepted a BodySHA256 that does not match the body")
	}
}

func TestPutCaptureRejectsInvalid(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	for name, mutate := range map[string]func(*archive.Capture){
		"no run":        func(c *archive.Capture) { c.RunID = 0 },
		"unknown run":   func(c *archive.Capture) { c.RunID = run + 10 },
		"no URL":        func(c *archive.Capture) { c.URL = "" },
		"no canonical":  func(c *archive.Capture) { c.CanonicalURL = "" },
		"no time":       func(c *archive.Capture) { c.FetchedAt = time.Time{} },
		"bad verdict":   func(c *archive.Capture) { c.Verdict = "great" },
		"bad status":    func(c *archive.Capture) { c.Status = 1000 },
		"bad sha":       func(c *archive.Capture) { c.Body, c.BodySHA256 = nil, "XYZ" },
		"bad revisitOf": func(c *archive.Capture) { c.RevisitOf = 999 },
	} {
		c := capture(run, "https://portal.example/"+name, []byte(name))
		mutate(c)
		if _, _, err := s.PutCapture(ctx, c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Captures != 0 || st.Bodies != 0 {
		t.Errorf("rejected captures left %d captures and %d bodies", st.Captures, st.Bodies)
	}
	if _, _, err := s.PutCapture(ctx, nil); err == nil {
		t.Error("nil capture accepted")
	}
}

func TestConcurrentPutAndRead(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	shared := bytes.Repeat([]byte("shared body "), 500)
	var wg sync.WaitGroup
	var mu sync.Mutex
	newBodies := 0
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				body := shared
				if i%2 == 0 {
					body = fmt.Appendf(nil, "page %d/%d %s", g, i, shared)
				}
				id, isNew, err := s.PutCapture(ctx, capture(run, fmt.Sprintf("https://portal.example/%d/%d", g, i), body))
				if err != nil {
					t.Error(err)
					return
				}
				if isNew {
					mu.Lock()
					newBodies++
					mu.Unlock()
				}
				got, err := s.Capture(ctx, id, true)
				if err != nil || !bytes.Equal(got.Body, body) {
					t.Errorf("read back %d: %v", id, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if newBodies != 6*10+1 {
		t.Errorf("%d new bodies reported, want %d (60 distinct + 1 shared)", newBodies, 61)
	}
}

func TestEachCapture(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run1 := mustRun(t, s)
	run2 := mustRun(t, s)
	want := map[int64][]byte{}
	const n = 300 // more than one batch
	for i := range n {
		body := fmt.Appendf(nil, "<p>page %d</p>", i)
		c := capture(run1, fmt.Sprintf("https://portal.example/p/%d", i), body)
		if i%3 == 0 {
			c.Header = http.Header{"Content-Type": {"image/jpeg"}}
		}
		if i%10 == 0 {
			c.Status, c.Verdict, c.Body = 0, archive.VerdictError, nil
		}
		id, _ := mustPut(t, s, c)
		want[id] = c.Body
	}
	mustPut(t, s, capture(run2, "https://portal.example/other-run", []byte("x")))

	for _, tc := range []struct {
		name  string
		q     sqlite.CaptureQuery
		count int
	}{
		{"run", sqlite.CaptureQuery{RunID: run1}, n},
		{"run with bodies", sqlite.CaptureQuery{RunID: run1, Body: true}, n},
		{"all runs", sqlite.CaptureQuery{}, n + 1},
		{"html", sqlite.CaptureQuery{RunID: run1, ContentType: "TEXT/HTML"}, n - n/3},
		{"responses", sqlite.CaptureQuery{RunID: run1, Responses: true}, n - n/10},
		{"html responses", sqlite.CaptureQuery{RunID: run1, ContentType: "text/html", Responses: true, Body: true}, n - n/3 - (n/10 - n/30)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var last int64
			count := 0
			err := s.EachCapture(ctx, tc.q, func(c *archive.Capture) error {
				count++
				if c.ID <= last {
					t.Fatalf("capture %d after %d: not in id order", c.ID, last)
				}
				last = c.ID
				if tc.q.Body {
					if !bytes.Equal(c.Body, want[c.ID]) {
						t.Errorf("capture %d body %q, want %q", c.ID, c.Body, want[c.ID])
					}
				} else if c.Body != nil {
					t.Errorf("capture %d has a body without Body", c.ID)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if count != tc.count {
				t.Errorf("visited %d captures, want %d", count, tc.count)
			}
		})
	}

	stop := errors.New("stop")
	visited := 0
	err := s.EachCapture(ctx, sqlite.CaptureQuery{RunID: run1}, func(c *archive.Capture) error {
		visited++
		if visited == 5 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || visited != 5 {
		t.Errorf("EachCapture after fn's error: %v after %d captures", err, visited)
	}

	// AfterID continues a pass.
	var ids []int64
	_ = s.EachCapture(ctx, sqlite.CaptureQuery{RunID: run1}, func(c *archive.Capture) error { ids = append(ids, c.ID); return nil })
	rest := 0
	if err := s.EachCapture(ctx, sqlite.CaptureQuery{RunID: run1, AfterID: ids[149]}, func(*archive.Capture) error { rest++; return nil }); err != nil {
		t.Fatal(err)
	}
	if rest != n-150 {
		t.Errorf("after id %d: %d captures, want %d", ids[149], rest, n-150)
	}
}

func TestHistoryLatestAndFind(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	const url = "https://portal.example/news/1"
	var ids, runs []int64
	for i := range 3 {
		run := mustRun(t, s)
		runs = append(runs, run)
		c := capture(run, url, fmt.Appendf(nil, "version %d", i))
		c.URL = fmt.Sprintf("http://www.portal.example/news/1?sid=%d", i)
		c.FinalURL = url + "/"
		id, _ := mustPut(t, s, c)
		ids = append(ids, id)
	}
	refused := capture(runs[2], url, []byte("slow down"))
	refused.Status, refused.Verdict = 429, archive.VerdictRefused
	refusedID, _ := mustPut(t, s, refused)
	failed := capture(runs[2], url, nil)
	failed.Status, failed.Verdict = 0, archive.VerdictError
	failedID, _ := mustPut(t, s, failed)

	h, err := s.History(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 5 || h[0].ID != ids[0] || h[3].ID != refusedID || h[4].ID != failedID {
		t.Fatalf("history: %d captures", len(h))
	}
	if h[0].Body != nil {
		t.Error("history loaded bodies")
	}

	latest, err := s.LatestCapture(ctx, url, 0)
	if err != nil || latest.ID != ids[2] {
		t.Errorf("latest capture with a response: %v, %v; want %d (not the refused %d nor the failed %d)", latest, err, ids[2], refusedID, failedID)
	}
	before, err := s.LatestCapture(ctx, url, runs[2])
	if err != nil || before.ID != ids[1] {
		t.Errorf("latest before run %d: %v, want %d", runs[2], err, ids[1])
	}
	if _, err := s.LatestCapture(ctx, url, runs[0]); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("latest before the first run: %v, want ErrNotFound", err)
	}

	if err := s.AddAlias(ctx, runs[0], "https://portal.example/index.php?id=1", url, "duplicate content"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		url  string
		run  int64
		want int64
	}{
		{"canonical", url, 0, failedID},
		{"canonical in run", url, runs[1], ids[1]},
		{"as requested", "http://www.portal.example/news/1?sid=0", 0, ids[0]},
		{"final", url + "/", runs[0], ids[0]},
		{"alias", "https://portal.example/index.php?id=1", runs[1], ids[1]},
	} {
		got, err := s.FindCapture(ctx, tc.url, tc.run)
		if err != nil || got.ID != tc.want {
			t.Errorf("%s: FindCapture(%s, %d) = %v, %v; want %d", tc.name, tc.url, tc.run, got, err, tc.want)
		}
	}
	if _, err := s.FindCapture(ctx, "https://portal.example/none", 0); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("unknown URL: %v, want ErrNotFound", err)
	}
}

func TestAliases(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	const canon = "https://portal.example/a"
	for _, a := range []struct{ alias, reason string }{
		{"https://www.portal.example/a", "host variant"},
		{"https://portal.example/a;jsessionid=1", "session id"},
	} {
		if err := s.AddAlias(ctx, run, a.alias, canon, a.reason); err != nil {
			t.Fatal(err)
		}
	}
	// Recording the same alias again keeps the first canonical URL.
	if err := s.AddAlias(ctx, run, "https://www.portal.example/a", "https://portal.example/other", "later"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAlias(ctx, run, "", canon, "x"); err == nil {
		t.Error("empty alias accepted")
	}
	got, err := s.Aliases(ctx, canon)
	if err != nil {
		t.Fatal(err)
	}
	want := []sqlite.Alias{
		{RunID: run, Alias: "https://portal.example/a;jsessionid=1", Canonical: canon, Reason: "session id"},
		{RunID: run, Alias: "https://www.portal.example/a", Canonical: canon, Reason: "host variant"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("aliases of the canonical URL:\n got %+v\nwant %+v", got, want)
	}
	byAlias, err := s.Aliases(ctx, "https://www.portal.example/a")
	if err != nil || len(byAlias) != 1 || byAlias[0].Canonical != canon {
		t.Errorf("aliases of an alias: %+v, %v", byAlias, err)
	}
}

// TestRevisitChainsReadBack stores revisits of revisits, and a capture
// naming as revisited one whose body differs, and reads each back with its
// own body through every path that reads captures (a revisit that repeats
// the body of the capture it revisits refers to it instead of storing the
// SHA-256 again).
func TestRevisitChainsReadBack(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	bodyA, bodyB := []byte("<p>version A</p>"), []byte("<p>version B</p>")
	var all []*archive.Capture
	put := func(c *archive.Capture) *archive.Capture {
		t.Helper()
		mustPut(t, s, c)
		all = append(all, c)
		return c
	}
	revisit := func(run int64, of *archive.Capture, sha string) *archive.Capture {
		c := capture(run, "https://portal.example/a", nil)
		c.Status, c.Verdict, c.BodySHA256, c.RevisitOf = 304, archive.VerdictRevisit, sha, of.ID
		c.Header = http.Header{"Etag": {`"a"`}, "Date": {"Fri, 27 Nov 2026 10:26:47 GMT"}}
		c.RequestHeader = http.Header{"If-None-Match": {`"a"`}, "User-Agent": {"archiver-test"}}
		return c
	}
	run1 := mustRun(t, s)
	first := put(capture(run1, "https://portal.example/a", bodyA))
	other := put(capture(run1, "https://portal.example/b", bodyB))
	run2 := mustRun(t, s)
	r1 := put(revisit(run2, first, first.BodySHA256))
	run3 := mustRun(t, s)
	r2 := put(revisit(run3, r1, first.BodySHA256)) // a revisit of a revisit
	put(revisit(run3, r2, first.BodySHA256))       // and of that one
	put(revisit(run3, other, first.BodySHA256))    // names a capture with another body
	put(revisit(run3, first, other.BodySHA256))    // and the other way round
	for _, w := range all {
		want := *w
		if want.BodySHA256 == first.BodySHA256 {
			want.Body = bodyA
		} else {
			want.Body = bodyB
		}
		got, err := s.Capture(ctx, w.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, &want) {
			t.Errorf("capture %d (revisit of %d):\n got %+v\nwant %+v", w.ID, w.RevisitOf, got, &want)
		}
	}
	seen := 0
	err := s.EachCapture(ctx, sqlite.CaptureQuery{Body: true}, func(c *archive.Capture) error {
		seen++
		if want := sha256Of(c.Body); c.BodySHA256 != want {
			t.Errorf("EachCapture: capture %d names body %s, holds %s", c.ID, c.BodySHA256, want)
		}
		return nil
	})
	if err != nil || seen != len(all) {
		t.Errorf("EachCapture saw %d of %d captures: %v", seen, len(all), err)
	}
	for _, run := range []int64{run2, run3} {
		counts, err := s.LiveCounts(ctx, run)
		if err != nil {
			t.Fatal(err)
		}
		if counts.Captured != 0 {
			t.Errorf("run %d: %d captures counted as new bodies, want 0 (%+v)", run, counts.Captured, counts)
		}
	}
	h, err := s.History(ctx, "https://portal.example/a")
	if err != nil || len(h) != len(all)-1 {
		t.Fatalf("history: %d captures, %v", len(h), err)
	}
	for _, c := range h {
		if c.BodySHA256 == "" {
			t.Errorf("history: capture %d lost its body's SHA-256", c.ID)
		}
	}
}

func sha256Of(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestPutCaptureWithAliases stores a page with the aliases its links
// revealed in one transaction, and checks that they read back as AddAlias
// records them, that an alias keeps its first canonical URL, and that a
// bad alias stores nothing of the page.
func TestPutCaptureWithAliases(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	const canon = "https://portal.example/a"
	if err := s.AddAlias(ctx, run, "https://portal.example/a?utm_source=x", canon, "tracking-param"); err != nil {
		t.Fatal(err)
	}
	page := "https://portal.example/p"
	for _, bad := range [][]sqlite.Alias{
		{{Alias: "", Canonical: canon}},
		{{RunID: run + 1, Alias: "https://portal.example/b", Canonical: canon}},
	} {
		if _, _, _, err := s.PutCaptureWith(ctx, capture(run, page, []byte("<html>p</html>")), nil, bad); err == nil {
			t.Errorf("aliases %+v accepted", bad)
		}
	}
	if _, err := s.FindCapture(ctx, page, run); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("a page refused for its aliases was stored: %v", err)
	}
	id, _, added, err := s.PutCaptureWith(ctx, capture(run, page, []byte("<html>p</html>")),
		[]archive.FrontierEntry{{URL: canon, Depth: 1, DiscoveredFrom: page}},
		[]sqlite.Alias{
			{Alias: "https://portal.example/a;jsessionid=1", Canonical: canon, Reason: "session-id"},
			{RunID: run, Alias: "https://portal.example/a?utm_source=x", Canonical: "https://portal.example/other", Reason: "later"},
		})
	if err != nil || id == 0 || added != 1 {
		t.Fatalf("put capture with aliases: id %d, %d added, %v", id, added, err)
	}
	got, err := s.Aliases(ctx, canon)
	want := []sqlite.Alias{
		{RunID: run, Alias: "https://portal.example/a;jsessionid=1", Canonical: canon, Reason: "session-id"},
		{RunID: run, Alias: "https://portal.example/a?utm_source=x", Canonical: canon, Reason: "tracking-param"},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("aliases:\n got %+v, %v\nwant %+v", got, err, want)
	}
}
