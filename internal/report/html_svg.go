package report

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"time"
)

// The colours of the charts, chosen for contrast on white (WCAG AA for the
// text, 3:1 for the marks) and told apart by more than hue: the trend stacks
// in a fixed order with a legend, the heatmap marks gaps with a cross.
const (
	colorError   = "#b42318"
	colorWarning = "#b54708"
	colorNote    = "#175cd3"
	colorGrid    = "#d0d5dd"
	colorText    = "#344054"
	colorGap     = "#b42318"
	colorEmpty   = "#f2f4f7"
)

// heatColor shades a day by its level of articles published (see heatLevel).
func heatColor(level int) string {
	switch level {
	case 1:
		return "#d1e9ff"
	case 2:
		return "#84caff"
	case 3:
		return "#2e90fa"
	case 4:
		return "#1849a9"
	}
	return colorEmpty
}

// heatLevel buckets articles per day: none, 1, 2–3, 4–7, 8 or more.
func heatLevel(n int) int {
	switch {
	case n <= 0:
		return 0
	case n == 1:
		return 1
	case n <= 3:
		return 2
	case n <= 7:
		return 3
	}
	return 4
}

// trendChart draws open findings per run as stacked bars (errors at the
// bottom), oldest run on the left, with the total above each bar.
func trendChart(points []RunPoint) template.HTML {
	if len(points) == 0 {
		return ""
	}
	if len(points) > 30 {
		points = points[len(points)-30:]
	}
	const (
		width, height          = 720, 220
		left, right, top, foot = 44, 12, 16, 40
	)
	max := 1
	for _, p := range points {
		if t := p.Errors + p.Warnings + p.Notes; t > max {
			max = t
		}
	}
	max = niceCeil(max)
	plotW, plotH := float64(width-left-right), float64(height-top-foot)
	slot := plotW / float64(len(points))
	barW := slot * 0.6
	if barW > 48 {
		barW = 48
	}
	var b strings.Builder
	var desc strings.Builder
	fmt.Fprintf(&desc, "Open findings per run, %d runs.", len(points))
	for _, p := range points {
		fmt.Fprintf(&desc, " Run %d (%s): %d errors, %d warnings, %d notes.", p.RunID, p.At.UTC().Format("2006-01-02"), p.Errors, p.Warnings, p.Notes)
	}
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="trend-title trend-desc" xmlns="http://www.w3.org/2000/svg">`, width, height, width, height)
	fmt.Fprintf(&b, `<title id="trend-title">Findings per run</title><desc id="trend-desc">%s</desc>`, html.EscapeString(desc.String()))
	for i := 0; i <= 4; i++ {
		v := max * i / 4
		y := float64(top) + plotH - plotH*float64(v)/float64(max)
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="1"/>`, left, width-right, y, y, colorGrid)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" font-size="11" fill="%s">%d</text>`, left-6, y+4, colorText, v)
	}
	for i, p := range points {
		x := float64(left) + slot*float64(i) + (slot-barW)/2
		y := float64(top) + plotH
		for _, s := range []struct {
			n     int
			color string
			name  string
		}{{p.Errors, colorError, "errors"}, {p.Warnings, colorWarning, "warnings"}, {p.Notes, colorNote, "notes"}} {
			if s.n == 0 {
				continue
			}
			h := plotH * float64(s.n) / float64(max)
			y -= h
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>Run %d: %d %s</title></rect>`, x, y, barW, h, s.color, p.RunID, s.n, s.name)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="11" fill="%s">%d</text>`, x+barW/2, y-4, colorText, p.Errors+p.Warnings+p.Notes)
		if len(points) <= 12 || i%((len(points)+11)/12) == 0 || i == len(points)-1 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="11" fill="%s">#%d</text>`, x+barW/2, height-foot+16, colorText, p.RunID)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="10" fill="%s">%s</text>`, x+barW/2, height-foot+30, colorText, p.At.UTC().Format("Jan 2"))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceCeil rounds n up to 1, 2 or 5 times a power of ten, so the axis reads
// in round steps.
func niceCeil(n int) int {
	if n <= 4 {
		return 4
	}
	p := 1
	for p*10 < n {
		p *= 10
	}
	for _, m := range []int{1, 2, 4, 5, 8, 10} {
		if m*p >= n {
			return m * p
		}
	}
	return 10 * p
}

// heatmapDays bounds a heatmap: at most this many days (53 weeks).
const heatmapDays = 371

// busiestWindow returns at most n consecutive days: those with the most
// articles (the latest such window on a tie), without the empty, unflagged
// days at either end, so that a few stray dates far from the rest (a
// future-dated article, an old page) neither push the section's real
// history out of the picture nor shrink it to a corner.
func busiestWindow(days []CoverageDay, n int) []CoverageDay {
	quiet := func(d CoverageDay) bool { return d.Articles == 0 && !d.Gap && d.Note == "" }
	if len(days) > n {
		days = busiest(days, n)
	}
	for len(days) > 1 && quiet(days[0]) {
		days = days[1:]
	}
	for len(days) > 1 && quiet(days[len(days)-1]) {
		days = days[:len(days)-1]
	}
	return days
}

// busiest returns the n consecutive days with the most articles.
func busiest(days []CoverageDay, n int) []CoverageDay {
	sum := 0
	for _, d := range days[:n] {
		sum += d.Articles
	}
	best, bestStart := sum, 0
	for i := n; i < len(days); i++ {
		sum += days[i].Articles - days[i-n].Articles
		if sum >= best {
			best, bestStart = sum, i-n+1
		}
	}
	return days[bestStart : bestStart+n]
}

// calendarHeatmap draws one section's days as a calendar: one column per
// week (Monday on top), cells shaded by articles published, gaps crossed in
// red, days on which our own run was missed marked with a dot.
func calendarHeatmap(id string, sec SectionCoverage, missed map[string]bool) template.HTML {
	if len(sec.Days) == 0 {
		return ""
	}
	days := busiestWindow(sec.Days, heatmapDays)
	first, err := time.Parse("2006-01-02", days[0].Date)
	if err != nil {
		return ""
	}
	start := first.AddDate(0, 0, -((int(first.Weekday()) + 6) % 7)) // the Monday of its week
	last, err := time.Parse("2006-01-02", days[len(days)-1].Date)
	if err != nil {
		return ""
	}
	weeks := int(last.Sub(start).Hours()/24)/7 + 1
	const cell, gapPx, left, top = 14, 3, 30, 18
	width := left + weeks*(cell+gapPx) + 8
	height := top + 7*(cell+gapPx) + 4
	var b strings.Builder
	articles, gaps := 0, 0
	for _, d := range days {
		articles += d.Articles
		if d.Gap {
			gaps++
		}
	}
	fmt.Fprintf(&b, `<svg class="heatmap" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-t" xmlns="http://www.w3.org/2000/svg">`, width, height, width, height, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s: %d articles over %d days from %s to %s, %d gap days</title>`, id, html.EscapeString(sec.Section), articles, len(days), days[0].Date, days[len(days)-1].Date, gaps)
	for i, name := range []string{"Mon", "", "Wed", "", "Fri", "", "Sun"} {
		if name != "" {
			fmt.Fprintf(&b, `<text x="0" y="%d" font-size="10" fill="%s">%s</text>`, top+i*(cell+gapPx)+cell-3, colorText, name)
		}
	}
	lastMonth := -1
	for _, d := range days {
		t, err := time.Parse("2006-01-02", d.Date)
		if err != nil {
			continue
		}
		offset := int(t.Sub(start).Hours() / 24)
		col, row := offset/7, offset%7
		x, y := left+col*(cell+gapPx), top+row*(cell+gapPx)
		if m := int(t.Month()); m != lastMonth && row == 0 || lastMonth == -1 {
			fmt.Fprintf(&b, `<text x="%d" y="11" font-size="10" fill="%s">%s</text>`, x, colorText, t.Format("Jan"))
			lastMonth = int(t.Month())
		}
		label := fmt.Sprintf("%s: %d articles", d.Date, d.Articles)
		if d.Gap {
			label += ", gap (no article where the section publishes)"
		}
		if missed[d.Date] {
			label += ", our scheduled run was missed"
		}
		if d.Note != "" {
			label += ", " + d.Note
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="2" fill="%s"`, x, y, cell, cell, heatColor(heatLevel(d.Articles)))
		if d.Gap {
			fmt.Fprintf(&b, ` stroke="%s" stroke-width="1.5"`, colorGap)
		}
		fmt.Fprintf(&b, `><title>%s</title></rect>`, html.EscapeString(label))
		if d.Gap {
			fmt.Fprintf(&b, `<path d="M%d %dL%d %dM%d %dL%d %d" stroke="%s" stroke-width="1.5" aria-hidden="true"/>`, x+3, y+3, x+cell-3, y+cell-3, x+cell-3, y+3, x+3, y+cell-3, colorGap)
		}
		if missed[d.Date] {
			fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="3" fill="#101828" aria-hidden="true"/>`, x+cell/2, y+cell/2)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// heatLegend draws the key shared by every heatmap.
func heatLegend() template.HTML {
	var b strings.Builder
	b.WriteString(`<svg class="legend" viewBox="0 0 640 22" width="640" height="22" role="img" aria-label="Legend: shade by articles per day (0, 1, 2 to 3, 4 to 7, 8 or more); red cross: gap; dot: our run missed" xmlns="http://www.w3.org/2000/svg">`)
	x := 0
	for i, label := range []string{"0", "1", "2–3", "4–7", "8+"} {
		fmt.Fprintf(&b, `<rect x="%d" y="4" width="14" height="14" rx="2" fill="%s"/><text x="%d" y="16" font-size="11" fill="%s">%s</text>`, x, heatColor(i), x+18, colorText, label)
		x += 18 + 8*len(label) + 12
	}
	fmt.Fprintf(&b, `<rect x="%d" y="4" width="14" height="14" rx="2" fill="%s" stroke="%s" stroke-width="1.5"/><path d="M%d 7L%d 15M%d 7L%d 15" stroke="%s" stroke-width="1.5"/><text x="%d" y="16" font-size="11" fill="%s">gap: no article on a publishing day</text>`,
		x, colorEmpty, colorGap, x+3, x+11, x+11, x+3, colorGap, x+18, colorText)
	x += 230
	fmt.Fprintf(&b, `<rect x="%d" y="4" width="14" height="14" rx="2" fill="%s"/><circle cx="%d" cy="11" r="3" fill="#101828"/><text x="%d" y="16" font-size="11" fill="%s">our run missed</text>`, x, colorEmpty, x+7, x+18, colorText)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
