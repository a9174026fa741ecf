package check

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// Env is the environment of expression rules: every field of the page
// (archive.Page, by its expr names: headline, authors, published.value,
// images, …) and a few facts about its capture. Expressions are compiled and
// type-checked against it when the rules are loaded.
type Env struct {
	archive.Page
	// Kind shadows Page.Kind as a plain string, so that rules can write
	// kind == "article". (Other named string types, such as a link's
	// place, compare after string(): string(place) == "menu".)
	Kind string `expr:"kind"`
	// Status is the HTTP status of the capture.
	Status int `expr:"status"`
	// CapturedAt is when the capture was fetched (UTC).
	CapturedAt time.Time `expr:"captured_at"`
	// Now is the time of the check run.
	Now time.Time `expr:"now"`
	// Host is the host of the page's URL, Path its path, Section the first
	// segment of the path ("government" for /government/events/x.html).
	Host    string `expr:"host"`
	Path    string `expr:"path"`
	Section string `expr:"section"`
}

// newEnv builds the expression environment of a page.
func newEnv(p *PageContext) *Env {
	env := &Env{Page: *p.Page, Kind: string(p.Page.Kind), Now: p.Now}
	if p.Capture != nil {
		env.Status = p.Capture.Status
		env.CapturedAt = p.Capture.FetchedAt
	}
	u := p.URL()
	if i := strings.Index(u, "://"); i >= 0 {
		host := u[i+3:]
		if j := strings.IndexAny(host, "/?#"); j >= 0 {
			host = host[:j]
		}
		env.Host = strings.ToLower(host)
	}
	env.Path = urlPath(u)
	if i := strings.IndexAny(env.Path, "?"); i >= 0 {
		env.Path = env.Path[:i]
	}
	seg := strings.TrimPrefix(env.Path, "/")
	if i := strings.IndexByte(seg, '/'); i >= 0 {
		seg = seg[:i]
	}
	if strings.Contains(seg, ".") {
		seg = "" // a file at the root, not a section
	}
	env.Section = seg
	return env
}

// Limits on expressions, checked before expr parses them: expr-lang/expr
// before v1.18.0 can overflow its stack on deeply nested input and compile
// some inputs in exponential time (GHSA-6h63-3f9q-wq5h); v1.17.8 is the
// newest the module proxy serves here, so rules are guarded instead.
const (
	defaultMaxExprLength = 1000
	defaultMaxExprDepth  = 16
	maxExprNodes         = 400
)

// exprRule is a compiled expression rule.
type exprRule struct {
	when, assert, evidence *vm.Program
}

// exprError names the rule file key an expression error belongs to.
type exprError struct {
	key string
	err error
}

func (e *exprError) Error() string { return e.key + ": " + e.err.Error() }
func (e *exprError) Unwrap() error { return e.err }

// compileExpr compiles the expressions of a rule of kind expr.
func (e *Engine) compileExpr(r *Rule) (*exprRule, error) {
	if strings.TrimSpace(r.Assert) == "" {
		return nil, &exprError{key: "assert", err: fmt.Errorf("kind %s needs assert:", KindExpr)}
	}
	x := &exprRule{}
	var err error
	if x.assert, err = e.compileOne("assert", r.Assert, expr.AsBool()); err != nil {
		return nil, err
	}
	if strings.TrimSpace(r.When) != "" {
		if x.when, err = e.compileOne("when", r.When, expr.AsBool()); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(r.EvidenceExpr) != "" {
		if x.evidence, err = e.compileOne("evidence", r.EvidenceExpr, expr.AsKind(reflect.String)); err != nil {
			return nil, err
		}
	}
	return x, nil
}

func (e *Engine) compileOne(key, code string, as expr.Option) (*vm.Program, error) {
	if err := guardExpr(code, e.maxExprLength, e.maxExprDepth); err != nil {
		return nil, &exprError{key: key, err: err}
	}
	p, err := expr.Compile(code, expr.Env(Env{}), as, expr.MaxNodes(maxExprNodes))
	if err != nil {
		return nil, &exprError{key: key, err: fmt.Errorf("%s", strings.TrimSpace(err.Error()))}
	}
	return p, nil
}

// guardExpr refuses expressions that are too long or too deeply nested
// before the parser sees them. Nesting counts brackets outside string
// literals and runs of prefix operators (!, not, -, +).
func guardExpr(code string, maxLen, maxDepth int) error {
	if len(code) > maxLen {
		return fmt.Errorf("expression longer than %d bytes", maxLen)
	}
	depth, run := 0, 0
	var quote byte
	for i := 0; i < len(code); i++ {
		c := code[i]
		if quote != 0 {
			switch c {
			case '\\':
				i++
			case quote:
				quote = 0
			}
			continue
		}
		switch c {
		case '"', '\'', '`':
			quote = c
			run = 0
		case '(', '[', '{':
			depth++
			if depth > maxDepth {
				return fmt.Errorf("expression nested deeper than %d", maxDepth)
			}
			run = 0
		case ')', ']', '}':
			depth--
			run = 0
		case '!', '-', '+', '?':
			run++
			if run > maxDepth {
				return fmt.Errorf("expression nested deeper than %d", maxDepth)
			}
		case ' ', '\t', '\n', '\r':
		default:
			if strings.HasPrefix(code[i:], "not ") && (i == 0 || !identByte(code[i-1])) {
				run++
				if run > maxDepth {
					return fmt.Errorf("expression nested deeper than %d", maxDepth)
				}
				i += 3
				continue
			}
			run = 0
		}
	}
	if quote != 0 {
		return fmt.Errorf("unterminated string literal")
	}
	return nil
}

// check evaluates an expression rule on one page.
func (x *exprRule) check(env *Env, r *Rule, emit Emit) error {
	if x.when != nil {
		ok, err := expr.Run(x.when, env)
		if err != nil {
			return fmt.Errorf("when: %w", err)
		}
		if ok != true {
			return nil
		}
	}
	ok, err := expr.Run(x.assert, env)
	if err != nil {
		return fmt.Errorf("assert: %w", err)
	}
	if ok == true {
		return nil
	}
	f := archive.Finding{Message: r.Message}
	if x.evidence != nil {
		v, err := expr.Run(x.evidence, env)
		if err != nil {
			return fmt.Errorf("evidence: %w", err)
		}
		f.Evidence = clip(fmt.Sprint(v), maxEvidence)
	}
	emit(f)
	return nil
}

// maxEvidence bounds the evidence text of a finding.
const maxEvidence = 300

// clip shortens s to at most n bytes on a rune boundary, marking the cut.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func identByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}
