package sqlite

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Codec names how a body is compressed in the archive.
type Codec string

// The codecs of stored bodies.
const (
	CodecZstd     Codec = "zstd"     // Zstandard (the default for new bodies)
	CodecGzip     Codec = "gzip"     // gzip (RFC 1952)
	CodecIdentity Codec = "identity" // stored as is: empty bodies, and bodies compression does not shrink
)

// maxBodySize bounds the decompressed size of one stored body (1 GiB), so
// that a damaged row cannot make a read allocate without limit.
const maxBodySize = 1 << 30

// codec compresses and decompresses bodies. One belongs to each Store; its
// zstd encoder and decoder are safe for concurrent EncodeAll/DecodeAll.
type codec struct {
	write Codec
	level int
	zenc  *zstd.Encoder
	zdec  *zstd.Decoder
	gzw   sync.Pool // *gzip.Writer at level
}

func newCodec(write Codec, level int) (*codec, error) {
	c := &codec{write: write, level: level}
	zlevel := zstd.SpeedDefault
	if write == CodecZstd && level != 0 {
		zlevel = zstd.EncoderLevelFromZstd(level)
	}
	var err error
	c.zenc, err = zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zlevel),
		zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)),
		zstd.WithEncoderCRC(true))
	if err != nil {
		return nil, fmt.Errorf("zstd encoder: %w", err)
	}
	c.zdec, err = zstd.NewReader(nil,
		zstd.WithDecoderConcurrency(0),
		zstd.WithDecoderMaxMemory(maxBodySize))
	if err != nil {
		c.zenc.Close()
		return nil, fmt.Errorf("zstd decoder: %w", err)
	}
	if write == CodecGzip {
		if level == 0 {
			c.level = gzip.DefaultCompression
		}
		if _, err := gzip.NewWriterLevel(io.Discard, c.level); err != nil {
			c.close()
			return nil, fmt.Errorf("gzip level %d: %w", level, err)
		}
	}
	return c, nil
}

func (c *codec) close() {
	c.zenc.Close()
	c.zdec.Close()
}

// encode compresses raw with the store's codec. Empty bodies, and bodies
// that do not shrink (JPEG, PDF, already compressed data), are stored as is.
func (c *codec) encode(raw []byte) (Codec, []byte, error) {
	if len(raw) == 0 || c.write == CodecIdentity {
		return CodecIdentity, raw, nil
	}
	var out []byte
	switch c.write {
	case CodecZstd:
		out = c.zenc.EncodeAll(raw, make([]byte, 0, len(raw)/3+64))
	case CodecGzip:
		var buf bytes.Buffer
		buf.Grow(len(raw)/3 + 64)
		w, _ := c.gzw.Get().(*gzip.Writer)
		if w == nil {
			var err error
			if w, err = gzip.NewWriterLevel(&buf, c.level); err != nil {
				return "", nil, err
			}
		} else {
			w.Reset(&buf)
		}
		if _, err := w.Write(raw); err != nil {
			return "", nil, err
		}
		if err := w.Close(); err != nil {
			return "", nil, err
		}
		c.gzw.Put(w)
		out = buf.Bytes()
	}
	if len(out) >= len(raw) {
		return CodecIdentity, raw, nil
	}
	return c.write, out, nil
}

// decode returns the raw bytes of a stored body and checks them against
// the stored length and SHA-256.
func (c *codec) decode(kind Codec, data []byte, size int64, sum string) ([]byte, error) {
	if size < 0 || size > maxBodySize {
		return nil, fmt.Errorf("%w: body %s: stored size %d out of range", ErrCorrupt, sum, size)
	}
	var raw []byte
	var err error
	switch kind {
	case CodecIdentity:
		raw = data
	case CodecZstd:
		raw, err = c.zdec.DecodeAll(data, make([]byte, 0, size))
	case CodecGzip:
		var r *gzip.Reader
		if r, err = gzip.NewReader(bytes.NewReader(data)); err == nil {
			buf := bytes.NewBuffer(make([]byte, 0, size))
			_, err = io.Copy(buf, io.LimitReader(r, size+1))
			raw = buf.Bytes()
		}
	default:
		return nil, fmt.Errorf("%w: body %s: unknown codec %q", ErrCorrupt, sum, kind)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: body %s: %s: %w", ErrCorrupt, sum, kind, err)
	}
	if raw == nil {
		raw = []byte{} // an empty body, as opposed to no body
	}
	if int64(len(raw)) != size {
		return nil, fmt.Errorf("%w: body %s: %d bytes after %s, want %d", ErrCorrupt, sum, len(raw), kind, size)
	}
	if got := sha256Hex(raw); got != sum {
		return nil, fmt.Errorf("%w: body %s: bytes hash to %s", ErrCorrupt, sum, got)
	}
	return raw, nil
}

// sha256Hex returns the lowercase hex SHA-256 of b.
func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
