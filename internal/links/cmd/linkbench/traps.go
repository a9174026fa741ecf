package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/archiver-dev/archiver/internal/portal"
)

// traps prints one regular expression matching every crawler-trap family of
// the portal's manifest, for the tools that have no trap detection of their
// own (linkinator --skip, LinkChecker --ignore-url): without it they crawl
// the never-ending calendar until they are killed.
func traps(seed int64, articles int, out io.Writer) error {
	p, err := portal.New(portal.Config{Seed: seed, Articles: articles})
	if err != nil {
		return err
	}
	var pats []string
	for _, t := range p.Manifest().Traps {
		// The patterns are over root-relative URLs; the tools match whole ones.
		pat := strings.Replace(t.Pattern, "^/", `^https?://[^/]+/`, 1)
		pats = append(pats, "(?:"+pat+")")
	}
	fmt.Fprintln(out, strings.Join(pats, "|"))
	return nil
}
