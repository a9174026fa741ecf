package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

var _ archive.RunStore = (*Store)(nil)

// CreateRun stores a new run in state running and returns its id. It uses
// r.Seeds, r.Config and r.StartedAt; the other fields are ignored.
func (s *Store) CreateRun(ctx context.Context, r archive.Run) (int64, error) {
	if r.StartedAt.IsZero() {
		return 0, errors.New("create run: start time is zero")
	}
	seeds, err := json.Marshal(r.Seeds)
	if err != nil {
		return 0, fmt.Errorf("create run: %w", err)
	}
	var id int64
	err = s.write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx,
			`INSERT INTO runs (seeds, config, started_at, status) VALUES (?, ?, ?, ?) RETURNING id`,
			string(seeds), r.Config, timeText(r.StartedAt), string(archive.RunRunning)).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("create run: %w", err)
	}
	return id, nil
}

// FinishRun sets the run's final status, counts and finish time. It returns
// archive.ErrNotFound for an unknown run.
func (s *Store) FinishRun(ctx context.Context, id int64, status archive.RunStatus, counts archive.RunCounts, at time.Time) error {
	switch status {
	case archive.RunComplete, archive.RunInterrupted, archive.RunFailed:
	default:
		return fmt.Errorf("finish run %d: status %q is not a final status", id, status)
	}
	cj, err := json.Marshal(counts)
	if err != nil {
		return fmt.Errorf("finish run %d: %w", id, err)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE runs SET status = ?, counts = ?, finished_at = ? WHERE id = ?`,
			string(status), string(cj), timeText(at), id)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("finish run %d: %w", id, err)
	}
	return nil
}

// ReopenRun puts a finished (interrupted or failed) run back in state
// running, clearing its finish time, so that a resumed crawl continues it.
// It returns archive.ErrNotFound for an unknown run.
func (s *Store) ReopenRun(ctx context.Context, id int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE runs SET status = ?, finished_at = '' WHERE id = ?`, string(archive.RunRunning), id)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("reopen run %d: %w", id, err)
	}
	return nil
}

const runColumns = `id, seeds, config, started_at, finished_at, status, counts`

func scanRun(row interface{ Scan(...any) error }) (archive.Run, error) {
	var (
		r                 archive.Run
		seeds, counts     string
		started, finished string
		status            string
	)
	if err := row.Scan(&r.ID, &seeds, &r.Config, &started, &finished, &status, &counts); err != nil {
		return r, err
	}
	r.Status = archive.RunStatus(status)
	var err error
	if r.StartedAt, err = parseTime(started); err != nil {
		return r, err
	}
	if r.FinishedAt, err = parseTime(finished); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(seeds), &r.Seeds); err != nil {
		return r, fmt.Errorf("run %d seeds: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(counts), &r.Counts); err != nil {
		return r, fmt.Errorf("run %d counts: %w", r.ID, err)
	}
	return r, nil
}

// Run returns one run, or archive.ErrNotFound.
func (s *Store) Run(ctx context.Context, id int64) (archive.Run, error) {
	r, err := scanRun(s.rdb.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs WHERE id = ?`, id))
	if err != nil {
		return r, fmt.Errorf("run %d: %w", id, notFound(classify(err)))
	}
	return r, nil
}

// Runs returns all runs, newest first.
func (s *Store) Runs(ctx context.Context) ([]archive.Run, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+runColumns+` FROM runs ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("runs: %w", classify(err))
	}
	defer rows.Close()
	var runs []archive.Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("runs: %w", err)
		}
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("runs: %w", classify(err))
	}
	return runs, nil
}

// LatestRun returns the newest run in any state, or archive.ErrNotFound if
// the archive has none.
func (s *Store) LatestRun(ctx context.Context) (archive.Run, error) {
	r, err := scanRun(s.rdb.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs ORDER BY id DESC LIMIT 1`))
	if err != nil {
		return r, fmt.Errorf("latest run: %w", notFound(classify(err)))
	}
	return r, nil
}

// LatestCompleteRun returns the newest run whose status is complete, or
// archive.ErrNotFound.
func (s *Store) LatestCompleteRun(ctx context.Context) (archive.Run, error) {
	r, err := scanRun(s.rdb.QueryRowContext(ctx,
		`SELECT `+runColumns+` FROM runs WHERE status = ? ORDER BY id DESC LIMIT 1`, string(archive.RunComplete)))
	if err != nil {
		return r, fmt.Errorf("latest complete run: %w", notFound(classify(err)))
	}
	return r, nil
}

// LiveCounts computes a run's counts from what the archive holds: captures
// by verdict (ok with a body new in this run: Captured; revisit or ok with a
// body stored before: Revisits; refused; error), skipped frontier entries by
// reason, and the body bytes received. Use it for runs that are still
// running or were killed before FinishRun recorded their counts.
func (s *Store) LiveCounts(ctx context.Context, runID int64) (archive.RunCounts, error) {
	c := archive.RunCounts{Skipped: map[string]int{}}
	err := s.read(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE id = ?`, runID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return archive.ErrNotFound
		}
		err := tx.QueryRowContext(ctx, `
			SELECT
				coalesce(sum(c.verdict = 'ok' AND (b.run_id IS NULL OR b.run_id = c.run_id)), 0),
				coalesce(sum(c.verdict = 'revisit' OR (c.verdict = 'ok' AND b.run_id <> c.run_id)), 0),
				coalesce(sum(c.verdict = 'refused'), 0),
				coalesce(sum(c.verdict = 'error'), 0),
				coalesce(sum(CASE WHEN c.verdict = 'revisit' THEN 0 ELSE c.size END), 0)
			FROM crawl_captures c LEFT JOIN crawl_captures rb ON rb.id = c.revisit_of
			LEFT JOIN bodies b ON b.sha256 = lower(hex(`+bodyColumn+`))
			WHERE c.run_id = ?`, runID).Scan(&c.Captured, &c.Revisits, &c.Refused, &c.Errors, &c.Bytes)
		if err != nil {
			return err
		}
		c.Skipped, err = skippedByReason(ctx, tx, runID)
		return err
	})
	if err != nil {
		return c, fmt.Errorf("counts of run %d: %w", runID, err)
	}
	return c, nil
}

// mustAffect turns an update or delete that matched no row into
// archive.ErrNotFound.
func mustAffect(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return archive.ErrNotFound
	}
	return nil
}

// notFound turns sql.ErrNoRows into archive.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return archive.ErrNotFound
	}
	return err
}
