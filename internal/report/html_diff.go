package report

import (
	"html"
	"html/template"
	"strconv"
	"strings"
	"unicode"
)

// diffOp is one step of an edit script.
type diffOp struct {
	kind byte // '=' same, '-' only before, '+' only after
	text string
}

// maxDiffCells bounds the work of one diff (before × after units); bigger
// inputs fall back to a coarser comparison of the common head and tail.
const maxDiffCells = 4_000_000

// diffUnits compares two sequences with a longest-common-subsequence table
// after trimming their common head and tail.
func diffUnits(a, b []string) []diffOp {
	var head, tail []diffOp
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		head = append(head, diffOp{'=', a[0]})
		a, b = a[1:], b[1:]
	}
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		tail = append(tail, diffOp{'=', a[len(a)-1]})
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	var mid []diffOp
	if len(a)*len(b) > maxDiffCells {
		for _, s := range a {
			mid = append(mid, diffOp{'-', s})
		}
		for _, s := range b {
			mid = append(mid, diffOp{'+', s})
		}
	} else {
		n, m := len(a), len(b)
		// lcs[i][j] is the LCS length of a[i:] and b[j:], in one slice.
		lcs := make([]int32, (n+1)*(m+1))
		at := func(i, j int) int32 { return lcs[i*(m+1)+j] }
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				v := at(i+1, j)
				if a[i] == b[j] {
					v = at(i+1, j+1) + 1
				} else if w := at(i, j+1); w > v {
					v = w
				}
				lcs[i*(m+1)+j] = v
			}
		}
		i, j := 0, 0
		for i < n && j < m {
			switch {
			case a[i] == b[j]:
				mid = append(mid, diffOp{'=', a[i]})
				i++
				j++
			case at(i+1, j) >= at(i, j+1):
				mid = append(mid, diffOp{'-', a[i]})
				i++
			default:
				mid = append(mid, diffOp{'+', b[j]})
				j++
			}
		}
		for ; i < n; i++ {
			mid = append(mid, diffOp{'-', a[i]})
		}
		for ; j < m; j++ {
			mid = append(mid, diffOp{'+', b[j]})
		}
	}
	out := append(head, mid...)
	for k := len(tail) - 1; k >= 0; k-- {
		out = append(out, tail[k])
	}
	return out
}

// sentences splits body text into lines and sentences, the units of the
// text diff.
func sentences(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		start := 0
		for i := 0; i < len(line); i++ {
			if (line[i] == '.' || line[i] == '!' || line[i] == '?') && i+1 < len(line) && line[i+1] == ' ' {
				out = append(out, line[start:i+1])
				start = i + 2
			}
		}
		if start < len(line) {
			out = append(out, line[start:])
		}
	}
	return out
}

// words splits text into words and the spaces between them, so that joining
// the pieces gives the text back.
func words(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if i > start && unicode.IsSpace(r) != unicode.IsSpace(rune(s[start])) {
			out = append(out, s[start:i])
			start = i
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// diffRow is one row of a side-by-side diff.
type diffRow struct {
	Kind   string // same, changed, removed, added
	Before template.HTML
	After  template.HTML
}

// maxSameContext is how many unchanged sentences stand around a change;
// longer unchanged stretches are folded into one row.
const maxSameContext = 2

// sideBySide diffs two texts by sentence and, inside a replaced sentence, by
// word, and returns the rows of a two-column table.
func sideBySide(before, after string) (rows []diffRow, changed bool) {
	ops := diffUnits(sentences(before), sentences(after))
	for i := 0; i < len(ops); {
		if ops[i].kind == '=' {
			j := i
			for j < len(ops) && ops[j].kind == '=' {
				j++
			}
			rows = append(rows, foldSame(ops[i:j], i == 0, j == len(ops))...)
			i = j
			continue
		}
		var del, ins []string
		for ; i < len(ops) && ops[i].kind != '='; i++ {
			if ops[i].kind == '-' {
				del = append(del, ops[i].text)
			} else {
				ins = append(ins, ops[i].text)
			}
		}
		changed = true
		for k := 0; k < len(del) || k < len(ins); k++ {
			switch {
			case k < len(del) && k < len(ins):
				b, a := wordDiff(del[k], ins[k])
				rows = append(rows, diffRow{Kind: "changed", Before: b, After: a})
			case k < len(del):
				rows = append(rows, diffRow{Kind: "removed", Before: template.HTML("<del>" + html.EscapeString(del[k]) + "</del>")})
			default:
				rows = append(rows, diffRow{Kind: "added", After: template.HTML("<ins>" + html.EscapeString(ins[k]) + "</ins>")})
			}
		}
	}
	return rows, changed
}

// foldSame keeps a little context around changes and folds the rest.
func foldSame(ops []diffOp, atStart, atEnd bool) []diffRow {
	keepHead, keepTail := maxSameContext, maxSameContext
	if atStart {
		keepHead = 0
	}
	if atEnd {
		keepTail = 0
	}
	same := func(s string) diffRow {
		e := template.HTML(html.EscapeString(s))
		return diffRow{Kind: "same", Before: e, After: e}
	}
	if len(ops) <= keepHead+keepTail+1 {
		rows := make([]diffRow, 0, len(ops))
		for _, op := range ops {
			rows = append(rows, same(op.text))
		}
		return rows
	}
	var rows []diffRow
	for _, op := range ops[:keepHead] {
		rows = append(rows, same(op.text))
	}
	n := len(ops) - keepHead - keepTail
	fold := template.HTML("<span class=\"fold\">… " + strconv.Itoa(n) + " unchanged sentences …</span>")
	rows = append(rows, diffRow{Kind: "fold", Before: fold, After: fold})
	for _, op := range ops[len(ops)-keepTail:] {
		rows = append(rows, same(op.text))
	}
	return rows
}

// wordDiff marks the words that differ between two sentences.
func wordDiff(before, after string) (b, a template.HTML) {
	var bb, ab strings.Builder
	for _, op := range diffUnits(words(before), words(after)) {
		t := html.EscapeString(op.text)
		switch op.kind {
		case '=':
			bb.WriteString(t)
			ab.WriteString(t)
		case '-':
			bb.WriteString("<del>" + t + "</del>")
		case '+':
			ab.WriteString("<ins>" + t + "</ins>")
		}
	}
	return template.HTML(bb.String()), template.HTML(ab.String())
}
