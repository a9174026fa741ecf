package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

var _ archive.Frontier = (*Store)(nil)

// The statements of the crawl loop (see hotWrites).
const (
	sqlEnqueue = `INSERT INTO crawl_frontier
		(run_id, url_id, state, reason, depth, from_id, attempts, not_before)
		VALUES (?, ?, 'queued', ?, ?, ?, ?, ?) ON CONFLICT (run_id, url_id) DO NOTHING`
	// Claim reads the entries to claim, then marks them, in one write
	// transaction: cheaper than one UPDATE … RETURNING, whose rows SQLite
	// gathers in a temporary table. The limit is "+?", not "?": SQLite
	// plans with the value bound to a bare "LIMIT ?" and so parses and
	// plans the statement again whenever that value changes, and the
	// crawl claims as many entries as it has room for, a different number
	// almost every time (BenchmarkClaim/room=varying; about 8 ms of CPU in
	// the 742-page crawl of linkbench). An expression as the limit is
	// evaluated, not planned with.
	sqlClaimRead = `SELECT f.seq, u.url, coalesce(d.url, ''), f.reason, f.depth, f.attempts, f.not_before
		FROM crawl_frontier f
		JOIN urls u ON u.id = f.url_id
		LEFT JOIN urls d ON d.id = f.from_id
		WHERE f.run_id = ? AND f.state = 'queued' AND f.not_before <= ?
		ORDER BY f.depth, f.seq LIMIT +?`
	sqlClaimMark = `UPDATE crawl_frontier SET state = 'claimed' WHERE seq IN (SELECT value FROM json_each(?))`
	sqlFinish    = `UPDATE crawl_frontier SET state = ?, reason = ?
		WHERE run_id = ? AND url_id = (SELECT id FROM urls WHERE url = ?)`
	sqlRetry = `UPDATE crawl_frontier
		SET state = 'queued', not_before = ?, reason = ?, attempts = attempts + 1
		WHERE run_id = ? AND url_id = (SELECT id FROM urls WHERE url = ?)`
	sqlSkip = `INSERT INTO crawl_frontier
		(run_id, url_id, state, reason, depth, from_id, attempts, not_before)
		VALUES (?, ?, 'skipped', ?, ?, ?, ?, ?) ON CONFLICT (run_id, url_id) DO NOTHING`
)

// Enqueue adds entries in state queued; URLs already in the run's frontier
// (in any state) are left as they are. It returns how many were new. All
// entries are added in one transaction. An entry whose State is
// archive.FrontierSkipped is recorded as Skip records it (and not counted),
// so that a page's skipped URLs can share its transaction.
func (s *Store) Enqueue(ctx context.Context, runID int64, entries []archive.FrontierEntry) (int, error) {
	if len(entries) == 0 {
		return 0, nil
	}
	added := 0
	in := &interned{}
	err := s.write(ctx, func(tx *sql.Tx) error {
		in.reset()
		var err error
		added, err = s.enqueueTx(ctx, tx, in, runID, entries)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue in run %d: %w", runID, err)
	}
	s.cache.add(in)
	return added, nil
}

// enqueueTx is Enqueue inside the write transaction tx.
func (s *Store) enqueueTx(ctx context.Context, tx *sql.Tx, in *interned, runID int64, entries []archive.FrontierEntry) (int, error) {
	if len(entries) == 0 {
		return 0, nil
	}
	var enqueue, skip *sql.Stmt
	added := 0
	for _, e := range entries {
		if e.URL == "" {
			return 0, fmt.Errorf("empty URL (discovered from %q)", e.DiscoveredFrom)
		}
		st := &enqueue
		q := sqlEnqueue
		if e.State == archive.FrontierSkipped {
			st, q = &skip, sqlSkip
		}
		if *st == nil {
			var err error
			if *st, err = s.txStmt(ctx, tx, q); err != nil {
				return 0, err
			}
		}
		n, err := s.insertEntry(ctx, tx, in, *st, runID, e)
		if err != nil {
			return 0, err
		}
		if st == &enqueue {
			added += int(n)
		}
	}
	return added, nil
}

// insertEntry inserts e into the run's frontier with st (sqlEnqueue or
// sqlSkip) and returns how many rows it added (0: the URL was there).
func (s *Store) insertEntry(ctx context.Context, tx *sql.Tx, in *interned, st *sql.Stmt, runID int64, e archive.FrontierEntry) (int64, error) {
	id, err := s.urlID(ctx, tx, in, e.URL)
	if err != nil {
		return 0, err
	}
	from, err := s.optionalURLID(ctx, tx, in, e.DiscoveredFrom, "")
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(ctx, runID, id, e.Reason, e.Depth, from, e.Attempts, timeText(e.NotBefore))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Claim moves up to n queued entries whose NotBefore has passed at now to
// state claimed and returns them, shallowest first and, within a depth, in
// the order they were discovered. The move is one transaction: an entry is
// claimed by one caller only, and a claimed entry stays claimed, even
// across a crash, until Finish, Retry or Release.
func (s *Store) Claim(ctx context.Context, runID int64, n int, now time.Time) ([]archive.FrontierEntry, error) {
	if n <= 0 {
		return nil, nil
	}
	var got []archive.FrontierEntry
	err := s.write(ctx, func(tx *sql.Tx) error {
		got = got[:0]
		read, err := s.txStmt(ctx, tx, sqlClaimRead)
		if err != nil {
			return err
		}
		rows, err := read.QueryContext(ctx, runID, timeText(now), n)
		if err != nil {
			return err
		}
		defer rows.Close()
		seqs := make([]byte, 0, 16*n)
		seqs = append(seqs, '[')
		for rows.Next() {
			e := archive.FrontierEntry{RunID: runID, State: archive.FrontierClaimed}
			var seq int64
			var nb string
			if err := rows.Scan(&seq, &e.URL, &e.DiscoveredFrom, &e.Reason, &e.Depth, &e.Attempts, &nb); err != nil {
				return err
			}
			if e.NotBefore, err = parseTime(nb); err != nil {
				return err
			}
			if len(got) > 0 {
				seqs = append(seqs, ',')
			}
			seqs = strconv.AppendInt(seqs, seq, 10)
			got = append(got, e)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if len(got) == 0 {
			return nil
		}
		mark, err := s.txStmt(ctx, tx, sqlClaimMark)
		if err != nil {
			return err
		}
		res, err := mark.ExecContext(ctx, string(append(seqs, ']')))
		if err != nil {
			return err
		}
		m, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if m != int64(len(got)) {
			return fmt.Errorf("marked %d of the %d entries read as claimed", m, len(got))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim from run %d: %w", runID, err)
	}
	return got, nil
}

// Finish moves an entry to done or skipped with a reason. It returns
// archive.ErrNotFound if the URL is not in the run's frontier.
func (s *Store) Finish(ctx context.Context, runID int64, url string, state archive.FrontierState, reason string) error {
	if state != archive.FrontierDone && state != archive.FrontierSkipped {
		return fmt.Errorf("finish %s in run %d: state %q is not done or skipped", url, runID, state)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		return s.finishTx(ctx, tx, runID, url, state, reason)
	})
	if err != nil {
		return fmt.Errorf("finish %s in run %d: %w", url, runID, err)
	}
	return nil
}

// finishTx is Finish inside the write transaction tx.
func (s *Store) finishTx(ctx context.Context, tx *sql.Tx, runID int64, url string, state archive.FrontierState, reason string) error {
	return s.execOneTx(ctx, tx, sqlFinish, string(state), reason, runID, url)
}

// execOneTx runs the write statement query with args inside the write
// transaction tx; it returns archive.ErrNotFound unless it changed a row.
func (s *Store) execOneTx(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	st, err := s.txStmt(ctx, tx, query)
	if err != nil {
		return err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return err
	}
	return mustAffect(res)
}

// Retry puts an entry back in the queue, not to be claimed before
// notBefore, records the reason and counts the attempt. It returns
// archive.ErrNotFound if the URL is not in the run's frontier.
func (s *Store) Retry(ctx context.Context, runID int64, url string, notBefore time.Time, reason string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		return s.retryTx(ctx, tx, runID, url, notBefore, reason)
	})
	if err != nil {
		return fmt.Errorf("retry %s in run %d: %w", url, runID, err)
	}
	return nil
}

// retryTx is Retry inside the write transaction tx.
func (s *Store) retryTx(ctx context.Context, tx *sql.Tx, runID int64, url string, notBefore time.Time, reason string) error {
	return s.execOneTx(ctx, tx, sqlRetry, timeText(notBefore), reason, runID, url)
}

// Release puts every claimed entry of the run back in the queue and returns
// how many there were. Call it when resuming a run whose crawler died.
func (s *Store) Release(ctx context.Context, runID int64) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE crawl_frontier SET state = 'queued' WHERE run_id = ? AND state = 'claimed'`, runID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("release claims of run %d: %w", runID, err)
	}
	return int(n), nil
}

// Pending counts the run's queued and claimed entries, and returns the
// earliest NotBefore among the queued entries that have one (zero if none
// has). When Claim returns nothing but queued is not zero, the crawler can
// wait until next.
func (s *Store) Pending(ctx context.Context, runID int64) (queued, claimed int, next time.Time, err error) {
	err = s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx,
			`SELECT count(*) FROM crawl_frontier WHERE run_id = ? AND state = 'queued'`, runID).Scan(&queued); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx,
			`SELECT count(*) FROM crawl_frontier WHERE run_id = ? AND state = 'claimed'`, runID).Scan(&claimed); err != nil {
			return err
		}
		var nb sql.NullString
		if err := tx.QueryRowContext(ctx,
			`SELECT min(not_before) FROM crawl_frontier WHERE run_id = ? AND state = 'queued' AND not_before <> ''`, runID).Scan(&nb); err != nil {
			return err
		}
		var err error
		next, err = parseTime(nb.String)
		return err
	})
	if err != nil {
		return 0, 0, time.Time{}, fmt.Errorf("pending of run %d: %w", runID, err)
	}
	return queued, claimed, next, nil
}

// Skip records a URL that will not be fetched, with the reason in e.Reason,
// as an entry in state skipped, unless the URL is already in the run's
// frontier.
func (s *Store) Skip(ctx context.Context, runID int64, e archive.FrontierEntry) error {
	if e.URL == "" {
		return fmt.Errorf("skip in run %d: empty URL", runID)
	}
	in := &interned{}
	err := s.write(ctx, func(tx *sql.Tx) error {
		in.reset()
		st, err := s.txStmt(ctx, tx, sqlSkip)
		if err != nil {
			return err
		}
		_, err = s.insertEntry(ctx, tx, in, st, runID, e)
		return err
	})
	if err != nil {
		return fmt.Errorf("skip %s in run %d: %w", e.URL, runID, err)
	}
	s.cache.add(in)
	return nil
}

// FrontierEntries calls fn for each entry of the run's frontier in the given
// state ("" for every state), in order of discovery, streaming them from
// one read transaction. It stops at and returns the first error of fn.
func (s *Store) FrontierEntries(ctx context.Context, runID int64, state archive.FrontierState, fn func(archive.FrontierEntry) error) error {
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT u.url, f.state, f.reason, f.depth, coalesce(d.url, ''), f.attempts, f.not_before
			FROM crawl_frontier f JOIN urls u ON u.id = f.url_id LEFT JOIN urls d ON d.id = f.from_id
			WHERE f.run_id = ? AND (? = '' OR f.state = ?) ORDER BY f.seq`,
			runID, string(state), string(state))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e := archive.FrontierEntry{RunID: runID}
			var st, nb string
			if err := rows.Scan(&e.URL, &st, &e.Reason, &e.Depth, &e.DiscoveredFrom, &e.Attempts, &nb); err != nil {
				return err
			}
			e.State = archive.FrontierState(st)
			if e.NotBefore, err = parseTime(nb); err != nil {
				return err
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("frontier of run %d: %w", runID, err)
	}
	return nil
}

// FrontierCounts returns how many entries of the run's frontier are in each
// state.
func (s *Store) FrontierCounts(ctx context.Context, runID int64) (map[archive.FrontierState]int, error) {
	counts := map[archive.FrontierState]int{}
	rows, err := s.rdb.QueryContext(ctx,
		`SELECT state, count(*) FROM crawl_frontier WHERE run_id = ? GROUP BY state`, runID)
	if err != nil {
		return nil, fmt.Errorf("frontier counts of run %d: %w", runID, classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("frontier counts of run %d: %w", runID, err)
		}
		counts[archive.FrontierState(st)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("frontier counts of run %d: %w", runID, classify(err))
	}
	return counts, nil
}

// SkippedByReason returns how many URLs the run skipped, by reason.
func (s *Store) SkippedByReason(ctx context.Context, runID int64) (map[string]int, error) {
	var m map[string]int
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = skippedByReason(ctx, tx, runID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("skipped of run %d: %w", runID, err)
	}
	return m, nil
}

func skippedByReason(ctx context.Context, tx *sql.Tx, runID int64) (map[string]int, error) {
	m := map[string]int{}
	rows, err := tx.QueryContext(ctx,
		`SELECT reason, count(*) FROM crawl_frontier WHERE run_id = ? AND state = 'skipped' GROUP BY reason ORDER BY reason`, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var reason string
		var n int
		if err := rows.Scan(&reason, &n); err != nil {
			return nil, err
		}
		m[reason] = n
	}
	return m, rows.Err()
}
