package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Type    string `xml:"type,attr"`
	Message string `xml:"message,attr"`
	Body    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// JUnit writes the result as JUnit XML (the Ant/Jenkins shape that GitLab
// and Jenkins read): one testsuite per rule, one testcase per finding with
// the page's host as classname and its URL as name. Open findings at or
// above --fail-on are failures (type = severity; the message is repeated in
// the body because GitLab ignores the attribute), open findings below it
// pass with their text in system-out, waived and baselined findings are
// skipped. A rule without findings has one passing testcase, so that every
// rule shows. Resolved findings are left out.
func JUnit(w io.Writer, r *Result) error {
	failRank := 0
	if r.Run.FailOn != "never" {
		failRank = archive.Severity(r.Run.FailOn).Rank()
		if failRank == 0 {
			failRank = archive.SeverityError.Rank()
		}
	}
	ts := r.Run.StartedAt.UTC().Format("2006-01-02T15:04:05")
	elapsed := r.Run.FinishedAt.Sub(r.Run.StartedAt)
	if elapsed < 0 {
		elapsed = 0
	}
	out := junitSuites{Name: "archiver check", Time: seconds(elapsed)}
	byRule := map[string][]*archive.Finding{}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.State != archive.StateResolved {
			byRule[f.RuleID] = append(byRule[f.RuleID], f)
		}
	}
	for _, rule := range r.Rules {
		s := junitSuite{
			Name: rule.ID, Timestamp: ts, Time: "0",
			Properties: []junitProperty{
				{Name: "title", Value: rule.Title},
				{Name: "severity", Value: string(rule.Severity)},
				{Name: "help_url", Value: rule.HelpURL},
				{Name: "rules.sha256", Value: r.Run.RulesHash},
			},
		}
		for _, f := range byRule[rule.ID] {
			c := junitCase{Classname: hostOf(f.URL), Name: f.URL, Time: "0"}
			body := fmt.Sprintf("%s\n\nrule: %s (%s)\nurl: %s\n", f.Message, f.RuleID, f.Severity, f.URL)
			if f.Evidence != "" {
				body += "evidence: " + f.Evidence + "\n"
			}
			body += provenance(f) + "\n"
			if rule.HelpURL != "" {
				body += "help: " + rule.HelpURL + "\n"
			}
			switch {
			case f.Suppressed != "":
				msg := f.Suppressed
				if f.WaiverNote != "" {
					msg += ": " + f.WaiverNote
				}
				c.Skipped = &junitSkipped{Message: oneLine(msg)}
				s.Skipped++
			case failRank > 0 && f.Severity.Rank() >= failRank:
				c.Failure = &junitFailure{Type: string(f.Severity), Message: oneLine(f.Message), Body: body}
				s.Failures++
			default:
				c.SystemOut = body
			}
			s.Cases = append(s.Cases, c)
		}
		if len(s.Cases) == 0 {
			s.Cases = append(s.Cases, junitCase{
				Classname: "archiver", Name: fmt.Sprintf("%s: no findings on %d pages", rule.ID, r.Run.Pages), Time: "0",
			})
		}
		s.Tests = len(s.Cases)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Skipped += s.Skipped
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	return nil
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return "archive"
	}
	return strings.ToLower(p.Host)
}
