package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// JSON writes the whole result as one indented JSON document: the run, the
// rules, every finding (resolved ones included, with state "resolved"), the
// waivers register and the counts.
func JSON(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}
