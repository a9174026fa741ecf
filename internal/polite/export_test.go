package polite

// Queued returns how many requests wait for a slot of the host, for the
// tests of the hand-off.
func (l *Limiter) Queued(host string) int {
	s := l.state(host)
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for w := s.first; w != nil; w = w.next {
		n++
	}
	return n
}

// ProcessCPU is processCPU, for the benchmarks' CPU time per operation.
var ProcessCPU = processCPU
