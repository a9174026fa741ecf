// Package check is the rule engine of archiver. It loads rule packs (one
// YAML file per rule), compiles every rule at load time — built-in kinds
// decode and validate their parameters, expression rules are compiled and
// type-checked against the page model with expr-lang/expr — and evaluates
// them over the pages of a crawl run, streaming one page at a time. It
// compares the findings with the previous check run (new, persisting,
// resolved), applies a baseline and a waivers file, and decides whether the
// run fails the build.
//
// Kinds are the extension point: other packages (links, timeline) export
// their kinds and cmd/archiver passes them to [New].
package check
