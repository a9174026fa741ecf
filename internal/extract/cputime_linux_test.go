package extract_test

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time used so far by the calling OS thread (the
// goroutine must be locked to it), or false where that is not available.
func threadCPU() (time.Duration, bool) {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
