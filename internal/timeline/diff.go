package timeline

import (
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// UnifiedDiff returns a unified diff ("---", "+++", "@@" hunks) of two
// texts line by line, with context lines of context around each change,
// or "" when they are equal. The names label the two sides.
func UnifiedDiff(fromName, toName, a, b string, context int) string {
	if a == b {
		return ""
	}
	d := difflib.UnifiedDiff{
		A:        splitLines(a),
		B:        splitLines(b),
		FromFile: fromName,
		ToFile:   toName,
		Context:  context,
	}
	s, err := difflib.GetUnifiedDiffString(d)
	if err != nil {
		// GetUnifiedDiffString fails only when writing to its own buffer
		// fails, which it does not; say so rather than return nothing.
		return "diff failed: " + err.Error()
	}
	return s
}

// splitLines splits s into lines that each end in a newline, as difflib
// wants them.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if last := lines[len(lines)-1]; last == "" {
		lines = lines[:len(lines)-1]
	} else {
		lines[len(lines)-1] = last + "\n"
	}
	return lines
}
