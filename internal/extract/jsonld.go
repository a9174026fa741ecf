package extract

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ldAuthor is an author named in JSON-LD.
type ldAuthor struct {
	Name   string
	Person bool // @type Person (or no type, a plain string)
	Org    bool // @type Organization, NewsMediaOrganization, …
}

// ldArticle is what the extractor reads from a JSON-LD Article-like node.
type ldArticle struct {
	Type          string
	Headline      string
	Name          string
	DatePublished string
	DateCreated   string
	DateModified  string
	Authors       []ldAuthor
	Publisher     string
	Lang          string
	Images        []ldImage
}

// ldImage is an ImageObject with its credit.
type ldImage struct {
	URL, Credit string
}

// ldCrumb is one ListItem of a BreadcrumbList.
type ldCrumb struct {
	Pos  float64
	Name string
	URL  string
}

// ldData is everything read from a page's JSON-LD blocks.
type ldData struct {
	Articles []ldArticle
	Crumbs   []ldCrumb
	SiteName string
	Types    []string
	Errors   int
}

var (
	reTrailingComma = regexp.MustCompile(`,\s*([}\]])`)
	reControl       = regexp.MustCompile(`[\x00-\x08\x0b\x0c\x0e-\x1f]`)
)

// maxJSONLD bounds the size of one JSON-LD block the extractor reads.
const maxJSONLD = 2 << 20

func readJSONLD(doc *html.Node) ldData {
	var out ldData
	for _, s := range findAll(doc, func(n *html.Node) bool {
		return n.DataAtom == atom.Script && strings.Contains(strings.ToLower(attr(n, "type")), "ld+json")
	}) {
		if s.FirstChild == nil {
			continue
		}
		raw := strings.TrimSpace(s.FirstChild.Data)
		if raw == "" || len(raw) > maxJSONLD {
			continue
		}
		raw = strings.TrimSuffix(strings.TrimPrefix(raw, "<!--"), "-->")
		raw = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(raw), "//<![CDATA["), "//]]>")
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			fixed := reTrailingComma.ReplaceAllString(reControl.ReplaceAllString(raw, " "), "$1")
			if err := json.Unmarshal([]byte(fixed), &v); err != nil {
				out.Errors++
				continue
			}
		}
		out.visit(v, 0)
	}
	return out
}

func (d *ldData) visit(v any, depth int) {
	if depth > 8 {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			d.visit(e, depth+1)
		}
	case map[string]any:
		if g, ok := x["@graph"]; ok {
			d.visit(g, depth+1)
		}
		types := ldTypes(x["@type"])
		d.Types = append(d.Types, types...)
		for _, t := range types {
			switch {
			case t == "BreadcrumbList":
				d.readCrumbs(x)
			case t == "WebSite" || t == "Organization" || t == "NewsMediaOrganization":
				if d.SiteName == "" && t == "WebSite" {
					d.SiteName = ldString(x["name"])
				}
			case isArticleType(t):
				d.Articles = append(d.Articles, readArticle(x, t))
			}
		}
		// Some sites nest the article in mainEntity or mainEntityOfPage.
		for _, k := range []string{"mainEntity", "mainEntityOfPage"} {
			if m, ok := x[k].(map[string]any); ok {
				if _, typed := m["@type"]; typed {
					d.visit(m, depth+1)
				}
			}
		}
	}
}

func isArticleType(t string) bool {
	switch t {
	case "Article", "NewsArticle", "BlogPosting", "Blog", "ReportageNews", "AnalysisNewsArticle", "OpinionNewsArticle",
		"BackgroundNewsArticle", "ReviewNewsArticle", "LiveBlogPosting", "ScholarlyArticle", "TechArticle", "Report",
		"SocialMediaPosting", "DiscussionForumPosting", "PressRelease", "SatiricalArticle", "AdvertiserContentArticle",
		"WebPage", "ItemPage", "AboutPage", "Recipe", "VideoObject", "Event":
		return true
	}
	return false
}

func ldTypes(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{strings.TrimPrefix(strings.TrimPrefix(x, "http://schema.org/"), "https://schema.org/")}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, ldTypes(e)...)
		}
		return out
	}
	return nil
}

func ldString(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(html.UnescapeString(x))
	case []any:
		if len(x) > 0 {
			return ldString(x[0])
		}
	case map[string]any:
		if s := ldString(x["@value"]); s != "" {
			return s
		}
		return ldString(x["name"])
	case float64:
		return strings.TrimSpace(strings.TrimRight(strings.TrimRight(jsonNumber(x), "0"), "."))
	}
	return ""
}

func jsonNumber(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

func readArticle(x map[string]any, t string) ldArticle {
	a := ldArticle{
		Type:          t,
		Headline:      ldString(x["headline"]),
		Name:          ldString(x["name"]),
		DatePublished: ldString(x["datePublished"]),
		DateCreated:   ldString(x["dateCreated"]),
		DateModified:  ldString(x["dateModified"]),
		Lang:          ldString(x["inLanguage"]),
	}
	if t == "VideoObject" && a.DatePublished == "" {
		a.DatePublished = ldString(x["uploadDate"])
	}
	a.Authors = ldAuthors(x["author"], 0)
	if len(a.Authors) == 0 {
		a.Authors = ldAuthors(x["creator"], 0)
	}
	if p, ok := x["publisher"].(map[string]any); ok {
		a.Publisher = ldString(p["name"])
	} else {
		a.Publisher = ldString(x["publisher"])
	}
	a.Images = ldImages(x["image"], 0)
	return a
}

func ldAuthors(v any, depth int) []ldAuthor {
	if depth > 3 {
		return nil
	}
	switch x := v.(type) {
	case string:
		s := strings.TrimSpace(html.UnescapeString(x))
		if s == "" || strings.HasPrefix(s, "http") || strings.HasPrefix(s, "/") {
			return nil
		}
		return []ldAuthor{{Name: s, Person: true}}
	case []any:
		var out []ldAuthor
		for _, e := range x {
			out = append(out, ldAuthors(e, depth+1)...)
		}
		return out
	case map[string]any:
		name := ldString(x["name"])
		if name == "" {
			given, family := ldString(x["givenName"]), ldString(x["familyName"])
			name = strings.TrimSpace(given + " " + family)
		}
		if name == "" {
			return nil
		}
		types := ldTypes(x["@type"])
		a := ldAuthor{Name: name, Person: len(types) == 0}
		for _, t := range types {
			if t == "Person" {
				a.Person = true
			}
			if strings.Contains(t, "Organization") || t == "Corporation" || t == "GovernmentOrganization" || t == "NewsMediaOrganization" {
				a.Org = true
			}
		}
		return []ldAuthor{a}
	}
	return nil
}

func ldImages(v any, depth int) []ldImage {
	if depth > 3 {
		return nil
	}
	switch x := v.(type) {
	case string:
		return []ldImage{{URL: x}}
	case []any:
		var out []ldImage
		for _, e := range x {
			out = append(out, ldImages(e, depth+1)...)
		}
		return out
	case map[string]any:
		img := ldImage{URL: ldString(x["url"])}
		if img.URL == "" {
			img.URL = ldString(x["contentUrl"])
		}
		for _, k := range []string{"creditText", "copyrightHolder", "author", "creator"} {
			if c := ldString(x[k]); c != "" {
				img.Credit = c
				break
			}
		}
		return []ldImage{img}
	}
	return nil
}

func (d *ldData) readCrumbs(x map[string]any) {
	items, _ := x["itemListElement"].([]any)
	var crumbs []ldCrumb
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		c := ldCrumb{Name: ldString(m["name"])}
		c.Pos, _ = m["position"].(float64)
		switch item := m["item"].(type) {
		case string:
			c.URL = item
		case map[string]any:
			if c.Name == "" {
				c.Name = ldString(item["name"])
			}
			c.URL = ldString(item["@id"])
			if c.URL == "" {
				c.URL = ldString(item["url"])
			}
		}
		if c.Name != "" {
			crumbs = append(crumbs, c)
		}
	}
	sort.SliceStable(crumbs, func(i, j int) bool { return crumbs[i].Pos < crumbs[j].Pos })
	if len(crumbs) > len(d.Crumbs) {
		d.Crumbs = crumbs
	}
}

// mainArticle returns the JSON-LD node that describes the page's article:
// the first of a news or blog type, else the first Article-like one.
func (d *ldData) mainArticle() *ldArticle {
	rank := func(t string) int {
		switch t {
		case "NewsArticle", "ReportageNews", "AnalysisNewsArticle", "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "LiveBlogPosting", "PressRelease":
			return 4
		case "Article", "BlogPosting", "ScholarlyArticle", "TechArticle", "Report", "SatiricalArticle", "SocialMediaPosting", "DiscussionForumPosting", "AdvertiserContentArticle":
			return 3
		case "WebPage", "ItemPage", "AboutPage":
			return 1
		}
		return 2
	}
	var best *ldArticle
	for i := range d.Articles {
		a := &d.Articles[i]
		if best == nil || rank(a.Type) > rank(best.Type) {
			best = a
		}
	}
	return best
}
