// Package htmldate finds the publication date of a web page. It is a copy
// of github.com/markusmobius/go-htmldate v1.10.1 (a port of the Python
// htmldate), used under the Apache License 2.0 (LICENSE in this
// directory).
//
// It is copied, not imported, because it imports go-dateparser, whose
// package init costs every process 150 ms and 95 MB (see ../dateparser,
// the copy it uses instead). The only changes from the upstream version
// are its import paths, which point at the copied parser and at its own
// internal packages here, and the tests, examples, scripts and command
// that are left out. How it searches a page is unchanged.
package htmldate
