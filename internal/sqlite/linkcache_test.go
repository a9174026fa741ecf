package sqlite_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

func TestLinkVerdictCache(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	v := archive.LinkVerdict{
		URL: "https://external.example/a", Verdict: "broken", Status: 404,
		FinalURL:   "https://external.example/b",
		Redirects:  []archive.Redirect{{URL: "https://external.example/a", Status: 301, Location: "https://external.example/b"}},
		Method:     "GET",
		Attempts:   1,
		Detail:     "404 Not Found",
		RetryAfter: 3 * time.Second,
		Title:      "Not found",
		IDs:        []string{"top", "main"},
		HasIDs:     true,
		CheckedAt:  t0,
		ExpiresAt:  t0.Add(24 * time.Hour),
	}
	if _, err := s.LinkVerdict(ctx, v.URL, t0); !errors.Is(err, archive.ErrNotFound) {
		t.Fatalf("empty cache: %v, want ErrNotFound", err)
	}
	if err := s.PutLinkVerdict(ctx, v); err != nil {
		t.Fatal(err)
	}
	got, err := s.LinkVerdict(ctx, v.URL, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, v) {
		t.Fatalf("read back\n%+v\nwant\n%+v", got, v)
	}
	if _, err := s.LinkVerdict(ctx, v.URL, t0.Add(24*time.Hour)); !errors.Is(err, archive.ErrNotFound) {
		t.Fatalf("expired verdict: %v, want ErrNotFound", err)
	}

	// A newer check replaces the verdict.
	v2 := archive.LinkVerdict{URL: v.URL, Verdict: "ok", Status: 200, CheckedAt: t0.Add(48 * time.Hour), ExpiresAt: t0.Add(72 * time.Hour)}
	if err := s.PutLinkVerdict(ctx, v2); err != nil {
		t.Fatal(err)
	}
	got, err = s.LinkVerdict(ctx, v.URL, t0.Add(49*time.Hour))
	if err != nil || got.Verdict != "ok" || got.HasIDs || got.IDs != nil || got.Redirects != nil {
		t.Fatalf("replaced verdict %+v, %v", got, err)
	}

	old := archive.LinkVerdict{URL: "https://external.example/old", Verdict: "refused", CheckedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	if err := s.PutLinkVerdict(ctx, old); err != nil {
		t.Fatal(err)
	}
	n, err := s.PruneLinkVerdicts(ctx, t0.Add(2*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want 1", n, err)
	}
	if _, err := s.LinkVerdict(ctx, v.URL, t0.Add(49*time.Hour)); err != nil {
		t.Fatalf("unexpired verdict pruned: %v", err)
	}
	if err := s.PutLinkVerdict(ctx, archive.LinkVerdict{URL: "x"}); err == nil {
		t.Fatal("a verdict without verdict and times was stored")
	}
}
