package timeline

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/archiver-dev/archiver/internal/archive"
)

// Store is the archive the timeline works on: what the analysis reads,
// what the indexer reads and writes, and the bookkeeping that says which
// runs need indexing. internal/sqlite's Store implements it.
type Store interface {
	Source
	IndexStore
	// IndexedRuns returns, for each run with digests written by the given
	// index version, how many captures they cover.
	IndexedRuns(ctx context.Context, version string) (map[int64]int, error)
	// CaptureCounts returns how many captures each run has.
	CaptureCounts(ctx context.Context) (map[int64]int, error)
	// URLVersions returns the versions of one canonical URL, oldest first,
	// or archive.ErrNotFound.
	URLVersions(ctx context.Context, canonicalURL string) ([]Version, error)
}

// EnsureIndexed indexes every finished run whose captures have no digests
// of the indexer's Version (its logic and configuration), or fewer than the run has captures (a run
// resumed after it was indexed), oldest first. Runs still running are left
// for later. It returns the ids of the runs it indexed.
func EnsureIndexed(ctx context.Context, st Store, ix *Indexer) ([]int64, error) {
	runs, err := st.Runs(ctx)
	if err != nil {
		return nil, fmt.Errorf("timeline: runs: %w", err)
	}
	done, err := st.IndexedRuns(ctx, ix.Version())
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	counts, err := st.CaptureCounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	slices.SortFunc(runs, func(a, b archive.Run) int { return int(a.ID - b.ID) })
	var indexed []int64
	for _, r := range runs {
		if r.Status == archive.RunRunning {
			continue
		}
		if n, ok := done[r.ID]; ok && n >= counts[r.ID] {
			continue
		}
		if err := ix.Index(ctx, r.ID); err != nil {
			return indexed, err
		}
		indexed = append(indexed, r.ID)
	}
	return indexed, nil
}

// Indexed returns a Source over st that, before its first read, brings the
// digests up to date with EnsureIndexed, so that check and report analyse
// every finished run.
func Indexed(st Store, ix *Indexer) Source {
	return &indexedSource{Store: st, ix: ix}
}

type indexedSource struct {
	Store
	ix   *Indexer
	once sync.Once
	err  error
}

func (s *indexedSource) ensure(ctx context.Context) error {
	s.once.Do(func() { _, s.err = EnsureIndexed(ctx, s.Store, s.ix) })
	return s.err
}

// Versions brings the digests up to date, then streams them.
func (s *indexedSource) Versions(ctx context.Context, upTo int64, fn func(string, []Version) error) error {
	if err := s.ensure(ctx); err != nil {
		return err
	}
	return s.Store.Versions(ctx, upTo, fn)
}

// NeverCaptured brings the digests up to date, then reads the run's
// never-captured URLs.
func (s *indexedSource) NeverCaptured(ctx context.Context, run int64) ([]Missing, error) {
	if err := s.ensure(ctx); err != nil {
		return nil, err
	}
	return s.Store.NeverCaptured(ctx, run)
}
