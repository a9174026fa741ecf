package check

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Params are the `params:` of a rule file, handed to a kind when the rule
// is compiled. The zero value means the rule gave no parameters.
type Params struct {
	node *yaml.Node
}

// ParamsFromYAML parses YAML text into Params, for tests of kinds and for
// parameters given in the configuration file.
func ParamsFromYAML(text string) (Params, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return Params{}, fmt.Errorf("params: %w", err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return Params{}, nil
	}
	n := doc.Content[0]
	if n.Kind != yaml.MappingNode && !(n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return Params{}, fmt.Errorf("params: line %d: want a mapping", n.Line)
	}
	return Params{node: n}, nil
}

// IsZero reports whether the rule gave no parameters.
func (p Params) IsZero() bool {
	return p.node == nil || p.node.Kind != yaml.MappingNode || len(p.node.Content) == 0
}

// Line returns the line of the `params:` mapping in its file, 0 if unknown.
func (p Params) Line() int {
	if p.node == nil {
		return 0
	}
	return p.node.Line
}

// Decode decodes the parameters into v, a pointer to a struct whose fields
// carry `yaml:"name"` tags. Fields absent from the rule keep the values v
// already holds, so callers set defaults first. A key that names no field
// is an error, as is a value of the wrong type; both name the line.
func (p Params) Decode(v any) error {
	if p.IsZero() {
		return nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return errors.New("params: Decode wants a pointer to a struct")
	}
	known := map[string]bool{}
	collectYAMLNames(rv.Elem().Type(), known)
	for i := 0; i+1 < len(p.node.Content); i += 2 {
		k := p.node.Content[i]
		if !known[k.Value] {
			names := make([]string, 0, len(known))
			for n := range known {
				names = append(names, n)
			}
			slices.Sort(names)
			return fmt.Errorf("params: line %d: unknown parameter %q (known: %s)", k.Line, k.Value, strings.Join(names, ", "))
		}
	}
	if err := p.node.Decode(v); err != nil {
		return fmt.Errorf("params: line %d: %w", p.node.Line, err)
	}
	return nil
}

// merge returns p with the keys of over replacing or adding to its own.
func (p Params) merge(over Params) Params {
	if over.IsZero() {
		return p
	}
	if p.IsZero() {
		return over
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: p.node.Line, Column: p.node.Column}
	replaced := map[string]bool{}
	for i := 0; i+1 < len(over.node.Content); i += 2 {
		replaced[over.node.Content[i].Value] = true
	}
	for i := 0; i+1 < len(p.node.Content); i += 2 {
		if !replaced[p.node.Content[i].Value] {
			out.Content = append(out.Content, p.node.Content[i], p.node.Content[i+1])
		}
	}
	out.Content = append(out.Content, over.node.Content...)
	return Params{node: out}
}

func collectYAMLNames(t reflect.Type, into map[string]bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(opts, "inline") && f.Type.Kind() == reflect.Struct {
			collectYAMLNames(f.Type, into)
			continue
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		into[name] = true
	}
}
