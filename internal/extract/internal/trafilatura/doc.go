// Package trafilatura extracts the main text of a web page. It is a
// trimmed copy of github.com/markusmobius/go-trafilatura v1.12.2 (itself a
// port of the Python trafilatura 1.12.2), used under the Apache License 2.0
// (LICENSE in this directory; each file keeps its original notice).
//
// It is copied, not imported, for speed: go-trafilatura's only entry point
// always runs a metadata pass and a language classifier whose results
// archiver does not use (about a fifth of the extraction time), and it
// needs a second full run to consult its fallback extractors. The changes
// from the upstream version are:
//
//   - ExtractText (body.go) replaces Extract and ExtractDocument: one pass,
//     which consults the fallback extractors (go-readability and
//     go-domdistiller, still imported as modules) on the same first-pass
//     result when the caller asks for it, and returns the content text
//     only; comments are always excluded (upstream's ExcludeComments);
//   - the metadata extraction (metadata.go, metadata-json.go, the meta-*
//     selectors, URL helpers), the language check and classifier
//     (whatlanggo), CreateReadableDocument and the options that only they
//     read (TargetLanguage, HtmlDate*, BlacklistedAuthors,
//     HasEssentialMetadata, MaxTreeSize, PruneSelector, EnableFallback) are
//     removed;
//   - the package-level zerolog logger is replaced by Options.Log;
//   - import paths point at the copied internal packages.
//
// The content extraction itself (cleaning, tag conversion, extraction,
// comparison with the fallback extractors, baseline rescue) is unchanged,
// so the text is the one go-trafilatura's ExtractDocument returns in
// ContentText with ExcludeComments set.
package trafilatura
