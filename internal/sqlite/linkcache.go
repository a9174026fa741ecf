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

var _ archive.LinkCache = (*Store)(nil)

// LinkVerdict returns the cached live verdict for url if it has not expired
// at now, or archive.ErrNotFound.
func (s *Store) LinkVerdict(ctx context.Context, url string, now time.Time) (archive.LinkVerdict, error) {
	var v archive.LinkVerdict
	err := s.read(ctx, func(tx *sql.Tx) error {
		var redirects, ids, checked, expires string
		var retry int64
		var hasIDs int
		err := tx.QueryRowContext(ctx, `SELECT url, verdict, status, final_url, redirects, method, attempts,
			detail, retry_after_ns, title, ids, has_ids, checked_at, expires_at
			FROM link_verdicts WHERE url = ? AND expires_at > ?`, url, timeText(now)).
			Scan(&v.URL, &v.Verdict, &v.Status, &v.FinalURL, &redirects, &v.Method, &v.Attempts,
				&v.Detail, &retry, &v.Title, &ids, &hasIDs, &checked, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return archive.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("read link verdict %s: %w", url, err)
		}
		if err := json.Unmarshal([]byte(redirects), &v.Redirects); err != nil {
			return fmt.Errorf("link verdict %s: redirects: %w", url, err)
		}
		if err := json.Unmarshal([]byte(ids), &v.IDs); err != nil {
			return fmt.Errorf("link verdict %s: ids: %w", url, err)
		}
		v.RetryAfter, v.HasIDs = time.Duration(retry), hasIDs == 1
		if v.CheckedAt, err = parseTime(checked); err != nil {
			return err
		}
		v.ExpiresAt, err = parseTime(expires)
		return err
	})
	return v, err
}

// PutLinkVerdict stores v, replacing any earlier verdict for v.URL.
func (s *Store) PutLinkVerdict(ctx context.Context, v archive.LinkVerdict) error {
	if v.URL == "" || v.Verdict == "" || v.CheckedAt.IsZero() || v.ExpiresAt.IsZero() {
		return fmt.Errorf("put link verdict: url, verdict, checked and expiry times are required")
	}
	redirects, err := json.Marshal(v.Redirects)
	if err != nil {
		return fmt.Errorf("put link verdict %s: %w", v.URL, err)
	}
	ids, err := json.Marshal(v.IDs)
	if err != nil {
		return fmt.Errorf("put link verdict %s: %w", v.URL, err)
	}
	hasIDs := 0
	if v.HasIDs {
		hasIDs = 1
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO link_verdicts (url, verdict, status, final_url, redirects,
			method, attempts, detail, retry_after_ns, title, ids, has_ids, checked_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (url) DO UPDATE SET verdict = excluded.verdict, status = excluded.status,
			final_url = excluded.final_url, redirects = excluded.redirects, method = excluded.method,
			attempts = excluded.attempts, detail = excluded.detail, retry_after_ns = excluded.retry_after_ns,
			title = excluded.title, ids = excluded.ids, has_ids = excluded.has_ids,
			checked_at = excluded.checked_at, expires_at = excluded.expires_at`,
			v.URL, v.Verdict, v.Status, v.FinalURL, string(redirects), v.Method, v.Attempts, v.Detail,
			int64(v.RetryAfter), v.Title, string(ids), hasIDs, timeText(v.CheckedAt), timeText(v.ExpiresAt))
		if err != nil {
			return fmt.Errorf("put link verdict %s: %w", v.URL, err)
		}
		return nil
	})
}

// PruneLinkVerdicts removes the verdicts expired at now and returns how
// many were removed.
func (s *Store) PruneLinkVerdicts(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM link_verdicts WHERE expires_at <= ?`, timeText(now))
		if err != nil {
			return fmt.Errorf("prune link verdicts: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
