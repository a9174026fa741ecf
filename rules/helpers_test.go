package rules_test

import (
	"io/fs"
	"strings"

	"github.com/archiver-dev/archiver/rules"
)

func readFixture(display string) ([]byte, error) {
	return fs.ReadFile(rules.FS(), strings.TrimPrefix(display, "rules/"))
}
