package sqlite

import (
	"runtime"
	"testing"
)

// BenchmarkCodecs compares the body codecs on real HTML pages (every 4th
// page of ../shared/evaldata): MB/s of raw bytes, and the stored size as a
// fraction of the raw size ("ratio"). On Linux it also reports "cpu-MB/s",
// the throughput per second of CPU time of the benchmark's thread, which
// stays meaningful when other processes compete for the cores. Run it with
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
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.SetBytes(total)
			cpu := threadCPU()
			for b.Loop() {
				for _, p := range pages {
					if _, _, err := c.encode(p); err != nil {
						b.Fatal(err)
					}
				}
			}
			reportCPU(b, cpu, total)
			b.ReportMetric(ratio, "ratio")
		})
		b.Run(tc.name+"/decode", func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.SetBytes(total)
			cpu := threadCPU()
			for b.Loop() {
				for _, e := range encoded {
					if _, err := c.decode(e.kind, e.data, e.size, e.sum); err != nil {
						b.Fatal(err)
					}
				}
			}
			reportCPU(b, cpu, total)
			b.ReportMetric(ratio, "ratio")
		})
		c.close()
	}
}

// reportCPU reports the MB/s of bytes per iteration over the thread CPU
// time used since start.
func reportCPU(b *testing.B, start, bytes int64) {
	if used := threadCPU() - start; start != 0 && used > 0 {
		b.ReportMetric(float64(bytes)*float64(b.N)/1e6/(float64(used)/1e9), "cpu-MB/s")
	}
}
