package check

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/archiver-dev/archiver/internal/archive"
	"go.yaml.in/yaml/v3"
)

// KindExpr is the kind of rules whose condition is an expression (`when:`,
// `assert:`, `evidence:`) rather than a built-in kind.
const KindExpr = "expr"

// Source is a directory of rule packs: the embedded default packs or a
// directory given with --rules.
type Source struct {
	// FS holds the rule files. Every *.yaml or *.yml file is one rule, at
	// any depth, except under directories named profiles or testdata and
	// hidden ones.
	FS fs.FS
	// Name prefixes file names in messages: "rules" for the embedded packs,
	// the directory as given for --rules.
	Name string
}

// RuleError is a rule file that cannot be loaded: the file and line, and
// what is wrong.
type RuleError struct {
	File string
	Line int
	Err  error
}

func (e *RuleError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *RuleError) Unwrap() error { return e.Err }

// Override changes a rule from the configuration file, without editing the
// rule file: its severity, whether it runs, its scope (each list given
// replaces the rule's own) and parameters (merged key by key).
type Override struct {
	Severity string    `yaml:"severity,omitempty" json:"severity,omitempty"`
	Disabled bool      `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	Scope    *Scope    `yaml:"scope,omitempty" json:"scope,omitempty"`
	Params   yaml.Node `yaml:"params,omitempty" json:"-"`
}

// Overrides maps a rule id, or a glob over rule ids ("editorial/*"), to
// what changes. Globs apply first (in sorted order), exact ids last.
type Overrides map[string]Override

// ParseOverrides reads overrides from YAML text (the `overrides:` value of
// the configuration file, re-encoded), naming the line of an error.
func ParseOverrides(name string, text []byte) (Overrides, error) {
	var o Overrides
	dec := yaml.NewDecoder(bytes.NewReader(text))
	dec.KnownFields(true)
	if err := dec.Decode(&o); err != nil && !errors.Is(err, io.EOF) {
		return nil, &RuleError{File: name, Err: fmt.Errorf("overrides: %w", yamlError(err))}
	}
	return o, nil
}

// RuleSet is a set of loaded, compiled rules, ready to run.
type RuleSet struct {
	rules []*compiled // sorted by id
	hash  string
}

// compiled is one rule with its compiled check.
type compiled struct {
	rule     *Rule
	scope    compiledScope
	page     PageCheck
	site     SiteCheck
	expr     *exprRule
	kind     *Kind
	fsys     fs.FS  // the source, for fixtures
	fsDir    string // the rule's directory inside fsys
	disable  bool
	fixtures Fixtures       // paths inside fsys
	lines    map[string]int // line of each top-level key of the rule file
}

// line returns the line of a top-level key of the rule file, or the rule's
// first line.
func (c *compiled) line(key string) int {
	if l, ok := c.lines[key]; ok {
		return l
	}
	return c.rule.Line
}

// NeedsLinks reports whether a rule of the set reads the links of pages: a
// kind that says so, or an expression that names links.
func (s *RuleSet) NeedsLinks() bool {
	for _, c := range s.rules {
		if c.kind != nil && c.kind.NeedsLinks {
			return true
		}
		if c.expr != nil && (mentions(c.rule.When, "links") || mentions(c.rule.Assert, "links") || mentions(c.rule.EvidenceExpr, "links")) {
			return true
		}
	}
	return false
}

// mentions reports whether code uses the identifier name.
func mentions(code, name string) bool {
	for i := 0; ; {
		j := strings.Index(code[i:], name)
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !identByte(code[j-1])
		after := j+len(name) >= len(code) || !identByte(code[j+len(name)])
		if before && after {
			return true
		}
		i = j + len(name)
	}
}

// Rules returns the rules of the set, sorted by id.
func (s *RuleSet) Rules() []*Rule {
	out := make([]*Rule, len(s.rules))
	for i, c := range s.rules {
		out[i] = c.rule
	}
	return out
}

// Rule returns the rule with the given id, or nil.
func (s *RuleSet) Rule(id string) *Rule {
	if c := s.find(id); c != nil {
		return c.rule
	}
	return nil
}

func (s *RuleSet) find(id string) *compiled {
	i := sort.Search(len(s.rules), func(i int) bool { return s.rules[i].rule.ID >= id })
	if i < len(s.rules) && s.rules[i].rule.ID == id {
		return s.rules[i]
	}
	return nil
}

// Hash returns the SHA-256 of the rule files and overrides the set was
// loaded from, in hex.
func (s *RuleSet) Hash() string { return s.hash }

// Only returns a rule set holding only the rules whose id is in ids, for
// running a subset. Unknown ids are an error.
func (s *RuleSet) Only(ids ...string) (*RuleSet, error) {
	out := &RuleSet{hash: s.hash}
	for _, id := range ids {
		c := s.find(id)
		if c == nil {
			return nil, fmt.Errorf("no rule %q", id)
		}
		out.rules = append(out.rules, c)
	}
	sort.Slice(out.rules, func(i, j int) bool { return out.rules[i].rule.ID < out.rules[j].rule.ID })
	return out, nil
}

// ruleFile is the YAML shape of one rule file.
type ruleFile struct {
	ID       string    `yaml:"id"`
	Title    string    `yaml:"title"`
	Severity string    `yaml:"severity"`
	Tags     []string  `yaml:"tags"`
	Message  string    `yaml:"message"`
	Help     string    `yaml:"help"`
	Fix      string    `yaml:"fix"`
	Example  string    `yaml:"example"`
	HelpURL  string    `yaml:"help_url"`
	Scope    Scope     `yaml:"scope"`
	Kind     string    `yaml:"kind"`
	Params   yaml.Node `yaml:"params"`
	When     string    `yaml:"when"`
	Assert   string    `yaml:"assert"`
	Evidence string    `yaml:"evidence"`
}

// maxRuleFileSize bounds a rule file.
const maxRuleFileSize = 256 << 10

// Load reads every rule of the sources, applies the overrides and compiles
// the rules. The first broken rule is returned as a *RuleError naming its
// file and line; two rules with one id are an error naming both files.
func (e *Engine) Load(sources []Source, overrides Overrides) (*RuleSet, error) {
	set := &RuleSet{}
	h := sha256.New()
	byID := map[string]*compiled{}
	for _, src := range sources {
		var files []string
		err := fs.WalkDir(src.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() {
				if p != "." && (strings.HasPrefix(name, ".") || name == "profiles" || name == "testdata") {
					return fs.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read rules %s: %w", src.Name, err)
		}
		sort.Strings(files)
		for _, p := range files {
			display := path.Join(src.Name, p)
			data, err := fs.ReadFile(src.FS, p)
			if err != nil {
				return nil, &RuleError{File: display, Err: err}
			}
			if len(data) > maxRuleFileSize {
				return nil, &RuleError{File: display, Err: fmt.Errorf("rule file larger than %d bytes", maxRuleFileSize)}
			}
			c, err := e.parseRule(display, p, data)
			if err != nil {
				return nil, err
			}
			c.fsys, c.fsDir = src.FS, path.Dir(p)
			if err := findFixtures(c); err != nil {
				return nil, &RuleError{File: display, Err: fmt.Errorf("list fixtures: %w", err)}
			}
			if other, dup := byID[c.rule.ID]; dup {
				return nil, &RuleError{File: display, Line: c.rule.Line, Err: fmt.Errorf("rule id %q is also defined in %s", c.rule.ID, other.rule.File)}
			}
			byID[c.rule.ID] = c
			fmt.Fprintf(h, "%s\x00%d\x00", c.rule.ID, len(data))
			h.Write(data)
		}
	}
	if err := applyOverrides(byID, overrides, h); err != nil {
		return nil, err
	}
	for _, c := range byID {
		if c.disable {
			continue
		}
		if err := e.compile(c); err != nil {
			return nil, err
		}
		set.rules = append(set.rules, c)
	}
	sort.Slice(set.rules, func(i, j int) bool { return set.rules[i].rule.ID < set.rules[j].rule.ID })
	set.hash = hex.EncodeToString(h.Sum(nil))
	return set, nil
}

// parseRule decodes and validates one rule file, without compiling it.
func (e *Engine) parseRule(display, p string, data []byte) (*compiled, error) {
	fail := func(line int, format string, args ...any) error {
		return &RuleError{File: display, Line: line, Err: fmt.Errorf(format, args...)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &RuleError{File: display, Err: yamlError(err)}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fail(1, "want a YAML mapping (id:, title:, severity:, …)")
	}
	top := doc.Content[0]
	lines := map[string]int{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		lines[top.Content[i].Value] = top.Content[i].Line
	}
	line := func(key string) int {
		if l, ok := lines[key]; ok {
			return l
		}
		return top.Line
	}
	var rf ruleFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&rf); err != nil {
		return nil, &RuleError{File: display, Err: yamlError(err)}
	}
	base := strings.TrimSuffix(strings.TrimSuffix(path.Base(p), ".yaml"), ".yml")
	switch {
	case rf.ID == "":
		return nil, fail(top.Line, "missing id")
	case !validID(rf.ID):
		return nil, fail(line("id"), "id %q: want lowercase letters, digits, '-', '_', '.' and '/'", rf.ID)
	case path.Base(rf.ID) != base:
		return nil, fail(line("id"), "id %q does not end with the file name %q", rf.ID, base)
	case strings.TrimSpace(rf.Title) == "":
		return nil, fail(top.Line, "missing title")
	case rf.Kind == "":
		return nil, fail(top.Line, "missing kind (a built-in kind, or %q with assert:)", KindExpr)
	}
	sev, err := archive.ParseSeverity(rf.Severity)
	if err != nil {
		return nil, fail(line("severity"), "%v", err)
	}
	if _, err := compileScope(rf.Scope); err != nil {
		return nil, fail(line("scope"), "scope: %v", err)
	}
	if rf.Kind != KindExpr && (rf.When != "" || rf.Assert != "" || rf.Evidence != "") {
		return nil, fail(line("kind"), "when:, assert: and evidence: belong to kind %q, not %q", KindExpr, rf.Kind)
	}
	if rf.Kind == KindExpr && rf.Params.Kind != 0 {
		return nil, fail(line("params"), "kind %q takes no params", KindExpr)
	}
	var params Params
	if rf.Params.Kind != 0 {
		if rf.Params.Kind != yaml.MappingNode && rf.Params.Tag != "!!null" {
			return nil, fail(line("params"), "params: want a mapping")
		}
		params = Params{node: &rf.Params}
	}
	pack, _, _ := strings.Cut(rf.ID, "/")
	if !strings.Contains(rf.ID, "/") {
		pack = ""
	}
	r := &Rule{
		ID: rf.ID, Pack: pack, Title: strings.TrimSpace(rf.Title),
		Severity: sev, DefaultSeverity: sev, Tags: rf.Tags,
		Message: strings.TrimSpace(rf.Message), Help: strings.TrimSpace(rf.Help),
		Fix: strings.TrimSpace(rf.Fix), Example: strings.TrimRight(rf.Example, "\n"),
		HelpURL: rf.HelpURL, Scope: rf.Scope, Kind: rf.Kind,
		When: rf.When, Assert: rf.Assert, EvidenceExpr: rf.Evidence,
		Params: params, File: display, Line: top.Line,
	}
	if r.Message == "" {
		r.Message = r.Title
	}
	return &compiled{rule: r, lines: lines}, nil
}

// validID reports whether s is a well-formed rule id.
func validID(s string) bool {
	if s == "" || len(s) > 200 || strings.HasPrefix(s, "/") || strings.HasSuffix(s, "/") || strings.Contains(s, "//") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == '/') {
			return false
		}
	}
	return true
}

// yamlError strips the "yaml: " prefix of the YAML decoder's errors; their
// text already names the line.
func yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	return errors.New(msg)
}

// applyOverrides applies the configuration's overrides to the parsed rules
// and adds them to the rules hash. Overrides naming no rule are errors.
func applyOverrides(byID map[string]*compiled, overrides Overrides, h interface{ Write([]byte) (int, error) }) error {
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	// Globs first, exact ids last, each group sorted.
	slices.SortFunc(keys, func(a, b string) int {
		ga, gb := strings.ContainsAny(a, "*?["), strings.ContainsAny(b, "*?[")
		if ga != gb {
			if ga {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, k := range keys {
		o := overrides[k]
		name := "overrides: " + k
		var sev archive.Severity
		if o.Severity != "" {
			s, err := archive.ParseSeverity(o.Severity)
			if err != nil {
				return &RuleError{File: "config", Err: fmt.Errorf("%s: %w", name, err)}
			}
			sev = s
		}
		var scope Scope
		if o.Scope != nil {
			if _, err := compileScope(*o.Scope); err != nil {
				return &RuleError{File: "config", Err: fmt.Errorf("%s: scope: %w", name, err)}
			}
			scope = *o.Scope
		}
		var params Params
		if o.Params.Kind != 0 {
			if o.Params.Kind != yaml.MappingNode {
				return &RuleError{File: "config", Line: o.Params.Line, Err: fmt.Errorf("%s: params: want a mapping", name)}
			}
			n := o.Params
			params = Params{node: &n}
		}
		matched := 0
		for _, id := range ids {
			ok, err := path.Match(k, id)
			if err != nil {
				return &RuleError{File: "config", Err: fmt.Errorf("%s: %w", name, err)}
			}
			if !ok {
				continue
			}
			matched++
			c := byID[id]
			if sev != "" {
				c.rule.Severity = sev
			}
			if o.Disabled {
				c.disable = true
			}
			if o.Scope != nil {
				if scope.Include != nil {
					c.rule.Scope.Include = scope.Include
				}
				if scope.Exclude != nil {
					c.rule.Scope.Exclude = scope.Exclude
				}
				if scope.Kinds != nil {
					c.rule.Scope.Kinds = scope.Kinds
				}
				if scope.Languages != nil {
					c.rule.Scope.Languages = scope.Languages
				}
			}
			if !params.IsZero() {
				c.rule.Params = c.rule.Params.merge(params)
			}
		}
		if matched == 0 {
			return &RuleError{File: "config", Err: fmt.Errorf("%s: no rule has this id", name)}
		}
		enc, _ := yaml.Marshal(o)
		fmt.Fprintf(h, "override\x00%s\x00%s", k, enc)
	}
	return nil
}

// compile compiles one parsed rule: its scope, and its kind's check or its
// expressions.
func (e *Engine) compile(c *compiled) error {
	r := c.rule
	scope, err := compileScope(r.Scope)
	if err != nil {
		return &RuleError{File: r.File, Line: c.line("scope"), Err: fmt.Errorf("scope: %w", err)}
	}
	c.scope = scope
	if r.Kind == KindExpr {
		x, err := e.compileExpr(r)
		if err != nil {
			var ee *exprError
			line := c.line("assert")
			if errors.As(err, &ee) {
				line = c.line(ee.key)
			}
			return &RuleError{File: r.File, Line: line, Err: err}
		}
		c.expr = x
		return nil
	}
	k, ok := e.kinds[r.Kind]
	if !ok {
		return &RuleError{File: r.File, Line: c.line("kind"), Err: fmt.Errorf("unknown kind %q (known: %s)", r.Kind, strings.Join(e.kindNames(), ", "))}
	}
	c.kind = &k
	return e.instantiate(c)
}

// instantiate creates a fresh check of a built-in kind for the rule; it is
// called at load time and again for every fixture run, so that checks that
// keep state between pages start clean.
func (e *Engine) instantiate(c *compiled) error {
	if c.kind == nil {
		return nil
	}
	r := c.rule
	var err error
	switch {
	case c.kind.Page != nil:
		c.page, err = c.kind.Page(r, r.Params)
		if err == nil && c.page == nil {
			err = fmt.Errorf("kind %q returned no check", r.Kind)
		}
	case c.kind.Site != nil:
		c.site, err = c.kind.Site(r, r.Params)
		if err == nil && c.site == nil {
			err = fmt.Errorf("kind %q returned no check", r.Kind)
		}
	default:
		err = fmt.Errorf("kind %q has neither Page nor Site", r.Kind)
	}
	if err != nil {
		line := c.line("params")
		if pl := r.Params.Line(); pl > 0 && !strings.HasPrefix(r.File, "config") {
			line = pl
		}
		return &RuleError{File: r.File, Line: line, Err: fmt.Errorf("kind %s: %w", r.Kind, err)}
	}
	return nil
}
