package check_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/check"
)

func TestLoadDefaultPack(t *testing.T) {
	e := newEngine(t)
	set, err := e.Load(editorialSource(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"editorial/attribution-missing", "editorial/breadcrumbs-missing", "editorial/breadcrumbs-section-mismatch",
		"editorial/byline-empty", "editorial/charset-conflict", "editorial/charset-undeclared", "editorial/charset-wrong",
		"editorial/credit-without-image", "editorial/date-in-future", "editorial/date-missing",
		"editorial/dateline-date-mismatch", "editorial/dateline-malformed", "editorial/duplicate-headline",
		"editorial/headline-missing", "editorial/image-credit-missing", "editorial/lang-mismatch",
		"editorial/lang-missing", "editorial/multiple-h1", "editorial/placeholder-text",
	}
	got := set.Rules()
	if len(got) != len(want) {
		t.Fatalf("%d rules, want %d", len(got), len(want))
	}
	for i, r := range got {
		if r.ID != want[i] {
			t.Errorf("rule %d = %s, want %s", i, r.ID, want[i])
		}
		if r.Help == "" || r.Fix == "" || r.Example == "" || r.HelpURL == "" || r.Pack != "editorial" || len(r.Tags) == 0 {
			t.Errorf("rule %s lacks help, fix, example, help URL, pack or tags", r.ID)
		}
		if !strings.HasPrefix(r.File, "rules/editorial/") || r.Line != 1 {
			t.Errorf("rule %s from %s:%d", r.ID, r.File, r.Line)
		}
	}
	if len(set.Hash()) != 64 {
		t.Errorf("hash %q", set.Hash())
	}
	again, err := e.Load(editorialSource(t), nil)
	if err != nil || again.Hash() != set.Hash() {
		t.Errorf("the rules hash is not stable: %v", err)
	}
}

const goodRule = `id: house/no-todo
title: No TODO
severity: warning
kind: placeholder-text
`

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		file  string
		line  int
		msg   string
	}{
		{"yaml syntax", map[string]string{"house/a.yaml": "id: house/a\ntitle: [unclosed\n"}, "testrules/house/a.yaml", 0, "did not find expected"},
		{"not a mapping", map[string]string{"house/a.yaml": "- 1\n"}, "testrules/house/a.yaml", 1, "want a YAML mapping"},
		{"unknown key", map[string]string{"house/a.yaml": "id: house/a\ntitle: T\nseverity: error\nkind: expr\nassert: 'true'\nasert: x\n"}, "testrules/house/a.yaml", 0, "line 6: field asert not found"},
		{"missing id", map[string]string{"house/a.yaml": "title: T\nseverity: error\nkind: expr\n"}, "testrules/house/a.yaml", 1, "missing id"},
		{"id and file name", map[string]string{"house/a.yaml": "id: house/b\ntitle: T\nseverity: error\nkind: expr\nassert: 'true'\n"}, "testrules/house/a.yaml", 1, `does not end with the file name "a"`},
		{"bad id", map[string]string{"house/a.yaml": "id: House/A\ntitle: T\nseverity: error\nkind: expr\n"}, "testrules/house/a.yaml", 1, "want lowercase"},
		{"severity", map[string]string{"house/a.yaml": "id: house/a\ntitle: T\n\nseverity: fatal\nkind: expr\nassert: 'true'\n"}, "testrules/house/a.yaml", 4, `unknown severity "fatal"`},
		{"unknown kind", map[string]string{"house/a.yaml": "id: house/a\ntitle: T\nseverity: note\nkind: spelling\n"}, "testrules/house/a.yaml", 4, `unknown kind "spelling"`},
		{"unknown param", map[string]string{"house/a.yaml": "id: house/a\ntitle: T\nseverity: note\nkind: attribution\nparams:\n  allow_agency: false\n"}, "testrules/house/a.yaml", 6, `unknown parameter "allow_agency"`},
		{"param type", map[string]string{"house/a.yaml": "id: house/a\ntitle: T\nseverity: note\nkind: attribution\nparams:\n  allow_agency_only: maybe\n"}, "testrules/house/a.yaml", 6, "cannot unmarshal"},
		{"param value", map[string]string{"house/a.yaml": "id: house/a\ntitle: T\nseverity: note\nkind: placeholder-text\nparams:\n  patterns: ['(unclosed']\n"}, "testrules/house/a.yaml", 6, "missing closing )"},
		{"expr type", map[string]string{"house/a.yaml": "id: house/a\ntitle: T\nseverity: note\nkind: expr\nassert: 'headline + 1'\n"}, "testrules/house/a.yaml", 5, "assert:"},
		{"expr not bool", map[string]string{"house/a.yaml": "id: house/a\ntitle: T\nseverity: note\nkind: expr\nassert: 'headline'\n"}, "testrules/house/a.yaml", 5, "expected bool"},
		{"expr unknown field", map[string]string{"house/a.yaml": "id: house/a\ntitle: T\nseverity: note\nkind: expr\nassert: 'byline != \"\"'\n"}, "testrules/house/a.yaml", 5, "unknown name byline"},
		{"evidence not string", map[string]string{"house/a.yaml": "id: house/a\ntitle: T\nseverity: note\nkind: expr\nassert: 'true'\nevidence: 'word_count'\n"}, "testrules/house/a.yaml", 6, "evidence:"},
		{"expr too long", map[string]string{"house/a.yaml": "id: house/a\ntitle: T\nseverity: note\nkind: expr\nassert: '" + strings.Repeat("true && ", 200) + "true'\n"}, "testrules/house/a.yaml", 5, "longer than"},
		{"expr nested", map[string]string{"house/a.yaml": "id: house/a\ntitle: T\nseverity: note\nkind: expr\nassert: '" + strings.Repeat("(", 40) + "true" + strings.Repeat(")", 40) + "'\n"}, "testrules/house/a.yaml", 5, "nested deeper"},
		{"expr not-chain", map[string]string{"house/a.yaml": "id: house/a\ntitle: T\nseverity: note\nkind: expr\nassert: '" + strings.Repeat("not ", 40) + "true'\n"}, "testrules/house/a.yaml", 5, "nested deeper"},
		{"expr without assert", map[string]string{"house/a.yaml": "id: house/a\ntitle: T\nseverity: note\nkind: expr\n"}, "testrules/house/a.yaml", 1, "needs assert"},
		{"when on a kind", map[string]string{"house/a.yaml": "id: house/a\ntitle: T\nseverity: note\nkind: attribution\nwhen: 'true'\n"}, "testrules/house/a.yaml", 4, "belong to kind"},
		{"scope kind", map[string]string{"house/a.yaml": "id: house/a\ntitle: T\nseverity: note\nkind: attribution\nscope:\n  kinds: [story]\n"}, "testrules/house/a.yaml", 5, `unknown page kind "story"`},
		{"duplicate id", map[string]string{"house/no-todo.yaml": goodRule, "other/house/no-todo.yaml": goodRule}, "testrules/other/house/no-todo.yaml", 1, "also defined in testrules/house/no-todo.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newEngine(t).Load([]check.Source{rulesFS(tc.files)}, nil)
			var re *check.RuleError
			if !errors.As(err, &re) {
				t.Fatalf("error %v (%T), want a *check.RuleError", err, err)
			}
			if re.File != tc.file || (tc.line != 0 && re.Line != tc.line) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q (file %s line %d), want file %s line %d and %q", err, re.File, re.Line, tc.file, tc.line, tc.msg)
			}
		})
	}
}

func overrides(t *testing.T, text string) check.Overrides {
	t.Helper()
	o, err := check.ParseOverrides("config", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestOverrides(t *testing.T) {
	e := newEngine(t)
	files := map[string]string{
		"house/no-todo.yaml": goodRule,
		"house/attribution.yaml": `id: house/attribution
title: Attribution
severity: error
kind: attribution
params: {allow_agency_only: true}
scope: {kinds: [article]}
`,
	}
	set := mustLoad(t, e, files, overrides(t, `
house/*:
  severity: note
house/attribution:
  severity: warning
  params: {allow_agency_only: false}
  scope: {include: ["/news/**"]}
`))
	a := set.Rule("house/attribution")
	if a.Severity != archive.SeverityWarning || a.DefaultSeverity != archive.SeverityError {
		t.Errorf("exact override must win over the glob: %s (default %s)", a.Severity, a.DefaultSeverity)
	}
	if set.Rule("house/no-todo").Severity != archive.SeverityNote {
		t.Error("glob override not applied")
	}
	if len(a.Scope.Include) != 1 || len(a.Scope.Kinds) != 1 {
		t.Errorf("scope %+v: include replaced, kinds kept", a.Scope)
	}
	base := mustLoad(t, e, files, nil)
	if base.Hash() == set.Hash() {
		t.Error("overrides do not change the rules hash")
	}
	// The params override is in force: agency-only articles now fail.
	p := article("https://www.example.gov/news/x.html")
	p.Authors = nil
	m := memArchive(t, p)
	res, err := e.Check(t.Context(), check.Request{Archive: m, Rules: set})
	if err != nil {
		t.Fatal(err)
	}
	if got := byRule(res)["house/attribution"]; len(got) != 1 {
		t.Errorf("agency-only article with allow_agency_only overridden to false: %v", byRule(res))
	}
	off := mustLoad(t, e, files, overrides(t, "house/no-todo: {disabled: true}\n"))
	if off.Rule("house/no-todo") != nil {
		t.Error("disabled rule still loaded")
	}
	for _, bad := range []string{"house/nothing: {severity: error}\n", "house/no-todo: {severity: fatal}\n", "house/attribution: {params: {colour: red}}\n"} {
		if _, err := e.Load([]check.Source{rulesFS(files)}, overrides(t, bad)); err == nil {
			t.Errorf("override %q accepted", bad)
		}
	}
	if _, err := check.ParseOverrides("config", []byte("house/a: {severty: note}\n")); err == nil {
		t.Error("unknown override key accepted")
	}
}

func TestParamsDecode(t *testing.T) {
	p, err := check.ParamsFromYAML("a: 1\nb: [x, y]\n")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		A int      `yaml:"a"`
		B []string `yaml:"b"`
		C string   `yaml:"c"`
	}
	v.C = "default"
	if err := p.Decode(&v); err != nil || v.A != 1 || len(v.B) != 2 || v.C != "default" {
		t.Errorf("decode: %+v %v", v, err)
	}
	var narrow struct {
		A int `yaml:"a"`
	}
	if err := p.Decode(&narrow); err == nil || !strings.Contains(err.Error(), `unknown parameter "b"`) {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := check.ParamsFromYAML("- 1\n"); err == nil {
		t.Error("a list accepted as params")
	}
}

func TestEngineKinds(t *testing.T) {
	if _, err := check.New(check.Options{Kinds: []check.Kind{{Name: "attribution", Page: func(*check.Rule, check.Params) (check.PageCheck, error) { return nil, nil }}}}); err == nil {
		t.Error("a kind registered twice was accepted")
	}
	if _, err := check.New(check.Options{Kinds: []check.Kind{{Name: "x"}}}); err == nil {
		t.Error("a kind without Page or Site was accepted")
	}
	if _, err := check.New(check.Options{Kinds: []check.Kind{{Name: "expr", Site: func(*check.Rule, check.Params) (check.SiteCheck, error) { return nil, nil }}}}); err == nil {
		t.Error("the reserved name expr was accepted")
	}
	names := map[string]bool{}
	for _, k := range newEngine(t).Kinds() {
		names[k.Name] = true
		if k.Summary == "" {
			t.Errorf("kind %s has no summary", k.Name)
		}
	}
	for _, want := range []string{"attribution", "published-date", "future-date", "dateline-date", "dateline-format", "image-credit", "orphan-credit", "breadcrumb-section", "duplicate-headline", "language", "placeholder-text"} {
		if !names[want] {
			t.Errorf("built-in kind %s missing", want)
		}
	}
}
