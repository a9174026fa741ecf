package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// csvHeader names the columns of the CSV format.
var csvHeader = []string{
	"rule_id", "severity", "state", "suppressed", "url", "message", "evidence",
	"capture_id", "captured_at", "status", "body_sha256", "final_url", "fingerprint", "waiver_note", "also_on",
}

// CSV writes one row per finding (resolved ones included), with a header
// row. Cells that a spreadsheet would run as a formula (starting with =, +,
// - or @) are prefixed with a quote.
func CSV(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		captured := ""
		if !f.CapturedAt.IsZero() {
			captured = f.CapturedAt.UTC().Format(time.RFC3339)
		}
		var also []string
		for _, o := range f.Occurrences {
			also = append(also, o.URL)
		}
		row := []string{
			f.RuleID, string(f.Severity), string(f.State), f.Suppressed, f.URL, f.Message, f.Evidence,
			strconv.FormatInt(f.CaptureID, 10), captured, strconv.Itoa(f.Status), f.BodySHA256, f.FinalURL,
			f.Fingerprint, f.WaiverNote, strings.Join(also, " "),
		}
		for j := range row {
			row[j] = csvSafe(row[j])
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// csvSafe defuses formula injection (CWE-1236).
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
