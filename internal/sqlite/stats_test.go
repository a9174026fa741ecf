package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/archiver-dev/archiver/internal/sqlite"
)

func TestStatsAndRunStats(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run1 := mustRun(t, s)
	page := bytes.Repeat([]byte("<p>Minsk, 3 April (BelTA) - The President said.</p>\n"), 400)
	for i := range 10 {
		mustPut(t, s, capture(run1, fmt.Sprintf("https://p.example/%d", i), append(bytes.Clone(page), byte(i))))
	}
	// A recrawl of the same pages: no new bodies.
	run2 := mustRun(t, s)
	for i := range 10 {
		mustPut(t, s, capture(run2, fmt.Sprintf("https://p.example/%d", i), append(bytes.Clone(page), byte(i))))
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	raw := int64(10 * (len(page) + 1))
	if st.Runs != 2 || st.Captures != 20 || st.Bodies != 10 || st.RawBytes != raw || st.PageSize != 8192 {
		t.Errorf("stats %+v", st)
	}
	if st.StoredBytes <= 0 || st.CompressionRatio() <= 0 || st.CompressionRatio() > 0.2 {
		t.Errorf("repetitive HTML stored at ratio %.3f (%d of %d bytes)", st.CompressionRatio(), st.StoredBytes, st.RawBytes)
	}
	if st.FileBytes < st.StoredBytes || st.BytesPerCapture() <= 0 {
		t.Errorf("file %d bytes for %d stored body bytes; %.0f bytes per capture", st.FileBytes, st.StoredBytes, st.BytesPerCapture())
	}

	rs1, err := s.RunStats(ctx, run1)
	if err != nil {
		t.Fatal(err)
	}
	rs2, err := s.RunStats(ctx, run2)
	if err != nil {
		t.Fatal(err)
	}
	if rs1.Captures != 10 || rs1.NewBodies != 10 || rs1.NewRawBytes != raw || rs1.NewStoredBytes != st.StoredBytes {
		t.Errorf("run 1 stats %+v", rs1)
	}
	if rs2.Captures != 10 || rs2.NewBodies != 0 || rs2.NewStoredBytes != 0 || rs2.MetadataBytes <= 0 {
		t.Errorf("run 2 (recrawl) stats %+v", rs2)
	}
	// An unchanged recrawl costs its metadata only: well under 1 KB a page.
	if per := rs2.BytesPerCapture(); per <= 0 || per >= 1024 {
		t.Errorf("recrawl adds %.0f bytes per capture", per)
	}
	if (sqlite.Stats{}).BytesPerCapture() != 0 || (sqlite.RunStats{}).BytesPerCapture() != 0 || (sqlite.Stats{}).CompressionRatio() != 0 {
		t.Error("empty stats do not give 0")
	}
}

// TestIntegrityCheckFindsDamage overwrites pages in the middle of a closed
// archive and checks that IntegrityCheck (or opening) reports it.
func TestIntegrityCheckFindsDamage(t *testing.T) {
	ctx := context.Background()
	s, path := mustOpen(t, sqlite.WithCodec(sqlite.CodecIdentity, 0))
	run := mustRun(t, s)
	rng := rand.New(rand.NewPCG(9, 9))
	for i := range 40 {
		body := make([]byte, 20_000)
		for j := range body {
			body[j] = byte(rng.UintN(256))
		}
		mustPut(t, s, capture(run, fmt.Sprintf("https://p.example/%d", i), body))
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatalf("before damage: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	info, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	// Zero the B-tree page headers of a run of pages in the middle.
	zeros := make([]byte, 64)
	for off := info.Size() / 2 / 8192 * 8192; off < info.Size()*3/4; off += 8192 {
		if _, err := f.WriteAt(zeros, off); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := sqlite.OpenReadOnly(ctx, path)
	if err != nil {
		// Refusing to open a damaged archive is a report too.
		if !errors.Is(err, sqlite.ErrCorrupt) {
			t.Fatalf("open a damaged archive: %v, want ErrCorrupt", err)
		}
		return
	}
	defer r.Close()
	if err := r.IntegrityCheck(ctx); !errors.Is(err, sqlite.ErrCorrupt) {
		t.Fatalf("integrity check of a damaged archive: %v, want ErrCorrupt", err)
	}
}

func TestCloseTwice(t *testing.T) {
	s, _ := mustOpen(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if _, err := s.Runs(context.Background()); err == nil {
		t.Error("a closed store answered a query")
	}
}
