// Package sqlite is the archive of archiver: runs, captures, content-addressed
// bodies, the crawl frontier and URL aliases in one SQLite file, written with
// modernc.org/sqlite (pure Go, no cgo). It is the only package that imports
// the driver.
//
// A Store opened with Open has one writer connection (WAL journal,
// BEGIN IMMEDIATE transactions, synchronous=NORMAL, foreign keys on, a busy
// timeout) and a separate pool of read-only connections, so that check and
// report can read while a crawl writes. OpenReadOnly opens only the reader
// pool. New archives get a page size of 8192 bytes, which doubles the speed of
// point reads of 50 KB bodies compared with SQLite's default of 4096.
//
// The schema is a sequence of embedded migrations (migrations/NNNN_name.sql)
// applied in order, each in its own transaction, and recorded in
// PRAGMA user_version and in the schema_migrations table. A database written
// by a newer archiver is refused with ErrSchemaTooNew.
//
// Bodies are stored once per SHA-256, compressed with zstd at its default
// level, and read back bit for bit: every read checks the length and the
// SHA-256 of the decompressed bytes. The codec was chosen by measurement
// (BenchmarkCodecs, on the HTML pages of ../shared/evaldata, per second of
// CPU time): zstd stores 19.7% of the raw size at 177 MB/s and reads at
// 570 MB/s (SHA-256 check included), where gzip -6 stores 20.2% at 134 MB/s
// and reads at 285 MB/s, and gzip -9 needs 31 MB/s for 19.6%. zstd's
// fastest level (WithCodec(CodecZstd, 1)) stores 20.7% at 280 MB/s, for
// crawls limited by CPU. Bodies that do not shrink (images, PDF) and empty
// bodies are stored as they are (codec identity).
//
// # What a capture costs
//
// A recrawl of an unchanged portal stores mostly revisits, so their rows
// are kept small (migration 0006): URLs are interned in the urls table and
// referred to by integer id (the URL requested and the final URL only when
// they differ from the one before them); the header fields that repeat
// from capture to capture are stored once as a header set (header_sets),
// and only the fields that vary by nature (Date, ETag, Last-Modified,
// If-None-Match, …) are kept in the row, an HTTP date as its Unix seconds
// (headers.go); the body is referred to by its 32-byte SHA-256; the fetch
// time is integer nanoseconds. Frontier entries and aliases refer to URLs
// by id too, and the frontier's claim indexes hold only queued and claimed
// entries. Every field still reads back exactly as it was written. The
// tables of 0001 (captures, frontier, aliases) are views with their old
// columns, headers excepted, for ad hoc SQL; the Store's queries use the
// crawl_captures, crawl_frontier and crawl_aliases tables. URLs and header
// sets are never deleted, so the Store caches the ids it has committed.
// BenchmarkPutCaptureAndEnqueue measures the write path and the bytes a
// revisit adds.
//
// # What a page costs
//
// A derived page is one row of pages: its structure as JSON, and its links
// (about a hundred on a portal's article) in one more column as compact
// JSON written and read by a hand-written codec (linkjson.go; migration
// 0007), not one row and one index entry a link. The view page_links
// unfolds them into the rows of the former table for ad hoc SQL.
// BenchmarkPutPage and BenchmarkReadPages measure storing and reading
// pages of a hundred links.
//
// # Adding queries for your own tables
//
// Other packages' tables (pages, findings, the link cache, the timeline) get
// their queries in their own file in this package, e.g. pages.go, and their
// schema in their own migration. Use the three helpers:
//
//   - s.write(ctx, func(tx *sql.Tx) error { … }) runs fn in one immediate
//     transaction on the single writer connection; fn's work is kept if fn
//     returns nil and undone otherwise, and SQLite's full-disk and busy
//     errors become ErrFull and ErrLocked. Concurrent writes are committed
//     as a group, each fn in its own savepoint of the shared transaction:
//     fn must not begin, commit or roll back transactions itself.
//   - s.read(ctx, func(tx *sql.Tx) error { … }) runs fn in one read-only
//     transaction (a consistent snapshot) on the reader pool.
//   - s.rdb is the reader pool itself, for single statements.
//   - s.txStmt(ctx, tx, query) gives a statement of a write transaction;
//     queries listed in hotWrites are prepared once at Open instead of
//     being parsed again in every transaction (worth it only for
//     statements run thousands of times per crawl).
//
// Store times with timeText and read them with parseTime (fixed-width UTC
// text that sorts as it compares), JSON with marshalJSON.
package sqlite
