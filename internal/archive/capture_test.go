package archive_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
)

// TestCaptureIsHTML: the Content-Type decides; without one, the first 512
// bytes do.
func TestCaptureIsHTML(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ctype string
		body  string
		want  bool
	}{
		{"html", "text/html; charset=utf-8", "", true},
		{"xhtml", "application/xhtml+xml", "<?xml?>", true},
		{"upper case", "TEXT/HTML", "", true},
		{"pdf that looks like html", "application/pdf", "<html>", false},
		{"image", "image/jpeg", "\xff\xd8", false},
		{"no type, doctype", "", "<!DOCTYPE html><title>x</title>", true},
		{"no type, html", "", "\n  <HTML lang=en>", true},
		{"no type, head", "", "<head><title>x</title>", true},
		{"no type, body", "", "<body>x", true},
		{"no type, text", "", "MINSK, 3 April (BelTA)", false},
		{"no type, html after 512 bytes", "", strings.Repeat(" ", 512) + "<html>", false},
		{"no type, no body", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &archive.Capture{Body: []byte(tc.body)}
			if tc.ctype != "" {
				c.Header = http.Header{"Content-Type": {tc.ctype}}
			}
			if got := c.IsHTML(); got != tc.want {
				t.Errorf("IsHTML() = %v, want %v", got, tc.want)
			}
		})
	}
}
