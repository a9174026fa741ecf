package rules

import "embed"

// Profiles holds the site profiles shipped with archiver: per-host CSS
// selectors (profiles/*.yaml) that override the extractor's heuristics
// where a site's template is known. Load them with
// extract.LoadProfiles(rules.Profiles, "profiles").
//
//go:embed profiles/*.yaml
var Profiles embed.FS
