package sqlite_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

func TestRunLifecycle(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	if _, err := s.LatestRun(ctx); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("latest run of an empty archive: %v, want ErrNotFound", err)
	}
	if runs, err := s.Runs(ctx); err != nil || len(runs) != 0 {
		t.Errorf("runs of an empty archive: %v, %v", runs, err)
	}
	first, err := s.CreateRun(ctx, archive.Run{Seeds: []string{"https://a.example/", "https://b.example/sitemap.xml"}, Config: `{"delay":"1s"}`, StartedAt: t0, Status: archive.RunComplete})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Run(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	want := archive.Run{ID: first, Seeds: []string{"https://a.example/", "https://b.example/sitemap.xml"}, Config: `{"delay":"1s"}`, StartedAt: t0, Status: archive.RunRunning}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("new run\n got %+v\nwant %+v", r, want)
	}
	counts := archive.RunCounts{Captured: 10, Revisits: 2, Refused: 1, Errors: 3, Skipped: map[string]int{"robots": 4}, Bytes: 12345}
	end := t0.Add(time.Minute)
	if err := s.FinishRun(ctx, first, archive.RunComplete, counts, end); err != nil {
		t.Fatal(err)
	}
	r, err = s.Run(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != archive.RunComplete || !r.FinishedAt.Equal(end) || !reflect.DeepEqual(r.Counts, counts) {
		t.Errorf("finished run %+v", r)
	}

	second, err := s.CreateRun(ctx, archive.Run{Seeds: []string{"https://a.example/"}, StartedAt: end})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, second, archive.RunInterrupted, archive.RunCounts{}, end.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	latest, err := s.LatestRun(ctx)
	if err != nil || latest.ID != second {
		t.Errorf("latest run %d, %v; want %d", latest.ID, err, second)
	}
	complete, err := s.LatestCompleteRun(ctx)
	if err != nil || complete.ID != first {
		t.Errorf("latest complete run %d, %v; want %d", complete.ID, err, first)
	}
	runs, err := s.Runs(ctx)
	if err != nil || len(runs) != 2 || runs[0].ID != second || runs[1].ID != first {
		t.Errorf("runs newest first: %v, %v", runs, err)
	}

	if err := s.ReopenRun(ctx, second); err != nil {
		t.Fatal(err)
	}
	r, _ = s.Run(ctx, second)
	if r.Status != archive.RunRunning || !r.FinishedAt.IsZero() {
		t.Errorf("reopened run %+v", r)
	}

	for name, err := range map[string]error{
		"finish unknown":    s.FinishRun(ctx, 99, archive.RunComplete, archive.RunCounts{}, end),
		"reopen unknown":    s.ReopenRun(ctx, 99),
		"run unknown":       func() error { _, err := s.Run(ctx, 99); return err }(),
		"counts of unknown": func() error { _, err := s.LiveCounts(ctx, 99); return err }(),
	} {
		if !errors.Is(err, archive.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
	if err := s.FinishRun(ctx, first, archive.RunRunning, archive.RunCounts{}, end); err == nil {
		t.Error("FinishRun accepted status running")
	}
	if _, err := s.CreateRun(ctx, archive.Run{}); err == nil {
		t.Error("CreateRun accepted a zero start time")
	}
}

func TestLiveCounts(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run1 := mustRun(t, s)
	mustPut(t, s, capture(run1, "https://p.example/old", []byte("old body")))

	run2 := mustRun(t, s)
	mustPut(t, s, capture(run2, "https://p.example/new", []byte("new body!")))      // captured
	mustPut(t, s, capture(run2, "https://p.example/old", []byte("old body")))       // same body as run 1: a revisit
	mustPut(t, s, capture(run2, "https://p.example/new-copy", []byte("new body!"))) // a body of this run again: captured
	refused := capture(run2, "https://p.example/busy", []byte("slow down"))
	refused.Status, refused.Verdict = 429, archive.VerdictRefused
	mustPut(t, s, refused)
	failed := capture(run2, "https://p.example/reset", nil)
	failed.Status, failed.Verdict = 0, archive.VerdictError
	mustPut(t, s, failed)
	if err := s.Skip(ctx, run2, archive.FrontierEntry{URL: "https://p.example/private", Reason: "robots"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.LiveCounts(ctx, run2)
	if err != nil {
		t.Fatal(err)
	}
	want := archive.RunCounts{Captured: 2, Revisits: 1, Refused: 1, Errors: 1, Skipped: map[string]int{"robots": 1},
		Bytes: int64(len("new body!")*2 + len("old body") + len("slow down"))}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("live counts\n got %+v\nwant %+v", got, want)
	}
}
