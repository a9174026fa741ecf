package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"sync"
)

// The statements that intern URLs and header sets (see hotWrites).
const (
	sqlURLID        = `SELECT id FROM urls WHERE url = ?`
	sqlInsertURL    = `INSERT INTO urls (url) VALUES (?) ON CONFLICT (url) DO NOTHING`
	sqlHeaderSetID  = `SELECT id FROM header_sets WHERE data = ?`
	sqlInsertHeader = `INSERT INTO header_sets (data) VALUES (?)`
	sqlPeerID       = `SELECT id FROM peers WHERE proto = ? AND remote_addr = ?`
	sqlInsertPeer   = `INSERT INTO peers (proto, remote_addr) VALUES (?, ?)`
)

// maxCachedURLs bounds the URL ids a Store remembers (about 150 bytes
// each); past it the cache starts over.
const maxCachedURLs = 1 << 19

// maxCachedSets bounds the header sets and peers a Store remembers: there
// are few of them, unless a server sends a varying header that
// ownFieldNames does not know.
const maxCachedSets = 1 << 14

// internCache remembers the ids of URLs and header sets that are committed
// to the archive (rows of urls and header_sets are never deleted or
// changed, so a committed id stays right), and the decoded header sets, so
// that the write path of a crawl, which meets the same URLs and header sets
// again and again, rarely has to look them up.
type internCache struct {
	mu      sync.Mutex
	urls    map[string]int64
	sets    map[string]int64 // encodeHeaderSet bytes → id
	peers   map[string]int64 // proto + "\x00" + remote address → id
	decoded map[int64]http.Header
	// known weighs the last URL lookups that missed the cache: above 0,
	// most found the URL already in the archive (see urlID).
	known int
	// bodiesKnown weighs the last bodies whose presence in the archive was
	// learned: above 0, most were there already (see compressBodies).
	bodiesKnown int
}

// expectKnown reports whether the next URL the cache does not know is
// more likely in the archive already than new.
func (c *internCache) expectKnown() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.known > 0
}

// sawURL records whether a URL missing from the cache was in the archive.
func (c *internCache) sawURL(known bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case known && c.known < 16:
		c.known++
	case !known && c.known > -16:
		c.known--
	}
}

// expectStoredBodies reports whether the next bodies to store are more
// likely in the archive already than new.
func (c *internCache) expectStoredBodies() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bodiesKnown > 0
}

// sawBodies records how many bodies were found in the archive already and
// how many were new to it.
func (c *internCache) sawBodies(known, fresh int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bodiesKnown = max(-16, min(16, c.bodiesKnown+known-fresh))
}

func newInternCache() *internCache {
	return &internCache{urls: map[string]int64{}, sets: map[string]int64{}, peers: map[string]int64{}, decoded: map[int64]http.Header{}}
}

func (c *internCache) url(u string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.urls[u]
	return id, ok
}

func (c *internCache) set(data []byte) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.sets[string(data)]
	return id, ok
}

func (c *internCache) peer(key string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.peers[key]
	return id, ok
}

// add remembers the ids a write transaction used, once it has committed.
func (c *internCache) add(in *interned) {
	if in == nil || len(in.urls)+len(in.sets)+len(in.peers) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.urls)+len(in.urls) > maxCachedURLs {
		clear(c.urls)
	}
	maps.Copy(c.urls, in.urls)
	if len(c.peers)+len(in.peers) > maxCachedSets {
		clear(c.peers)
	}
	if len(c.sets)+len(in.sets) > maxCachedSets {
		clear(c.sets)
	}
	maps.Copy(c.sets, in.sets)
	maps.Copy(c.peers, in.peers)
}

// headerSet returns a copy of the decoded header set id, decoding data the
// first time.
func (c *internCache) headerSet(id int64, data []byte) (http.Header, error) {
	c.mu.Lock()
	h, ok := c.decoded[id]
	c.mu.Unlock()
	if !ok {
		h = http.Header{}
		if err := decodeHeaderSet(data, h); err != nil {
			return nil, err
		}
		c.mu.Lock()
		if len(c.decoded) < maxCachedSets {
			c.decoded[id] = h
		}
		c.mu.Unlock()
	}
	out := make(http.Header, len(h)+4)
	for k, v := range h {
		if v != nil {
			v = append([]string{}, v...)
		}
		out[k] = v
	}
	return out, nil
}

// interned collects the ids one write transaction looked up or created;
// the caller hands them to the cache after the transaction committed.
type interned struct {
	urls  map[string]int64
	sets  map[string]int64
	peers map[string]int64
}

func (in *interned) reset() {
	clear(in.urls)
	clear(in.sets)
	clear(in.peers)
}

// urlID returns the id of u in urls, adding it if it is new, inside the
// write transaction tx.
func (s *Store) urlID(ctx context.Context, tx *sql.Tx, in *interned, u string) (int64, error) {
	if id, ok := s.cache.url(u); ok {
		return id, nil
	}
	if id, ok := in.urls[u]; ok {
		return id, nil
	}
	// A URL the cache does not know is new to the archive during a first
	// crawl and known during a recrawl whose process has just started:
	// urlID tries first what the last lookups found, so that it usually
	// needs one statement (an insert, or a select), not two.
	var id int64
	found := false
	if s.cache.expectKnown() {
		var err error
		if id, found, err = s.lookupURLID(ctx, tx, u); err != nil {
			return 0, err
		}
	}
	if !found {
		st, err := s.txStmt(ctx, tx, sqlInsertURL)
		if err != nil {
			return 0, err
		}
		// Exec and LastInsertId, not RETURNING: SQLite gathers the rows
		// a RETURNING clause returns in a temporary table, which costs
		// more than the insert.
		res, err := st.ExecContext(ctx, u)
		if err != nil {
			return 0, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		if n == 1 {
			if id, err = res.LastInsertId(); err != nil {
				return 0, err
			}
			s.cache.sawURL(false)
		} else { // already there
			if id, found, err = s.lookupURLID(ctx, tx, u); err != nil {
				return 0, err
			}
			if !found {
				return 0, fmt.Errorf("url %q: neither inserted nor found", u)
			}
			s.cache.sawURL(true)
		}
	} else {
		s.cache.sawURL(true)
	}
	if in.urls == nil {
		in.urls = map[string]int64{}
	}
	in.urls[u] = id
	return id, nil
}

// optionalURLID is urlID, or nil (SQL NULL) when u equals same.
func (s *Store) optionalURLID(ctx context.Context, tx *sql.Tx, in *interned, u, same string) (any, error) {
	if u == same {
		return nil, nil
	}
	return s.urlID(ctx, tx, in, u)
}

// lookupURLID returns the id of u if urls holds it, without adding it.
func (s *Store) lookupURLID(ctx context.Context, tx *sql.Tx, u string) (int64, bool, error) {
	if id, ok := s.cache.url(u); ok {
		return id, true, nil
	}
	st, err := s.txStmt(ctx, tx, sqlURLID)
	if err != nil {
		return 0, false, err
	}
	var id int64
	err = st.QueryRowContext(ctx, u).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return id, true, nil
}

// headerSetID returns the id of the header set encoded as data, adding it
// if it is new, inside the write transaction tx.
func (s *Store) headerSetID(ctx context.Context, tx *sql.Tx, in *interned, data []byte) (int64, error) {
	if id, ok := s.cache.set(data); ok {
		return id, nil
	}
	if id, ok := in.sets[string(data)]; ok {
		return id, nil
	}
	st, err := s.txStmt(ctx, tx, sqlHeaderSetID)
	if err != nil {
		return 0, err
	}
	var id int64
	err = st.QueryRowContext(ctx, data).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		id, err = s.insertID(ctx, tx, sqlInsertHeader, data)
	}
	if err != nil {
		return 0, err
	}
	if in.sets == nil {
		in.sets = map[string]int64{}
	}
	in.sets[string(data)] = id
	return id, nil
}

// peerID returns the id of a response's protocol and remote address in
// peers, adding them if they are new, inside the write transaction tx; nil
// (SQL NULL) when both are empty (no response).
func (s *Store) peerID(ctx context.Context, tx *sql.Tx, in *interned, proto, addr string) (any, error) {
	if proto == "" && addr == "" {
		return nil, nil
	}
	key := proto + "\x00" + addr
	if id, ok := s.cache.peer(key); ok {
		return id, nil
	}
	if id, ok := in.peers[key]; ok {
		return id, nil
	}
	st, err := s.txStmt(ctx, tx, sqlPeerID)
	if err != nil {
		return nil, err
	}
	var id int64
	err = st.QueryRowContext(ctx, proto, addr).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		id, err = s.insertID(ctx, tx, sqlInsertPeer, proto, addr)
	}
	if err != nil {
		return nil, err
	}
	if in.peers == nil {
		in.peers = map[string]int64{}
	}
	in.peers[key] = id
	return id, nil
}

// storedHeader is a header prepared for storage: the id of its header set
// is looked up in the write transaction.
type storedHeader struct {
	nil_ bool   // a nil header: both columns NULL
	set  []byte // encodeHeaderSet of the shared fields
	own  []byte // encodeOwnFields of the inline fields, nil if none
}

// prepareHeader prepares h for storage; its inline values may refer to
// ref, the request of a response (nil for a request).
func prepareHeader(h, ref http.Header) storedHeader {
	if h == nil {
		return storedHeader{nil_: true}
	}
	shared, own := splitHeader(h)
	return storedHeader{set: encodeHeaderSet(shared), own: encodeOwnFields(own, ref)}
}

// headerArgs returns the values of a header's set and own columns,
// adding its header set to the archive if it is new.
func (s *Store) headerArgs(ctx context.Context, tx *sql.Tx, in *interned, h storedHeader) (set, own any, err error) {
	if h.nil_ {
		return nil, nil, nil
	}
	id, err := s.headerSetID(ctx, tx, in, h.set)
	if err != nil {
		return nil, nil, err
	}
	if h.own != nil {
		own = h.own
	}
	return id, own, nil
}

// insertID runs an INSERT of one row in the write transaction tx and
// returns the new row's id (see urlID for why not RETURNING).
func (s *Store) insertID(ctx context.Context, tx *sql.Tx, query string, args ...any) (int64, error) {
	st, err := s.txStmt(ctx, tx, query)
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}
