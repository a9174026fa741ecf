package check

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/report"
	"go.yaml.in/yaml/v3"
)

// Waivers are the findings a project has decided to live with, each with a
// reason, an owner and usually an expiry date. A waiver names either one
// finding by its fingerprint, or a rule and a URL glob. Waived findings are
// reported as waived; once a waiver has expired its findings are open again
// (and say which waiver expired).
//
// The file is YAML:
//
//	waivers:
//	  - fingerprint: 3f2a…
//	    reason: The agency credit is in the photo itself.
//	    owner: desk@example.gov
//	    expires: 2026-12-31
//	  - rule: editorial/image-credit-missing
//	    url: "https://www.example.gov/archive/2019/**"
//	    reason: Photos before 2020 were not credited; not worth fixing.
//	    owner: web team
type Waivers struct {
	list []waiver
}

// waiver is one compiled waiver.
type waiver struct {
	spec    WaiverSpec
	glob    Glob
	expires time.Time // the first instant it no longer applies; zero: never
	line    int
}

// WaiverSpec is one waiver as written in the file.
type WaiverSpec struct {
	Fingerprint string `yaml:"fingerprint"`
	Rule        string `yaml:"rule"`
	URL         string `yaml:"url"`
	Reason      string `yaml:"reason"`
	Owner       string `yaml:"owner"`
	// Expires is a date (YYYY-MM-DD, the waiver holds through that day,
	// UTC) or an RFC 3339 time.
	Expires string `yaml:"expires"`
}

type waiversFile struct {
	Waivers []yaml.Node `yaml:"waivers"`
}

// ParseWaivers reads a waivers file; name is used in error messages, which
// give the line of the broken waiver.
func ParseWaivers(name string, data []byte) (*Waivers, error) {
	var wf waiversFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&wf); err != nil && !errors.Is(err, io.EOF) {
		return nil, &RuleError{File: name, Err: yamlError(err)}
	}
	w := &Waivers{}
	for i := range wf.Waivers {
		n := &wf.Waivers[i]
		fail := func(format string, args ...any) error {
			return &RuleError{File: name, Line: n.Line, Err: fmt.Errorf("waiver %d: "+format, append([]any{i + 1}, args...)...)}
		}
		var spec WaiverSpec
		if err := decodeStrict(n, &spec); err != nil {
			return nil, fail("%v", err)
		}
		wv := waiver{spec: spec, line: n.Line}
		switch {
		case strings.TrimSpace(spec.Reason) == "":
			return nil, fail("reason is required")
		case strings.TrimSpace(spec.Owner) == "":
			return nil, fail("owner is required")
		case spec.Fingerprint == "" && spec.Rule == "":
			return nil, fail("give a fingerprint, or a rule (and optionally a url glob)")
		case spec.Fingerprint != "" && (spec.Rule != "" || spec.URL != ""):
			return nil, fail("give a fingerprint or a rule and url, not both")
		}
		if spec.URL != "" {
			g, err := CompileGlob(spec.URL)
			if err != nil {
				return nil, fail("url: %v", err)
			}
			wv.glob = g
		}
		if spec.Expires != "" {
			t, err := parseExpiry(spec.Expires)
			if err != nil {
				return nil, fail("expires: %v", err)
			}
			wv.expires = t
		}
		w.list = append(w.list, wv)
	}
	return w, nil
}

// decodeStrict decodes a node into v, refusing unknown keys.
func decodeStrict(n *yaml.Node, v any) error {
	data, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return yamlError(err)
	}
	return nil
}

func parseExpiry(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.AddDate(0, 0, 1), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want YYYY-MM-DD or an RFC 3339 time", s)
	}
	return t.UTC(), nil
}

// Len returns the number of waivers.
func (w *Waivers) Len() int { return len(w.list) }

func (wv *waiver) matches(f *archive.Finding) bool {
	if wv.spec.Fingerprint != "" {
		return wv.spec.Fingerprint == f.Fingerprint
	}
	if ok, _ := path.Match(wv.spec.Rule, f.RuleID); !ok {
		return false
	}
	return wv.spec.URL == "" || wv.glob.Match(f.URL)
}

func (wv *waiver) expired(now time.Time) bool {
	return !wv.expires.IsZero() && !now.Before(wv.expires)
}

// apply marks the findings that a waiver in force covers as waived, notes
// expired waivers on the findings they would cover, and returns the
// register of waivers with their match counts.
func (w *Waivers) apply(findings []archive.Finding, now time.Time) []report.Waiver {
	reg := make([]report.Waiver, len(w.list))
	for i := range w.list {
		wv := &w.list[i]
		reg[i] = report.Waiver{
			Fingerprint: wv.spec.Fingerprint, RuleID: wv.spec.Rule, URL: wv.spec.URL,
			Owner: wv.spec.Owner, Reason: strings.TrimSpace(wv.spec.Reason), Expired: wv.expired(now),
		}
		if !wv.expires.IsZero() {
			reg[i].Expires = wv.expires
		}
	}
	for fi := range findings {
		f := &findings[fi]
		var expiredNote string
		for i := range w.list {
			wv := &w.list[i]
			if !wv.matches(f) {
				continue
			}
			reg[i].Matches++
			if wv.expired(now) {
				if expiredNote == "" {
					expiredNote = fmt.Sprintf("waiver expired %s (owner %s: %s)", wv.spec.Expires, wv.spec.Owner, strings.TrimSpace(wv.spec.Reason))
				}
				continue
			}
			if f.Suppressed == "" {
				f.Suppressed = report.SuppressedWaiver
				f.WaiverNote = fmt.Sprintf("waived by %s: %s", wv.spec.Owner, strings.TrimSpace(wv.spec.Reason))
				if !wv.expires.IsZero() {
					f.WaiverNote += " (expires " + wv.spec.Expires + ")"
				}
			}
		}
		if f.Suppressed == "" && expiredNote != "" {
			f.WaiverNote = expiredNote
		}
	}
	return reg
}
