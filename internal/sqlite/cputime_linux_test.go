package sqlite

import "golang.org/x/sys/unix"

// threadCPU returns the CPU time the calling OS thread has used, in
// nanoseconds, so that benchmarks on a busy machine can report what the
// work costs rather than how long it waited for a core. Callers lock the
// goroutine to its thread.
func threadCPU() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return ts.Nano()
}

// ProcessCPU returns the CPU time (user and system) the test process has
// used, in nanoseconds, or 0 where it is not measured.
func ProcessCPU() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return ts.Nano()
}
