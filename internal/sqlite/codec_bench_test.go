package sqlite

import (
	"testing"
)

// BenchmarkCodecs compares the body codecs on real HTML pages (every 4th
// page of ../shared/evaldata): MB/s of raw bytes, and the stored size as a
// fraction of the raw size ("ratio"). Run it with
//
//	go test -run '^$' -bench Codecs -benchtime 3x ./internal/sqlite
func BenchmarkCodecs(b *testing.B) {
	pages := EvalHTML(b, 4)
	var total int64
	for _, p := range pages {
		total += int64(len(p))
	}
	for _, tc := range []struct {
		name  string
		codec Codec
		level int
	}{
		{"zstd-fastest", CodecZstd, 1},
		{"zstd-default", CodecZstd, 3},
		{"zstd-better", CodecZstd, 7},
		{"gzip-1", CodecGzip, 1},
		{"gzip-6", CodecGzip, 6},
		{"gzip-9", CodecGzip, 9},
	} {
		c, err := newCodec(tc.codec, tc.level)
		if err != nil {
			b.Fatal(err)
		}
		type enc struct {
			kind Codec
			data []byte
			sum  string
			size int64
		}
		encoded := make([]enc, len(pages))
		var stored int64
		for i, p := range pages {
			kind, data, err := c.encode(p)
			if err != nil {
				b.Fatal(err)
			}
			encoded[i] = enc{kind, data, sha256Hex(p), int64(len(p))}
			stored += int64(len(data))
		}
		ratio := float64(stored) / float64(total)
		b.Run(tc.name+"/encode", func(b *testing.B) {
			b.SetBytes(total)
			for b.Loop() {
				for _, p := range pages {
					if _, _, err := c.encode(p); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(ratio, "ratio")
		})
		b.Run(tc.name+"/decode", func(b *testing.B) {
			b.SetBytes(total)
			for b.Loop() {
				for _, e := range encoded {
					if _, err := c.decode(e.kind, e.data, e.size, e.sum); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(ratio, "ratio")
		})
		c.close()
	}
}
