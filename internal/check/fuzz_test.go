package check_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/check"
)

func FuzzGlob(f *testing.F) {
	for _, s := range []string{"/news/**", "**/a/*/b?c", "https://*.e.gov/**", "*", "?", "**", "/a*b*c*d*e*f"} {
		f.Add(s, "https://e.gov/news/a/b/c.html?x=1")
	}
	f.Fuzz(func(t *testing.T, glob, url string) {
		g, err := check.CompileGlob(glob)
		if err != nil {
			return
		}
		start := time.Now()
		g.Match(url)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("matching %q against %q took %v", glob, url, d)
		}
		// A glob without metacharacters matches exactly itself (as a path).
		if !strings.ContainsAny(glob, "*?") && strings.HasPrefix(glob, "/") && !strings.ContainsAny(glob, "?#") {
			if !g.Match("https://e.gov" + glob) {
				t.Fatalf("literal glob %q does not match itself", glob)
			}
		}
	})
}

// FuzzRuleFile loads arbitrary bytes as a rule file: the result is a rule
// set or a *RuleError naming the file, never a panic.
func FuzzRuleFile(f *testing.F) {
	f.Add([]byte(goodRule))
	f.Add([]byte("id: house/no-todo\ntitle: T\nseverity: error\nkind: expr\nassert: 'len(images) > 0 && headline != \"\"'\nevidence: 'title'\n"))
	f.Add([]byte("id: house/no-todo\ntitle: T\nseverity: warning\nkind: attribution\nparams: {allow_agency_only: false}\nscope: {include: ['/a/**'], kinds: [article], languages: [en]}\n"))
	f.Add([]byte("id: house/no-todo\ntitle: T\nseverity: note\nkind: language\nparams:\n  by_path: {\"/ru/\": ru}\n"))
	f.Add([]byte("&a [*a, *a]"))
	e, err := check.New(check.Options{Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := e.Load([]check.Source{rulesFS(map[string]string{"house/no-todo.yaml": string(data)})}, nil)
		if err != nil {
			var re *check.RuleError
			if !errors.As(err, &re) || re.File != "testrules/house/no-todo.yaml" {
				t.Fatalf("error %v (%T) does not name the file", err, err)
			}
		}
	})
}

// FuzzExpression compiles arbitrary assertions: an error or a rule, never
// a panic or a runaway compile.
func FuzzExpression(f *testing.F) {
	for _, s := range []string{`trim(headline) != ""`, `((((true))))`, `not not not true`, `all(images, {.credit != ""})`, `"a" + "b" == "ab"`, `[1,2,3][0] == 1`, `-(-(-1)) < 0`} {
		f.Add(s)
	}
	e, err := check.New(check.Options{Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, code string) {
		if strings.ContainsAny(code, "\n\r'") {
			return // keep the YAML single-quoted scalar simple
		}
		start := time.Now()
		_, _ = e.Load([]check.Source{rulesFS(map[string]string{"t/x.yaml": "id: t/x\ntitle: X\nseverity: note\nkind: expr\nassert: '" + code + "'\n"})}, nil)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("compiling %q took %v", code, d)
		}
	})
}

func FuzzWaivers(f *testing.F) {
	f.Add([]byte("waivers:\n  - rule: editorial/*\n    url: /a/**\n    reason: r\n    owner: o\n    expires: 2024-01-01\n"))
	f.Add([]byte("waivers:\n  - fingerprint: abc\n    reason: r\n    owner: o\n    expires: 2024-01-01T10:00:00Z\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := check.ParseWaivers("w.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "w.yaml") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		_ = w.Len()
	})
}

func FuzzBaseline(f *testing.F) {
	f.Add([]byte(`{"version": 1, "findings": [{"fingerprint": "a", "rule_id": "r", "url": "u"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := check.ReadBaseline(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := b.Write(&out); err != nil {
			t.Fatal(err)
		}
		again, err := check.ReadBaseline(&out)
		if err != nil || again.Len() != b.Len() {
			t.Fatalf("baseline does not round-trip: %v", err)
		}
	})
}
