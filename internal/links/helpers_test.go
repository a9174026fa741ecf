package links_test

import (
	"context"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

func mustAddr(t *testing.T, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// memCache is an in-memory archive.LinkCache for tests of the checker's
// caching logic; the SQLite cache has its own tests in internal/sqlite.
type memCache struct {
	mu sync.Mutex
	m  map[string]archive.LinkVerdict
}

func newMemCache() *memCache { return &memCache{m: map[string]archive.LinkVerdict{}} }

func (c *memCache) LinkVerdict(_ context.Context, url string, now time.Time) (archive.LinkVerdict, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[url]
	if !ok || !now.Before(v.ExpiresAt) {
		return archive.LinkVerdict{}, archive.ErrNotFound
	}
	return v, nil
}

func (c *memCache) PutLinkVerdict(_ context.Context, v archive.LinkVerdict) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[v.URL] = v
	return nil
}

func (c *memCache) PruneLinkVerdicts(_ context.Context, now time.Time) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for k, v := range c.m {
		if !now.Before(v.ExpiresAt) {
			delete(c.m, k)
			n++
		}
	}
	return n, nil
}

func (c *memCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
