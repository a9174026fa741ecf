//go:build !linux

package sqlite

// threadCPU is not measured on this system.
func threadCPU() int64 { return 0 }

// ProcessCPU is not measured on this system.
func ProcessCPU() int64 { return 0 }
