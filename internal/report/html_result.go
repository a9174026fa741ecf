package report

import "github.com/archiver-dev/archiver/internal/archive"

// resultInput is what the HTML report takes from a check Result.
type resultInput struct {
	CheckRunID int64
	PrevRunID  int64
	Rules      []ruleMeta
	Findings   []archive.Finding // open and suppressed
	Resolved   []archive.Finding
}

// ruleMeta describes one rule of the result.
type ruleMeta struct {
	ID, Title, Pack, Help, Fix, HelpURL string
	Severity                            archive.Severity
}

// fromResult reads the report's input from a check result.
func fromResult(r *Result) resultInput {
	in := resultInput{CheckRunID: r.Run.ID, PrevRunID: r.Run.PreviousID}
	for _, f := range r.Findings {
		if f.State == archive.StateResolved {
			in.Resolved = append(in.Resolved, f)
		} else {
			in.Findings = append(in.Findings, f)
		}
	}
	for _, x := range r.Rules {
		pack := x.Pack
		if pack == "" {
			pack = packOf(x.ID)
		}
		in.Rules = append(in.Rules, ruleMeta{ID: x.ID, Title: x.Title, Pack: pack, Help: x.Help, Fix: x.Fix, HelpURL: x.HelpURL, Severity: x.Severity})
	}
	return in
}
