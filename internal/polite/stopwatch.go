package polite

import (
	"runtime"
	"time"
)

// Stopwatch times one request for the host's politeness: how long it took,
// and whether the process was starved of CPU meanwhile.
//
//	w := polite.Start()
//	resp, err := client.Do(req)
//	took, starved := w.Stop()
//	if starved { l.AnsweredLate(host, took) } else { l.Answered(host, took) }
type Stopwatch struct {
	start time.Time
	cpu   time.Duration
	cpuOK bool
}

// Start starts a Stopwatch.
func Start() Stopwatch {
	cpu, ok := processCPU()
	return Stopwatch{start: time.Now(), cpu: cpu, cpuOK: ok}
}

// Stop returns the time since Start, and whether the process kept nearly
// all its processors busy all that time (starved). Then the Go runtime
// reads the network only every 10 ms or so, and an answer is read late by
// the process's own doing, not the host's. Where the process's CPU time
// cannot be read, no answer is starved.
func (w Stopwatch) Stop() (took time.Duration, starved bool) {
	took = time.Since(w.start)
	if !w.cpuOK {
		return took, false
	}
	cpu, ok := processCPU()
	return took, ok && isStarved(cpu-w.cpu, took, runtime.GOMAXPROCS(0))
}

// isStarved reports whether a process that used cpu of CPU time over took
// kept three quarters of its procs processors busy.
func isStarved(cpu, took time.Duration, procs int) bool {
	return took > 0 && float64(cpu) >= 0.75*float64(procs)*float64(took)
}
