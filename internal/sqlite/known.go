package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// KnownURLs calls fn for each canonical URL that runs before runID fetched
// (captured, with or without a response, or collapsed into another URL's
// capture as a duplicate of its body) and that runID's frontier does not
// hold yet, with the latest of those runs and the URL's depth in it:
// first the captured URLs in the order that run captured them, then the
// duplicates by URL. A URL that a run after the one that last fetched it
// skipped as a trap (a reason starting with "trap:") is left out: a trap
// stays skipped.
//
// A scheduled crawl queues them so that a page no longer linked from
// anywhere (removed, or orphaned) is still fetched once per run. The URLs
// are read in one snapshot before fn is first called, so fn may write to
// the archive; KnownURLs stops at and returns the first error of fn.
func (s *Store) KnownURLs(ctx context.Context, runID int64, fn func(url string, lastRun int64, depth int) error) error {
	// SQLite takes the bare columns (depth, dup, ord) of an aggregate
	// query with a single max() from the row holding the maximum.
	const q = `WITH fetched AS (
			SELECT canonical_url AS url, run_id AS run, depth, 0 AS dup, id AS ord
			FROM captures WHERE run_id < ?1
			UNION ALL
			SELECT url, run_id, depth, 1, 0 FROM frontier
			WHERE run_id < ?1 AND state = 'done' AND reason LIKE 'duplicate of %'
		), known AS (
			SELECT url, max(run) AS run, depth, dup, ord FROM fetched GROUP BY url
		), trapped AS (
			SELECT url, max(run_id) AS run FROM frontier
			WHERE run_id < ?1 AND state = 'skipped' AND reason LIKE 'trap:%'
			GROUP BY url
		)
		SELECT k.url, k.run, k.depth FROM known k
		LEFT JOIN trapped t ON t.url = k.url
		WHERE (t.run IS NULL OR t.run < k.run)
			AND NOT EXISTS (SELECT 1 FROM frontier f WHERE f.run_id = ?1 AND f.url = k.url)
		ORDER BY k.dup, k.ord, k.url`
	type known struct {
		url   string
		run   int64
		depth int
	}
	var out []known
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, runID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k known
			if err := rows.Scan(&k.url, &k.run, &k.depth); err != nil {
				return err
			}
			out = append(out, k)
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("URLs known before run %d: %w", runID, classify(err))
	}
	for _, k := range out {
		if err := fn(k.url, k.run, k.depth); err != nil {
			return err
		}
	}
	return nil
}
