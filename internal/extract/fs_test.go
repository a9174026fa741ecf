package extract_test

import (
	"io/fs"
	"testing/fstest"
)

// testFS is an in-memory file system of path → content.
type testFS map[string]string

func (t testFS) Open(name string) (fs.File, error) {
	m := fstest.MapFS{}
	for k, v := range t {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m.Open(name)
}
