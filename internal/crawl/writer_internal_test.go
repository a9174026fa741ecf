package crawl

import "github.com/archiver-dev/archiver/internal/sqlite"

// The archive writes the crawl's pages in batches: pageWrite and
// sqlite.CaptureWrite must stay the same type.
var _ batchWriter = (*sqlite.Store)(nil)
