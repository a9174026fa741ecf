// Package rules embeds the default rule packs of archiver. Each rule is one
// YAML file (editorial/headline-missing.yaml) that carries its id, title,
// severity, tags, help text, how to fix it, an example and a help link, its
// scope, and either a built-in kind with parameters or an expression; good
// and bad HTML fixtures sit next to it (headline-missing.good.html,
// headline-missing.bad.html) and `archiver rules test` runs them through
// the real extractor. internal/check loads and runs the rules.
package rules

import (
	"embed"
	"io/fs"
)

//go:embed editorial links archive
var packs embed.FS

// FS returns the default rule packs, one directory per pack: editorial
// (the built-in kinds of internal/check), links (internal/links) and
// archive (internal/timeline). An engine loading all of them needs the
// links and timeline kinds registered.
func FS() fs.FS { return packs }
