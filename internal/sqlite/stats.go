package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// IntegrityCheck runs PRAGMA integrity_check and returns nil if SQLite
// reports the database intact, or an error wrapping ErrCorrupt that lists
// the problems (at most 100).
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.rdb.QueryContext(ctx, `PRAGMA integrity_check(100)`)
	if err != nil {
		return fmt.Errorf("integrity check: %w", classify(err))
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("integrity check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %w", classify(err))
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check: %w: %s", ErrCorrupt, strings.Join(problems, "; "))
	}
	return nil
}

// Stats describes the size of the archive.
type Stats struct {
	PageSize    int64 `json:"page_size"`    // SQLite page size in bytes
	FileBytes   int64 `json:"file_bytes"`   // page count × page size of the main file (the WAL excluded)
	FreeBytes   int64 `json:"free_bytes"`   // bytes of free pages inside the file
	Runs        int64 `json:"runs"`         // number of runs
	Captures    int64 `json:"captures"`     // number of captures
	Bodies      int64 `json:"bodies"`       // number of distinct bodies
	RawBytes    int64 `json:"raw_bytes"`    // total length of the distinct bodies, uncompressed
	StoredBytes int64 `json:"stored_bytes"` // total length of the distinct bodies as stored
}

// BytesPerCapture is the archive's size divided by its number of captures
// (0 for an empty archive).
func (st Stats) BytesPerCapture() float64 {
	if st.Captures == 0 {
		return 0
	}
	return float64(st.FileBytes-st.FreeBytes) / float64(st.Captures)
}

// CompressionRatio is the stored size of the bodies divided by their raw
// size (0 when there are none).
func (st Stats) CompressionRatio() float64 {
	if st.RawBytes == 0 {
		return 0
	}
	return float64(st.StoredBytes) / float64(st.RawBytes)
}

// Stats returns the size of the archive as one consistent snapshot.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	err := s.read(ctx, func(tx *sql.Tx) error {
		var pages, free int64
		for _, q := range []struct {
			sql  string
			dest []any
		}{
			{`PRAGMA page_size`, []any{&st.PageSize}},
			{`PRAGMA page_count`, []any{&pages}},
			{`PRAGMA freelist_count`, []any{&free}},
			{`SELECT count(*) FROM runs`, []any{&st.Runs}},
			{`SELECT count(*) FROM crawl_captures`, []any{&st.Captures}},
			{`SELECT count(*), coalesce(sum(size), 0), coalesce(sum(stored_size), 0) FROM bodies`,
				[]any{&st.Bodies, &st.RawBytes, &st.StoredBytes}},
		} {
			if err := tx.QueryRowContext(ctx, q.sql).Scan(q.dest...); err != nil {
				return err
			}
		}
		st.FileBytes = pages * st.PageSize
		st.FreeBytes = free * st.PageSize
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("archive stats: %w", err)
	}
	return st, nil
}

// RunStats describes what one run added to the archive.
type RunStats struct {
	RunID          int64 `json:"run_id"`
	Captures       int64 `json:"captures"`         // captures of the run
	NewBodies      int64 `json:"new_bodies"`       // bodies first stored by the run
	NewRawBytes    int64 `json:"new_raw_bytes"`    // their raw length
	NewStoredBytes int64 `json:"new_stored_bytes"` // their stored length
	MetadataBytes  int64 `json:"metadata_bytes"`   // length of the run's capture rows' columns (URL ids, inline headers, …), an estimate of their share of the file; the URLs and header sets they refer to are stored once per archive and not counted
}

// BytesPerCapture estimates what the run added to the archive per capture:
// new bodies as stored plus the captures' metadata (0 if the run has no
// captures).
func (rs RunStats) BytesPerCapture() float64 {
	if rs.Captures == 0 {
		return 0
	}
	return float64(rs.NewStoredBytes+rs.MetadataBytes) / float64(rs.Captures)
}

// RunStats returns what a run added to the archive.
func (s *Store) RunStats(ctx context.Context, runID int64) (RunStats, error) {
	rs := RunStats{RunID: runID}
	err := s.read(ctx, func(tx *sql.Tx) error {
		// Integer columns count 4 bytes each. The URLs and header sets
		// the rows refer to are stored once per archive and not counted
		// here (Stats counts the whole file).
		if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(
				coalesce(length(redirects), 0) + coalesce(length(method), 0) +
				coalesce(length(request_own), 0) + coalesce(length(header_own), 0) +
				length(content_type) + coalesce(length(body), 0) +
				length(verdict) + coalesce(length(error), 0) + 4*15), 0)
			FROM crawl_captures WHERE run_id = ?`, runID).Scan(&rs.Captures, &rs.MetadataBytes); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(size), 0), coalesce(sum(stored_size), 0)
			FROM bodies WHERE run_id = ?`, runID).Scan(&rs.NewBodies, &rs.NewRawBytes, &rs.NewStoredBytes)
	})
	if err != nil {
		return rs, fmt.Errorf("stats of run %d: %w", runID, err)
	}
	return rs, nil
}
