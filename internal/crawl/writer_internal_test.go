package crawl

import "github.com/archiver-dev/archiver/internal/sqlite"

// The archive writes the crawl's pages in batches: *sqlite.Store must
// keep satisfying batchWriter, or the crawl falls back to a transaction
// per page without a word.
var _ batchWriter = (*sqlite.Store)(nil)
