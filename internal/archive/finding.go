package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Severity is how serious a finding is. The vocabulary is SARIF's.
type Severity string

// The severities, from the most to the least serious.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityNote    Severity = "note"
)

// Rank orders severities: error 3, warning 2, note 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityError:
		return 3
	case SeverityWarning:
		return 2
	case SeverityNote:
		return 1
	}
	return 0
}

// ParseSeverity checks that s names a severity.
func ParseSeverity(s string) (Severity, error) {
	switch Severity(strings.ToLower(strings.TrimSpace(s))) {
	case SeverityError:
		return SeverityError, nil
	case SeverityWarning:
		return SeverityWarning, nil
	case SeverityNote:
		return SeverityNote, nil
	}
	return "", fmt.Errorf("unknown severity %q (want error, warning or note)", s)
}

// FindingState says how a finding relates to the previous check run.
type FindingState string

// The states of a finding against the previous run.
const (
	StateNew        FindingState = "new"
	StatePersisting FindingState = "persisting"
	StateResolved   FindingState = "resolved"
)

// Occurrence is one place where the problem of a finding shows, for findings
// that group many places (one broken target linked from many pages).
type Occurrence struct {
	URL       string    `json:"url"`
	CaptureID int64     `json:"capture_id,omitempty"`
	Text      string    `json:"text,omitempty"`  // anchor text
	Place     LinkPlace `json:"place,omitempty"` // menu, body, …
}

// Finding is one problem found by one rule, with its evidence.
type Finding struct {
	RuleID      string       `json:"rule_id"`
	Severity    Severity     `json:"severity"`
	Message     string       `json:"message"`
	URL         string       `json:"url"`
	CaptureID   int64        `json:"capture_id,omitempty"`
	CapturedAt  time.Time    `json:"captured_at,omitzero"`
	BodySHA256  string       `json:"body_sha256,omitempty"`
	Status      int          `json:"status,omitempty"`
	FinalURL    string       `json:"final_url,omitempty"`
	Evidence    string       `json:"evidence,omitempty"`     // the element or text that triggered it
	EvidenceKey string       `json:"evidence_key,omitempty"` // what makes two findings on one URL distinct
	Occurrences []Occurrence `json:"occurrences,omitempty"`
	Fingerprint string       `json:"fingerprint"`
	State       FindingState `json:"state,omitempty"`
	Suppressed  string       `json:"suppressed,omitempty"` // "", "baseline" or "waiver"
	WaiverNote  string       `json:"waiver_note,omitempty"`
}

// Fingerprint computes the stable identity of a finding: the SHA-256 of the
// rule id, the canonical URL and the evidence key. It does not depend on the
// capture, so the same problem on the same page has the same fingerprint in
// every run.
func Fingerprint(ruleID, canonicalURL, evidenceKey string) string {
	h := sha256.New()
	h.Write([]byte(ruleID))
	h.Write([]byte{0})
	h.Write([]byte(canonicalURL))
	h.Write([]byte{0})
	h.Write([]byte(evidenceKey))
	return hex.EncodeToString(h.Sum(nil))[:32]
}
