package polite_test

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/archiver-dev/archiver/internal/polite"
)

// BenchmarkAcquireContended measures one Acquire and release of a host
// that more workers want than it has slots: 16 goroutines (the crawler's
// workers) share a host limited to 4 requests in flight, with no delay.
// Each holds its slot across a yield of the processor, as a request does
// across its network wait, so that the others queue for the slot. Besides
// the time it reports the CPU time per operation (cpu-ns/op), which the
// work of other processes on a busy machine disturbs less.
func BenchmarkAcquireContended(b *testing.B) {
	const workers, limit, host = 16, 4, "portal:443"
	l := polite.New(polite.Options{Concurrency: limit})
	ctx := context.Background()
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, cpuOK := polite.ProcessCPU()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				release, err := l.Acquire(ctx, host)
				if err != nil {
					b.Error(err)
					return
				}
				runtime.Gosched()
				release()
			}
		}()
	}
	wg.Wait()
	if cpu1, ok := polite.ProcessCPU(); ok && cpuOK {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
	}
}
