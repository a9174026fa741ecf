package extract

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/andybalholm/cascadia"
	"go.yaml.in/yaml/v3"
	"golang.org/x/net/html"
)

// Profile holds the CSS selectors of one site's templates. Every selector
// is optional; a set selector overrides the extractor's heuristic for that
// field on the profile's hosts.
type Profile struct {
	Name        string   `yaml:"name"`
	Hosts       []string `yaml:"hosts"` // host names; a leading "*." also matches subdomains
	Headline    string   `yaml:"headline"`
	Date        string   `yaml:"date"` // an element whose text (or datetime) is the published date
	Body        string   `yaml:"body"`
	Author      string   `yaml:"author"`
	Source      string   `yaml:"source"`
	Breadcrumbs string   `yaml:"breadcrumbs"`
	Menu        string   `yaml:"menu"`
	Calendar    string   `yaml:"calendar"`
	Credit      string   `yaml:"credit"`
	Images      string   `yaml:"images"`
	Remove      []string `yaml:"remove"` // noise blocks dropped before extraction
	Kinds       []Kind   `yaml:"kinds"`
	Notes       string   `yaml:"notes"`

	compiled map[string]cascadia.SelectorGroup
}

// Kind maps URLs matching a regular expression to a page kind.
type Kind struct {
	URL  string `yaml:"url"`  // a regular expression matched against the path and query
	Kind string `yaml:"kind"` // article, listing, day-archive, calendar, home, other
	re   *regexp.Regexp
}

// Profiles is a set of site profiles, looked up by host.
type Profiles struct {
	byHost map[string]*Profile
	wild   map[string]*Profile
	list   []*Profile
}

// LoadProfiles reads every *.yaml file at the top of fsys (for example
// rules.Profiles under "profiles") and compiles the selectors. A file may
// hold one profile or a YAML list of them.
func LoadProfiles(fsys fs.FS, dir string) (*Profiles, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read profiles: %w", err)
	}
	ps := &Profiles{byHost: map[string]*Profile{}, wild: map[string]*Profile{}}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, name := range names {
		data, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read profile %s: %w", name, err)
		}
		list, err := ParseProfiles(data)
		if err != nil {
			return nil, fmt.Errorf("profile %s: %w", name, err)
		}
		for _, p := range list {
			if err := ps.add(p); err != nil {
				return nil, fmt.Errorf("profile %s: %w", name, err)
			}
		}
	}
	return ps, nil
}

// ParseProfiles parses one YAML document holding a profile or a list of
// profiles, and compiles their selectors.
func ParseProfiles(data []byte) ([]*Profile, error) {
	var list []*Profile
	trimmed := bytes.TrimSpace(data)
	if bytes.HasPrefix(trimmed, []byte("-")) {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&list); err != nil {
			return nil, fmt.Errorf("parse: %w", err)
		}
	} else {
		var p Profile
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("parse: %w", err)
		}
		list = []*Profile{&p}
	}
	for _, p := range list {
		if err := p.compile(); err != nil {
			return nil, err
		}
	}
	return list, nil
}

func (p *Profile) compile() error {
	if len(p.Hosts) == 0 {
		return fmt.Errorf("profile %q: no hosts", p.Name)
	}
	p.compiled = map[string]cascadia.SelectorGroup{}
	sels := []string{p.Headline, p.Date, p.Body, p.Author, p.Source, p.Breadcrumbs, p.Menu, p.Calendar, p.Credit, p.Images}
	sels = append(sels, p.Remove...)
	for _, s := range sels {
		if s == "" {
			continue
		}
		g, err := cascadia.ParseGroup(s)
		if err != nil {
			return fmt.Errorf("profile %q: selector %q: %w", p.Name, s, err)
		}
		p.compiled[s] = g
	}
	for i := range p.Kinds {
		re, err := regexp.Compile(p.Kinds[i].URL)
		if err != nil {
			return fmt.Errorf("profile %q: kind URL %q: %w", p.Name, p.Kinds[i].URL, err)
		}
		switch p.Kinds[i].Kind {
		case "article", "listing", "day-archive", "calendar", "home", "other":
		default:
			return fmt.Errorf("profile %q: unknown kind %q", p.Name, p.Kinds[i].Kind)
		}
		p.Kinds[i].re = re
	}
	return nil
}

func (ps *Profiles) add(p *Profile) error {
	for _, h := range p.Hosts {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			return errors.New("empty host")
		}
		if strings.HasPrefix(h, "*.") {
			ps.wild[strings.TrimPrefix(h, "*.")] = p
			continue
		}
		ps.byHost[h] = p
	}
	ps.list = append(ps.list, p)
	return nil
}

// For returns the profile of a host, nil if none.
func (ps *Profiles) For(host string) *Profile {
	if ps == nil || host == "" {
		return nil
	}
	host = strings.ToLower(host)
	if p, ok := ps.byHost[host]; ok {
		return p
	}
	for h := host; ; {
		if p, ok := ps.wild[h]; ok {
			return p
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			return nil
		}
		h = h[i+1:]
	}
}

// List returns the profiles in the order they were loaded.
func (ps *Profiles) List() []*Profile {
	if ps == nil {
		return nil
	}
	return ps.list
}

// first returns the first element matching sel, nil if none or sel is "".
func (p *Profile) first(root *html.Node, sel string) *html.Node {
	if p == nil || sel == "" {
		return nil
	}
	g, ok := p.compiled[sel]
	if !ok {
		return nil
	}
	return cascadia.Query(root, g)
}

// all returns every element matching sel.
func (p *Profile) all(root *html.Node, sel string) []*html.Node {
	if p == nil || sel == "" {
		return nil
	}
	g, ok := p.compiled[sel]
	if !ok {
		return nil
	}
	return cascadia.QueryAll(root, g)
}
