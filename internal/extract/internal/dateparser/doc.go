// Package dateparser parses localized date strings and extracts dates from
// text. It is a copy of github.com/markusmobius/go-dateparser v1.4.7 (a
// port of the Python dateparser), used under the BSD 3-Clause License
// (LICENSE in this directory; LICENSE_dateparser.txt is the Python
// original's), for go-htmldate's extensive date search
// (../htmldate).
//
// It is copied, not imported, for one change: its locale data makes about
// 4,000 regular expressions at package init, which cost every process
// that links the parser about 150 ms and 95 MB of allocations before main
// runs (upstream issue markusmobius/go-dateparser#20), although a page
// uses a few of them at most and a links check none. Here an expression is
// compiled on its first use (internal/regexp), so `archiver --help` starts
// in 30 ms instead of 180 ms and with half the memory. The changes from
// the upstream version are:
//
//   - internal/regexp compiles lazily; its go-re2 build variant
//     (regexp-re2.go, for the re2_wasm and re2_cgo tags) is left out;
//   - import paths point at this copy; this package comment moved here
//     from root.go;
//   - the tests, code generators (scripts/) and their source data
//     (data-supplementary/) are left out.
//
// What it parses, and how, is unchanged: every expression is the
// upstream one, compiled from the same text.
package dateparser
