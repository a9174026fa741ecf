package check

import (
	"github.com/archiver-dev/archiver/internal/archive"
)

// Rule is one rule as loaded from its YAML file, after the configuration's
// overrides were applied.
type Rule struct {
	// ID names the rule, e.g. "editorial/headline-missing"; it is stable
	// across runs and is part of every finding's fingerprint.
	ID string
	// Pack is the pack the rule belongs to: the part of ID before the
	// first slash ("editorial").
	Pack string
	// Title says in a short sentence what the rule wants.
	Title string
	// Severity is the severity of the rule's findings.
	Severity archive.Severity
	// DefaultSeverity is the severity the rule file gives, before any
	// override from the configuration.
	DefaultSeverity archive.Severity
	// Tags classify the rule (attribution, dates, rights, …).
	Tags []string
	// Message is the default message of findings whose check gives none.
	Message string
	// Help says why the rule exists (the rationale).
	Help string
	// Fix says how to fix a finding.
	Fix string
	// Example shows a page that passes, as text or HTML.
	Example string
	// HelpURL links to the rule's documentation.
	HelpURL string
	// Scope limits the pages and URLs the rule applies to.
	Scope Scope
	// Kind names the built-in kind the rule uses, or "expr" for a rule
	// with an expression condition.
	Kind string
	// When is the expr precondition of an expression rule ("" = always).
	When string
	// Assert is the expr condition an in-scope page must satisfy; a page
	// for which it is false gets a finding.
	Assert string
	// EvidenceExpr is an expr string expression giving the finding's
	// evidence ("" = none).
	EvidenceExpr string
	// Params are the parameters given to the kind.
	Params Params
	// File is where the rule was read from ("editorial/headline-missing.yaml"
	// inside the embedded packs, or a path on disk), and Line the line of
	// its first key; both name the rule in error messages.
	File string
	Line int
	// Fixtures lists the fixture files found next to the rule.
	Fixtures Fixtures
}

// Scope limits where a rule applies. Empty lists mean no limit.
type Scope struct {
	// Include lists URL globs; a URL must match one. "*" matches within
	// one path segment, "**" across segments, "?" one character.
	Include []string `yaml:"include,omitempty" json:"include,omitempty"`
	// Exclude lists URL globs; a URL matching one is out of scope.
	Exclude []string `yaml:"exclude,omitempty" json:"exclude,omitempty"`
	// Kinds lists the page kinds (article, listing, …) the rule applies to.
	Kinds []archive.PageKind `yaml:"kinds,omitempty" json:"kinds,omitempty"`
	// Languages lists the page languages (from <html lang>, or detected
	// when the attribute is absent) the rule applies to, e.g. ["en"].
	Languages []string `yaml:"languages,omitempty" json:"languages,omitempty"`
}

// Fixtures are the good and bad HTML files that ship with a rule, for
// `archiver rules test`: the rule must find nothing in Good and at least one
// finding in each of Bad.
type Fixtures struct {
	Good []string
	Bad  []string
}
