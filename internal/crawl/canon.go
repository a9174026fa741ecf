package crawl

import (
	"net"
	"net/url"
	"path"
	"sort"
	"strings"
)

// The reasons an alias is recorded for, when a URL's canonical form
// differs from it in more than its fragment or the order of its query.
const (
	AliasTracking    = "tracking-param"
	AliasSession     = "session-id"
	AliasHostVariant = "host-variant"
	AliasRedirect    = "redirect-target"
	AliasSameContent = "same-content"
)

// Canonicalizer turns URLs into the form under which the crawl fetches and
// stores them. It is safe for concurrent use once built.
type Canonicalizer struct {
	opts    CanonOptions
	drop    []string // lower-case names; "x*" is a prefix
	session map[string]bool
	primary map[string][]*url.URL // bare host name → the seeds' origins
}

// NewCanonicalizer builds a canonicalizer. Sites lists the seeds' origins:
// unless opts.SeparateHostVariants is set, every http/https and www/bare
// variant of one of their hosts is rewritten to that origin.
func NewCanonicalizer(opts CanonOptions, sites []*url.URL) *Canonicalizer {
	c := &Canonicalizer{opts: opts, session: map[string]bool{}, primary: map[string][]*url.URL{}}
	for _, p := range opts.DropParams {
		c.drop = append(c.drop, strings.ToLower(p))
	}
	for _, p := range opts.SessionParams {
		c.session[strings.ToLower(p)] = true
	}
	for _, s := range sites {
		key := bareHost(s.Hostname())
		o := &url.URL{Scheme: strings.ToLower(s.Scheme), Host: normalHost(s)}
		dup := false
		for _, p := range c.primary[key] {
			dup = dup || (p.Scheme == o.Scheme && p.Host == o.Host)
		}
		if !dup {
			c.primary[key] = append(c.primary[key], o)
		}
	}
	return c
}

// Canonical returns the canonical form of an absolute http(s) URL, and the
// alias reasons that apply (tracking parameters or session ids removed, a
// host variant rewritten). The input is not modified.
func (c *Canonicalizer) Canonical(in *url.URL) (string, []string) {
	u := *in
	u.User = nil
	var reasons []string
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = normalHost(&u)
	if !c.opts.SeparateHostVariants {
		if o := c.origin(&u); o != nil && (u.Scheme != o.Scheme || u.Host != o.Host) {
			u.Scheme, u.Host = o.Scheme, o.Host
			reasons = append(reasons, AliasHostVariant)
		}
	}
	p, removed := c.cleanPath(u.EscapedPath())
	if removed {
		reasons = append(reasons, AliasSession)
	}
	q, qr := c.cleanQuery(u.RawQuery)
	reasons = append(reasons, qr...)
	var b strings.Builder
	b.Grow(len(in.Scheme) + len(u.Host) + len(p) + len(q) + 8)
	b.WriteString(u.Scheme)
	b.WriteString("://")
	b.WriteString(u.Host)
	b.WriteString(p)
	if q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	if c.opts.KeepFragment && u.Fragment != "" {
		b.WriteByte('#')
		b.WriteString(u.EscapedFragment())
	}
	return b.String(), reasons
}

// variantPort reports whether u's port allows it to be a host variant of
// origin o: the same explicit port, or the default port of its scheme.
func (c *Canonicalizer) variantPort(u, o *url.URL) bool {
	if u.Port() == o.Port() {
		return true
	}
	return u.Port() == ""
}

// origin returns the seed origin u is a host variant of (u itself if it is
// one), or nil.
func (c *Canonicalizer) origin(u *url.URL) *url.URL {
	list := c.primary[bareHost(u.Hostname())]
	host := normalHost(u)
	scheme := strings.ToLower(u.Scheme)
	for _, o := range list {
		if o.Host == host && o.Scheme == scheme {
			return o
		}
	}
	for _, o := range list {
		if o.Host == host || (bareHost(o.Hostname()) == bareHost(u.Hostname()) && c.variantPort(u, o)) {
			return o
		}
	}
	return nil
}

// SameSite reports whether u belongs to one of the seeds' sites (counting
// host variants unless they are kept separate).
func (c *Canonicalizer) SameSite(u *url.URL) bool {
	if c.opts.SeparateHostVariants {
		host := normalHost(u)
		for _, o := range c.primary[bareHost(u.Hostname())] {
			if o.Host == host && strings.EqualFold(u.Scheme, o.Scheme) {
				return true
			}
		}
		return false
	}
	return c.origin(u) != nil
}

// normalHost lower-cases the host, drops a trailing dot and the scheme's
// default port.
func normalHost(u *url.URL) string {
	host := strings.TrimRight(strings.ToLower(u.Hostname()), ".")
	port := u.Port()
	scheme := strings.ToLower(u.Scheme)
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		return net.JoinHostPort(strings.Trim(host, "[]"), port)
	}
	return host
}

// bareHost strips a leading "www." from a lower-case host name.
func bareHost(h string) string {
	return strings.TrimPrefix(strings.TrimRight(strings.ToLower(h), "."), "www.")
}

// cleanPath removes dot segments and session path parameters
// (;jsessionid=…) and normalises percent-encoding. It reports whether a
// session id was removed.
func (c *Canonicalizer) cleanPath(p string) (string, bool) {
	if p == "" {
		return "/", false
	}
	removed := false
	if strings.IndexByte(p, ';') >= 0 {
		segs := strings.Split(p, "/")
		for i, s := range segs {
			parts := strings.Split(s, ";")
			keep := parts[:1]
			for _, param := range parts[1:] {
				name, _, _ := strings.Cut(param, "=")
				if c.session[strings.ToLower(name)] {
					removed = true
					continue
				}
				keep = append(keep, param)
			}
			segs[i] = strings.Join(keep, ";")
		}
		p = strings.Join(segs, "/")
	}
	p = normalEscapes(p)
	if strings.Contains(p, "/.") || strings.HasPrefix(p, ".") {
		trailing := strings.HasSuffix(p, "/") || strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..")
		p = path.Clean("/" + p)
		if trailing && p != "/" {
			p += "/"
		}
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return p, removed
}

// cleanQuery removes empty, tracking and session parameters, normalises
// percent-encoding and sorts the rest by name then value (unless the order
// is kept). It returns the alias reasons that apply.
func (c *Canonicalizer) cleanQuery(q string) (string, []string) {
	if q == "" {
		return "", nil
	}
	var reasons []string
	pairs := strings.Split(q, "&")
	keep := pairs[:0]
	for _, pair := range pairs {
		if pair == "" {
			continue
		}
		rawName, _, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(rawName)
		if err != nil {
			name = rawName
		}
		name = strings.ToLower(name)
		switch {
		case c.session[name]:
			reasons = appendOnce(reasons, AliasSession)
			continue
		case c.dropped(name):
			reasons = appendOnce(reasons, AliasTracking)
			continue
		}
		keep = append(keep, normalEscapes(pair))
	}
	if !c.opts.KeepQueryOrder {
		sort.SliceStable(keep, func(i, j int) bool {
			ni, _, _ := strings.Cut(keep[i], "=")
			nj, _, _ := strings.Cut(keep[j], "=")
			if ni != nj {
				return ni < nj
			}
			return keep[i] < keep[j]
		})
	}
	return strings.Join(keep, "&"), reasons
}

func (c *Canonicalizer) dropped(name string) bool {
	for _, d := range c.drop {
		if strings.HasSuffix(d, "*") {
			if strings.HasPrefix(name, d[:len(d)-1]) {
				return true
			}
		} else if name == d {
			return true
		}
	}
	return false
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// normalEscapes upper-cases percent-escapes, decodes those of unreserved
// characters and escapes bytes that may not appear raw in a URL.
func normalEscapes(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b == '%' || b <= ' ' || b >= 0x7f || b == '"' || b == '<' || b == '>' || b == '\\' || b == '^' || b == '`' || b == '{' || b == '|' || b == '}' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v := unhex(s[i+1])<<4 | unhex(s[i+2])
			if isUnreserved(v) {
				b.WriteByte(v)
			} else {
				b.WriteByte('%')
				b.WriteByte(hex[v>>4])
				b.WriteByte(hex[v&15])
			}
			i += 2
			continue
		}
		if ch == '%' || ch <= ' ' || ch >= 0x7f || ch == '"' || ch == '<' || ch == '>' || ch == '\\' || ch == '^' || ch == '`' || ch == '{' || ch == '|' || ch == '}' {
			b.WriteByte('%')
			b.WriteByte(hex[ch>>4])
			b.WriteByte(hex[ch&15])
			continue
		}
		b.WriteByte(ch)
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}
