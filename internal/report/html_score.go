package report

import (
	"math"
	"sort"

	"github.com/archiver-dev/archiver/internal/archive"
)

// The score follows Silktide's explainable model: every rule pack starts at
// 100, and every rule with open findings subtracts an impact that grows with
// the square root of the share of checked pages it affects (so that 10% of
// pages counts for a third of the way), up to a maximum set by its
// severity. The overall score is the mean of the packs' scores. Waived and
// baselined findings do not count.
const (
	maxImpactError   = 30.0
	maxImpactWarning = 12.0
	maxImpactNote    = 3.0
	// minImpactShare is the part of the maximum a rule costs as soon as it
	// affects one page, so that one broken page on a big site still shows.
	minImpactShare = 0.2
)

// scoreExplanation is printed beside the score.
const scoreExplanation = "Each rule pack starts at 100. Every rule with open findings subtracts " +
	"its severity's maximum impact (error 30, warning 12, note 3) × (0.2 + 0.8 × √(the share of checked pages it affects)), " +
	"so that a rule on a few pages already costs a fifth of its maximum and one on every page costs all of it. " +
	"A pack never drops below 0; the overall score is the mean of the packs. Waived and baselined findings do not count. " +
	"Bands: 0–29 very poor, 30–49 poor, 50–69 fair, 70–89 good, 90–100 excellent."

func maxImpact(s archive.Severity) float64 {
	switch s {
	case archive.SeverityError:
		return maxImpactError
	case archive.SeverityWarning:
		return maxImpactWarning
	case archive.SeverityNote:
		return maxImpactNote
	}
	return 0
}

// deduction is what one rule costs its pack.
type deduction struct {
	RuleID   string           `json:"rule_id"`
	Severity archive.Severity `json:"severity"`
	Pages    int              `json:"pages"`  // pages with open findings of the rule
	Impact   float64          `json:"impact"` // points subtracted, rounded to 0.1
}

// packScore is one pack's score and how it came about.
type packScore struct {
	Pack       string      `json:"pack"`
	Score      int         `json:"score"`
	Band       string      `json:"band"`
	Errors     int         `json:"errors"`
	Warnings   int         `json:"warnings"`
	Notes      int         `json:"notes"`
	Deductions []deduction `json:"deductions,omitempty"`
}

// band names a score the way Silktide does.
func band(score int) string {
	switch {
	case score < 30:
		return "very poor"
	case score < 50:
		return "poor"
	case score < 70:
		return "fair"
	case score < 90:
		return "good"
	}
	return "excellent"
}

// scorePacks computes the pack scores and the overall score from the rule
// groups. pagesChecked ≤ 0 means the denominator is unknown; every rule then
// costs its minimum.
func scorePacks(groups []ruleGroup, pagesChecked int) (packs []packScore, overall int) {
	byPack := map[string]*packScore{}
	var order []string
	for _, g := range groups {
		p := byPack[g.Pack]
		if p == nil {
			p = &packScore{Pack: g.Pack}
			byPack[g.Pack] = p
			order = append(order, g.Pack)
		}
		switch g.Severity {
		case archive.SeverityError:
			p.Errors += g.Open
		case archive.SeverityWarning:
			p.Warnings += g.Open
		case archive.SeverityNote:
			p.Notes += g.Open
		}
		if g.Open == 0 {
			continue
		}
		share := 0.0
		if pagesChecked > 0 {
			share = math.Sqrt(math.Min(1, float64(g.Pages)/float64(pagesChecked)))
		}
		impact := maxImpact(g.Severity) * (minImpactShare + (1-minImpactShare)*share)
		p.Deductions = append(p.Deductions, deduction{RuleID: g.ID, Severity: g.Severity, Pages: g.Pages, Impact: math.Round(impact*10) / 10})
	}
	sort.Strings(order)
	sum := 0
	for _, name := range order {
		p := byPack[name]
		total := 0.0
		for _, d := range p.Deductions {
			total += d.Impact
		}
		sort.SliceStable(p.Deductions, func(i, j int) bool { return p.Deductions[i].Impact > p.Deductions[j].Impact })
		p.Score = int(math.Max(0, math.Round(100-total)))
		p.Band = band(p.Score)
		sum += p.Score
		packs = append(packs, *p)
	}
	if len(packs) == 0 {
		return nil, 100
	}
	return packs, int(math.Round(float64(sum) / float64(len(packs))))
}
