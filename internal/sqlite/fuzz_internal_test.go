package sqlite

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// FuzzCodecRoundTrip checks that every codec gives back exactly the bytes
// it was given.
func FuzzCodecRoundTrip(f *testing.F) {
	for _, seed := range [][]byte{
		nil, {0}, []byte("<html></html>"), bytes.Repeat([]byte("ab"), 5000),
		{0x28, 0xb5, 0x2f, 0xfd}, {0x1f, 0x8b, 0x08}, {0xcc, 0xe8, 0xed, 0xf1, 0xea},
	} {
		f.Add(seed)
	}
	codecs := map[Codec]*codec{}
	for _, k := range []Codec{CodecZstd, CodecGzip, CodecIdentity} {
		c, err := newCodec(k, 0)
		if err != nil {
			f.Fatal(err)
		}
		codecs[k] = c
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		sum := sha256Hex(raw)
		for k, c := range codecs {
			kind, data, err := c.encode(raw)
			if err != nil {
				t.Fatalf("%s encode: %v", k, err)
			}
			if kind != k && kind != CodecIdentity {
				t.Fatalf("%s encode chose %s", k, kind)
			}
			if len(data) > len(raw) {
				t.Fatalf("%s: %d stored bytes for %d raw", k, len(data), len(raw))
			}
			got, err := c.decode(kind, data, int64(len(raw)), sum)
			if err != nil {
				t.Fatalf("%s decode: %v", k, err)
			}
			if !bytes.Equal(got, raw) {
				t.Fatalf("%s: round trip changed the bytes", k)
			}
		}
	})
}

// FuzzDecodeStored feeds arbitrary stored rows to decode: it must return
// the bytes that hash to the stored SHA-256 or an ErrCorrupt error, never
// panic or return other bytes.
func FuzzDecodeStored(f *testing.F) {
	c, err := newCodec(CodecZstd, 0)
	if err != nil {
		f.Fatal(err)
	}
	_, z, _ := c.encode(bytes.Repeat([]byte("zstd body "), 100))
	g, err := newCodec(CodecGzip, 0)
	if err != nil {
		f.Fatal(err)
	}
	_, gz, _ := g.encode(bytes.Repeat([]byte("gzip body "), 100))
	f.Add("zstd", z, int64(1000), sha256Hex(bytes.Repeat([]byte("zstd body "), 100)))
	f.Add("gzip", gz, int64(1000), sha256Hex(bytes.Repeat([]byte("gzip body "), 100)))
	f.Add("identity", []byte("x"), int64(1), sha256Hex([]byte("x")))
	f.Add("zstd", []byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0}, int64(1<<40), "")
	f.Add("brotli", []byte("x"), int64(-1), "")
	f.Fuzz(func(t *testing.T, kind string, data []byte, size int64, sum string) {
		raw, err := c.decode(Codec(kind), data, size, sum)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("decode error does not wrap ErrCorrupt: %v", err)
			}
			return
		}
		if sha256Hex(raw) != sum || int64(len(raw)) != size {
			t.Fatalf("decode returned %d bytes that do not match size %d and sum %s", len(raw), size, sum)
		}
	})
}

// FuzzParseTime checks that stored time text round-trips and that bad text
// gives an error, not a panic.
func FuzzParseTime(f *testing.F) {
	f.Add(int64(0), "")
	f.Add(time.Date(2026, 4, 3, 9, 30, 0, 123, time.UTC).UnixNano(), "2026-04-03T09:30:00.000000123Z")
	f.Add(int64(-1), "not a time")
	f.Fuzz(func(t *testing.T, nanos int64, text string) {
		tm := time.Unix(0, nanos).UTC()
		back, err := parseTime(timeText(tm))
		if err != nil || !back.Equal(tm) {
			t.Fatalf("%v stored as %q read back as %v, %v", tm, timeText(tm), back, err)
		}
		if nanos != 0 && timeText(tm) < timeText(tm.Add(-time.Nanosecond)) {
			t.Fatalf("stored times do not sort: %q < %q", timeText(tm), timeText(tm.Add(-time.Nanosecond)))
		}
		_, _ = parseTime(text)
	})
}
