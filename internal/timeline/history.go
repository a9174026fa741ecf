package timeline

import "fmt"

// Entry is one version of a URL in its history, with what it says about
// the page and what changed since the previous good version.
type Entry struct {
	Version Version `json:"version"`
	State   State   `json:"state"`
	// Change is what changed since the previous good version; nil for the
	// first good version, an unchanged one, or a version that is not good.
	Change *Change `json:"change,omitempty"`
	// Note says in words what the version is: "first capture", "unchanged",
	// "silent-edit: headline, body", "gone (404)", "back after 2 gone".
	Note string `json:"note"`
}

// History walks the versions of one URL (oldest first) and says what each
// one is.
func History(vs []Version) []Entry {
	out := make([]Entry, 0, len(vs))
	prevGood := -1
	gone := 0
	for i, v := range vs {
		e := Entry{Version: v, State: StateOf(v)}
		switch e.State {
		case StateGood:
			switch {
			case prevGood < 0:
				e.Note = "first capture"
			default:
				if c, ok := Compare(vs[prevGood], v); ok {
					e.Change = &c
					e.Note = string(c.Kind)
					if names := fieldNames(c.Fields); names != "" {
						e.Note += ": " + names
					}
				} else {
					e.Note = "unchanged"
				}
			}
			if gone > 0 && prevGood >= 0 {
				e.Note = fmt.Sprintf("back after %d gone; %s", gone, e.Note)
			}
			prevGood, gone = i, 0
		case StateGone:
			gone++
			e.Note = "gone (" + goneHow(v) + ")"
		case StateMoved:
			e.Note = fmt.Sprintf("redirect (%d) to %s", v.Status, v.FinalURL)
		default:
			e.Note = fmt.Sprintf("no verdict (%s, status %d)", v.Verdict, v.Status)
		}
		out = append(out, e)
	}
	return out
}

// fieldNames lists the names of changed fields, comma separated.
func fieldNames(fs []FieldChange) string {
	s := ""
	for i, f := range fs {
		if i > 0 {
			s += ", "
		}
		s += f.Field
	}
	return s
}
