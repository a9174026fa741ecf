package polite

import (
	"context"
	"runtime"
	"testing"
	"time"
)

func TestIsStarved(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name      string
		cpu, took time.Duration
		procs     int
		want      bool
	}{
		{"both processors busy", 20 * ms, 10 * ms, 2, true},
		{"three quarters busy", 15 * ms, 10 * ms, 2, true},
		{"one of two busy", 10 * ms, 10 * ms, 2, false},
		{"idle while waiting", ms / 10, 10 * ms, 2, false},
		{"one processor busy", 10 * ms, 10 * ms, 1, true},
		{"no time", 0, 0, 2, false},
	}
	for _, tc := range tests {
		if got := isStarved(tc.cpu, tc.took, tc.procs); got != tc.want {
			t.Errorf("%s: isStarved(%s, %s, %d) = %v, want %v", tc.name, tc.cpu, tc.took, tc.procs, got, tc.want)
		}
	}
}

// TestStopwatch: a wait while the process idles is not starved; one while
// every processor spins is. The spinning part runs on one processor
// (GOMAXPROCS 1) and is tried up to ten times: the machine is shared, and
// another process may hold the core for a while, which is not the
// process starving itself.
func TestStopwatch(t *testing.T) {
	w := Start()
	time.Sleep(20 * time.Millisecond)
	if took, starved := w.Stop(); took < 20*time.Millisecond || starved {
		t.Errorf("idle wait: took %s, starved %v; want at least 20ms, not starved", took, starved)
	}
	if _, ok := processCPU(); !ok {
		t.Skip("the process's CPU time cannot be read here")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for range 10 {
		ctx, stop := context.WithTimeout(context.Background(), 30*time.Millisecond)
		done := make(chan struct{})
		w := Start()
		go func() {
			defer close(done)
			for ctx.Err() == nil {
			}
		}()
		<-done
		_, starved := w.Stop()
		stop()
		if starved {
			return
		}
	}
	t.Error("the only processor spinning: never starved in 10 tries")
}
