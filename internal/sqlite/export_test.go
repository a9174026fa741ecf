package sqlite

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// EvalHTML returns every nth real HTML page of the shared evaluation data
// (../shared/evaldata/*/html/*.html relative to the repository root), in a
// fixed order, and skips the test or benchmark when the data is absent.
func EvalHTML(tb testing.TB, every int) [][]byte {
	tb.Helper()
	root, err := repoRoot()
	if err != nil {
		tb.Skipf("evaluation data: %v", err)
	}
	files, err := filepath.Glob(filepath.Join(root, "..", "shared", "evaldata", "*", "html", "*.html"))
	if err != nil || len(files) == 0 {
		tb.Skip("evaluation data ../shared/evaldata/*/html/*.html not found beside the repository; skipping")
	}
	sort.Strings(files)
	var pages [][]byte
	for i := 0; i < len(files); i += max(every, 1) {
		b, err := os.ReadFile(files[i])
		if err != nil {
			tb.Fatal(err)
		}
		pages = append(pages, b)
	}
	return pages
}

// repoRoot walks up from the working directory to the directory holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
