package sqlite

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// A capture's request and response headers are stored in two parts (see
// migration 0006): the fields that repeat from capture to capture, as a
// header set stored once in header_sets and referenced by id, and the
// fields that vary by nature (ownFieldNames), inline in the capture row.
// Both encodings keep an http.Header exactly: the keys as written (not
// canonicalised), the order of the values, and a key whose value slice is
// nil apart from one whose slice is empty.

// ownFieldNames are the header keys stored inline with each capture: the
// fields whose values change from one response to the next (dates,
// validators, lengths, per-request ids and nonces, per-page links), which
// would make every header set unique. (A varying field missing here costs
// only space: each of its values makes a new header set.) The position in this list (plus one) is the field's code in
// encodeOwnFields: append new names, never reorder or remove one.
var ownFieldNames = [...]string{
	"Date", "Last-Modified", "Etag", "If-None-Match", "If-Modified-Since",
	"Content-Length", "Expires", "Age", "Set-Cookie", "X-Request-Id",
	"Cf-Ray", "X-Amz-Cf-Id", "X-Amz-Request-Id", "X-Served-By", "X-Timer",
	"Content-Md5", "Content-Range", "Retry-After", "Location", "Cache-Control",
	"X-Varnish", "X-Runtime", "X-Response-Time", "Server-Timing", "X-Trace-Id",
	"Traceparent", "X-B3-Traceid", "X-Correlation-Id", "Request-Id", "X-Akamai-Request-Id",
	"Content-Security-Policy", "Content-Security-Policy-Report-Only", "Link",
	"Content-Disposition", "Content-Location", "Last-Event-Id", "X-Cache-Hits",
}

// ownFieldCode returns the code of an inline field, 0 if key is not one.
func ownFieldCode(key string) int {
	for i, n := range ownFieldNames {
		if n == key {
			return i + 1
		}
	}
	return 0
}

// splitHeader splits h into the part stored as a header set and the
// inline part (nil when h has no inline field).
func splitHeader(h http.Header) (shared, own http.Header) {
	shared = make(http.Header, len(h))
	for k, v := range h {
		if ownFieldCode(k) != 0 {
			if own == nil {
				own = http.Header{}
			}
			own[k] = v
			continue
		}
		shared[k] = v
	}
	return shared, own
}

func sortedKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// appendValues appends a value slice: its length plus one (0 for a nil
// slice), then each value.
func appendValues(b []byte, vs []string, value func([]byte, string) []byte) []byte {
	if vs == nil {
		return binary.AppendUvarint(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(vs))+1)
	for _, v := range vs {
		b = value(b, v)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// encodeHeaderSet encodes a header set: the number of keys, then for each
// key in sorted order the key and its values, every string prefixed by its
// length. Equal headers give equal bytes, the key of header_sets.
func encodeHeaderSet(h http.Header) []byte {
	b := binary.AppendUvarint(nil, uint64(len(h)))
	for _, k := range sortedKeys(h) {
		b = appendString(b, k)
		b = appendValues(b, h[k], appendString)
	}
	return b
}

// appendOwnValue appends one inline value: uvarint 3, the code and the
// index of an equal value among ref's inline fields (a 304's ETag repeats
// the request's If-None-Match); else uvarint 1 and the Unix seconds (as a
// varint) for an HTTP date that formats back to the same text; else
// uvarint 2×len and the bytes.
func appendOwnValue(b []byte, v string, ref http.Header) []byte {
	for i, n := range ownFieldNames {
		for j, rv := range ref[n] {
			if rv == v {
				b = binary.AppendUvarint(b, 3)
				b = binary.AppendUvarint(b, uint64(i+1))
				return binary.AppendUvarint(b, uint64(j))
			}
		}
	}
	if len(v) == len(http.TimeFormat) {
		if t, err := time.Parse(http.TimeFormat, v); err == nil && t.Format(http.TimeFormat) == v {
			b = binary.AppendUvarint(b, 1)
			return binary.AppendVarint(b, t.Unix())
		}
	}
	b = binary.AppendUvarint(b, uint64(len(v))*2)
	return append(b, v...)
}

// encodeOwnFields encodes the inline fields of a header (keys from
// ownFieldNames only), in the order of their codes: each key as its code,
// then its values. Values may refer to ref, the request of a response
// (nil for a request). It returns nil for no field.
func encodeOwnFields(h, ref http.Header) []byte {
	if len(h) == 0 {
		return nil
	}
	codes := make([]int, 0, len(h))
	for k := range h {
		codes = append(codes, ownFieldCode(k))
	}
	slices.Sort(codes)
	value := func(b []byte, v string) []byte { return appendOwnValue(b, v, ref) }
	var b []byte
	for _, c := range codes {
		b = binary.AppendUvarint(b, uint64(c))
		b = appendValues(b, h[ownFieldNames[c-1]], value)
	}
	return b
}

var errHeaderEncoding = errors.New("malformed stored header")

// headerReader reads the encodings above, failing on anything malformed
// or truncated instead of panicking.
type headerReader struct {
	b   []byte
	err error
}

func (r *headerReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errHeaderEncoding
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *headerReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errHeaderEncoding
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *headerReader) bytes(n uint64) string {
	if r.err != nil {
		return ""
	}
	if n > uint64(len(r.b)) {
		r.err = errHeaderEncoding
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// values reads a value slice written by appendValues, each value with fn.
func (r *headerReader) values(fn func() string) []string {
	n := r.uvarint()
	if n == 0 || r.err != nil {
		return nil
	}
	n--
	if n > uint64(len(r.b)) { // every value takes at least one byte
		r.err = errHeaderEncoding
		return nil
	}
	vs := make([]string, 0, n)
	for range n {
		vs = append(vs, fn())
	}
	return vs
}

// decodeHeaderSet decodes encodeHeaderSet's bytes into h.
func decodeHeaderSet(b []byte, h http.Header) error {
	r := headerReader{b: b}
	n := r.uvarint()
	if n > uint64(len(b)) {
		return errHeaderEncoding
	}
	str := func() string { return r.bytes(r.uvarint()) }
	for range n {
		k := str()
		vs := r.values(str)
		if r.err != nil {
			break
		}
		h[k] = vs
	}
	if r.err == nil && len(r.b) != 0 {
		r.err = errHeaderEncoding
	}
	if r.err != nil {
		return fmt.Errorf("header set: %w", r.err)
	}
	return nil
}

// decodeOwnFields decodes encodeOwnFields's bytes into h; ref is the
// header the values may refer to (the request of a response).
func decodeOwnFields(b []byte, h, ref http.Header) error {
	r := headerReader{b: b}
	value := func() string {
		tag := r.uvarint()
		switch {
		case r.err != nil:
			return ""
		case tag == 1:
			return time.Unix(r.varint(), 0).UTC().Format(http.TimeFormat)
		case tag == 3:
			code, i := r.uvarint(), r.uvarint()
			if r.err == nil && code >= 1 && code <= uint64(len(ownFieldNames)) {
				if vs := ref[ownFieldNames[code-1]]; i < uint64(len(vs)) {
					return vs[i]
				}
			}
			r.err = errHeaderEncoding
			return ""
		case tag%2 == 0:
			return r.bytes(tag / 2)
		}
		r.err = errHeaderEncoding
		return ""
	}
	for len(r.b) > 0 && r.err == nil {
		c := r.uvarint()
		if c == 0 || c > uint64(len(ownFieldNames)) {
			r.err = errHeaderEncoding
			break
		}
		vs := r.values(value)
		if r.err == nil {
			h[ownFieldNames[c-1]] = vs
		}
	}
	if r.err != nil {
		return fmt.Errorf("inline header fields: %w", r.err)
	}
	return nil
}
