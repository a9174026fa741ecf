package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one schema step, migrations/NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

var migrationName = regexp.MustCompile(`^([0-9]{4})_([a-z0-9_]+)\.sql$`)

// migrations returns the embedded migrations in order. Version numbers must
// be unique; they need not be contiguous.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	seen := map[int]string{}
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration file %q: want NNNN_name.sql", e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		if v == 0 {
			return nil, fmt.Errorf("migration file %q: version 0 is reserved for an empty database", e.Name())
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %q and %q have the same version %d", other, e.Name(), v)
		}
		seen[v] = e.Name()
		body, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: m[2], sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// SchemaVersion returns the newest schema version this archiver knows.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrate applies, in order, each migration newer than the database's
// PRAGMA user_version, each in its own transaction together with its record
// in schema_migrations and the new user_version. A crash between two
// migrations leaves the database at the last one completed.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	return s.migrateWith(ctx, ms)
}

// migrateWith applies ms, which must be in order of version.
func (s *Store) migrateWith(ctx context.Context, ms []migration) error {
	latest := 0
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	for _, m := range ms {
		err := s.write(ctx, func(tx *sql.Tx) error {
			var cur int
			if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&cur); err != nil {
				return err
			}
			if cur > latest {
				return fmt.Errorf("%w: the archive is at version %d, this archiver knows up to %d; use a newer archiver", ErrSchemaTooNew, cur, latest)
			}
			if cur >= m.version {
				return nil // applied earlier, or by another process meanwhile
			}
			if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version    INTEGER PRIMARY KEY,
				name       TEXT NOT NULL,
				applied_at TEXT NOT NULL)`); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, timeText(time.Now())); err != nil {
				return err
			}
			// PRAGMA takes no parameters; the version is an integer we parsed.
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	if len(ms) == 0 {
		return nil
	}
	// A database newer than every migration is refused even when no
	// migration ran.
	var cur int
	if err := s.wdb.QueryRowContext(ctx, "PRAGMA user_version").Scan(&cur); err != nil {
		return fmt.Errorf("migrate: %w", classify(err))
	}
	if cur > latest {
		return fmt.Errorf("%w: the archive is at version %d, this archiver knows up to %d; use a newer archiver", ErrSchemaTooNew, cur, latest)
	}
	return nil
}

// checkVersion compares a read-only database's schema version with ours.
func (s *Store) checkVersion(ctx context.Context) error {
	var cur int
	if err := s.rdb.QueryRowContext(ctx, "PRAGMA user_version").Scan(&cur); err != nil {
		return classify(err)
	}
	latest := SchemaVersion()
	switch {
	case cur > latest:
		return fmt.Errorf("%w: the archive is at version %d, this archiver knows up to %d; use a newer archiver", ErrSchemaTooNew, cur, latest)
	case cur == 0:
		return fmt.Errorf("%w: the file has no archive schema (is it an archiver database?)", ErrSchemaTooOld)
	case cur < latest:
		return fmt.Errorf("%w: the archive is at version %d, this archiver at %d; run a writing command (such as crawl) once to migrate it", ErrSchemaTooOld, cur, latest)
	}
	return nil
}
