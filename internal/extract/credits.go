package extract

import (
	"regexp"
	"strings"

	"github.com/archiver-dev/archiver/internal/archive"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Where a credit was found, recorded in archive.Image.CreditSource.
const (
	CreditFromFigcaption = "figcaption"
	CreditFromCaption    = "caption"
	CreditFromAlt        = "alt"
	CreditFromNear       = "near"    // an element right after the image
	CreditFromGallery    = "gallery" // one credit for a group of images
	CreditFromJSONLD     = "json-ld"
	CreditFromProfile    = "profile"
)

var (
	// "Photo by X", "Photos by X", "Photo: X", "Фото: БЕЛТА", "Фото М. Гучека. БЕЛТА", "Video: X", "© X", "Credit: X".
	reCredit = regexp.MustCompile(`(?i)(?:^|[\s(\[|.,;])((?:(?:аўтар|автор|author)\s+)?(?:photos?|photographs?|photography|pictures?|images?|video|videos|footage|фот[оа]\p{L}*|фатаграфія|фотограф|видео|відэа|відео|bild|bilder|foto|fotos|zdjęcie|zdjęcia|fot\.)\s*(?:by|courtesy of|courtesy|credit|von|:|—|–|-|/)?\s*:?\s*([^\n|]{2,80}?)|(?:credits?|bildquelle|fotoquelle)\s*:\s*([^\n|]{2,80}?)|©\s*(?:\d{4}\s*)?([^\n|]{2,80}?)|\(c\)\s*([^\n|]{2,80}?))\s*[)\]]?\s*$`)
)

// creditClassSubs are the class and id words of a credit element.
var creditClassSubs = []string{"credit", "copyright", "photographer", "photo-author", "photo_author", "image-source", "img-source", "caption-source", "author-photo", "photo-by", "source"}

// creditClass reports whether a lower-cased class and id name a credit.
func creditClass(ci string) bool { return containsAny(ci, creditClassSubs) }

// skipImageSubs mark, in an image's URL or class (lower-cased), what is
// not a content image: logos, icons, avatars, pixels, ads…
var skipImageSubs = []string{"logo", "icon", "sprite", "avatar", "pixel", "spacer", "blank.gif", "banner", "badge", "emoji", "button", "tracking", "/ad/", "/ads/", "/adx/", "counter", "gravatar", "rating", "flag"}

// creditOf parses a credit in text: it returns the credited name, the
// credit as printed and the kind (photo or video).
func creditOf(text string) (name, printed, kind string, ok bool) {
	t := collapse(text)
	if t == "" || runeLen(t) > 300 {
		return "", "", "", false
	}
	m := reCredit.FindStringSubmatchIndex(t)
	if m == nil {
		return "", "", "", false
	}
	for g := 2; g <= 5; g++ {
		if m[2*g] >= 0 {
			name = t[m[2*g]:m[2*g+1]]
			break
		}
	}
	name = strings.Trim(name, " .,;:()[]—–-")
	if name == "" || wordCount(name) > 8 {
		return "", "", "", false
	}
	printed = strings.Trim(t[m[2]:m[3]], " ()[]")
	kind = "photo"
	low := strings.ToLower(printed)
	if strings.HasPrefix(low, "video") || strings.HasPrefix(low, "видео") || strings.HasPrefix(low, "відэа") || strings.HasPrefix(low, "відео") || strings.HasPrefix(low, "footage") {
		kind = "video"
	}
	return name, printed, kind, true
}

// extractImages lists the images of the main content and binds each credit
// to the image or gallery it belongs to: the figcaption, a caption or credit
// element right after the image, the image's alt or title, or one credit
// after a group of images. Credits bound to no image are kept as well.
func (d *doc) extractImages() {
	p := d.page
	scope := d.main
	if scope == nil {
		scope = d.body
	}
	// The article's images: those of the main content, plus those between
	// the headline and the main content (a lead photo above the text).
	var imgs []*html.Node
	walk(d.body, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		if skipText(n) && n.DataAtom != atom.Noscript {
			return false
		}
		if d.isChrome(n) || n.DataAtom == atom.Aside || n.DataAtom == atom.Footer || n.DataAtom == atom.Noscript {
			return false
		}
		if n.DataAtom == atom.Img && (contains(scope, n) || d.nearHeadline(n)) && !skipImage(n) {
			imgs = append(imgs, n)
		}
		return true
	})
	if d.profile != nil && d.profile.Images != "" {
		imgs = d.profile.all(d.root, d.profile.Images)
	}
	used := map[*html.Node]bool{}
	for _, img := range imgs {
		im := archive.Image{Src: d.resolve(imageSrc(img)), Alt: collapse(attr(img, "alt"))}
		if im.Src == "" {
			im.Src = imageSrc(img)
		}
		im.Caption = d.captionOf(img)
		if name, printed, kind, ok := d.creditFor(img, used); ok {
			im.Credit, im.CreditText, im.CreditSource = name, printed.text, printed.from
			p.Credits = append(p.Credits, archive.Credit{Kind: kind, Name: name, Text: printed.text, Image: im.Src})
		}
		p.Images = append(p.Images, im)
	}
	// A credit after a group of images belongs to all of them.
	d.galleryCredits(used)
	// Credits that no image claimed, outside the page's chrome: a
	// "© 2024 Site name" notice in the footer or a sidebar is the site's
	// copyright, not a photo credit.
	walk(scope, func(n *html.Node) bool {
		if n.Type != html.ElementNode || skipText(n) {
			return n.Type != html.ElementNode
		}
		if used[n] || d.isChrome(n) || n.DataAtom == atom.Aside || n.DataAtom == atom.Footer {
			return false
		}
		if hasBlockChild(n) {
			return true
		}
		ci := classID(n)
		if n.DataAtom == atom.Figcaption || n.DataAtom == atom.P || n.DataAtom == atom.Div || n.DataAtom == atom.Span || n.DataAtom == atom.Em || (ci != "" && creditClass(ci)) {
			t := textOf(n)
			if runeLen(t) <= 120 {
				if name, printed, kind, ok := creditOf(t); ok && creditStartsLine(t, printed) && explicitCredit(printed) {
					used[n] = true
					p.Credits = append(p.Credits, archive.Credit{Kind: kind, Name: name, Text: printed})
					return false
				}
			}
		}
		return true
	})
	// JSON-LD image credits for images listed there.
	if a := d.ld.mainArticle(); a != nil {
		for _, li := range a.Images {
			if li.Credit == "" {
				continue
			}
			for i := range p.Images {
				if p.Images[i].Credit == "" && sameImage(p.Images[i].Src, d.resolve(li.URL)) {
					p.Images[i].Credit, p.Images[i].CreditText, p.Images[i].CreditSource = li.Credit, li.Credit, CreditFromJSONLD
					p.Credits = append(p.Credits, archive.Credit{Kind: "photo", Name: li.Credit, Text: li.Credit, Image: p.Images[i].Src})
				}
			}
		}
	}
}

// explicitCredit reports whether a credit found away from any image says
// so explicitly ("Photo by", "Photo:", "©"), unlike a section name such as
// "Photo Reports".
func explicitCredit(printed string) bool {
	low := strings.ToLower(printed)
	return strings.ContainsAny(low, ":©") || strings.Contains(low, " by ") || strings.Contains(low, "courtesy")
}

// pluralCredit reports whether a credit names several photos ("Photos by",
// "Фотаздымкі:", "Фотографии:").
func pluralCredit(printed string) bool {
	low := strings.ToLower(printed)
	for _, p := range []string{"photos", "pictures", "images", "фотаздымкі", "фотоснимки", "фотографии", "фотаграфіі", "bilder", "fotos", "zdjęcia"} {
		if strings.HasPrefix(low, p) {
			return true
		}
	}
	return false
}

// creditStartsLine reports whether the credit stands at the start of the
// text or after a sentence ("Caption. Photo: X"), not inside prose.
func creditStartsLine(t, printed string) bool {
	i := strings.Index(t, printed)
	if i <= 0 {
		return i == 0
	}
	before := strings.TrimRight(t[:i], " ([")
	return before == "" || strings.HasSuffix(before, ".") || strings.HasSuffix(before, "|") || strings.HasSuffix(before, "/") || runeLen(t) <= 60
}

func imageSrc(img *html.Node) string {
	for _, k := range []string{"src", "data-src", "data-original", "data-lazy-src"} {
		if v := strings.TrimSpace(attr(img, k)); v != "" && !strings.HasPrefix(v, "data:") {
			return v
		}
	}
	return strings.TrimSpace(attr(img, "src"))
}

func skipImage(img *html.Node) bool {
	src := imageSrc(img)
	if src == "" || containsAny(strings.ToLower(src), skipImageSubs) || containsAny(classID(img), skipImageSubs) {
		return true
	}
	// An image driven by an inline script (onerror="this.remove()") is not
	// content a reader is meant to see.
	if hasAttr(img, "onerror") || hasAttr(img, "onload") {
		return true
	}
	for _, k := range []string{"width", "height"} {
		if v := attr(img, k); v != "" && len(v) <= 2 && isDigits(v) {
			return true // 1×1 pixels and small icons
		}
	}
	return false
}

func sameImage(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return a == b || strings.HasSuffix(a, b) || strings.HasSuffix(b, a)
}

// nearHeadline reports whether n stands in the headline's block.
func (d *doc) nearHeadline(n *html.Node) bool {
	h := d.headlineBlock()
	return h != nil && contains(h, n)
}

// captionOf returns the caption of an image: its figure's figcaption, or a
// caption-classed element right after it.
func (d *doc) captionOf(img *html.Node) string {
	if fig := enclosing(img, atom.Figure, 4); fig != nil {
		if fc := findFirst(fig, func(n *html.Node) bool { return n.DataAtom == atom.Figcaption }); fc != nil {
			return captionText(fc)
		}
	}
	for _, sib := range followingElements(img, 3) {
		ci := classID(sib)
		if strings.Contains(ci, "caption") || strings.Contains(ci, "podpis") || strings.Contains(ci, "descr") || strings.Contains(ci, "legend") {
			return captionText(sib)
		}
	}
	return ""
}

// captionText is the text of a caption without its credit: credit-classed
// elements are left out, and a credit at the end of the text is cut.
func captionText(n *html.Node) string {
	t := textOfSkipping(n, func(c *html.Node) bool { return creditClass(classID(c)) })
	if _, printed, _, ok := creditOf(t); ok {
		if i := strings.LastIndex(t, printed); i > 0 && creditStartsLine(t, printed) {
			t = strings.TrimRight(t[:i], " (|/–—-")
		}
	}
	return truncateRunes(t, 500)
}

type printedCredit struct{ text, from string }

// creditFor finds the credit bound to one image.
func (d *doc) creditFor(img *html.Node, used map[*html.Node]bool) (name string, printed printedCredit, kind string, ok bool) {
	// The profile's credit selector, searched after the image.
	if d.profile != nil && d.profile.Credit != "" {
		for _, n := range d.profile.all(d.root, d.profile.Credit) {
			if used[n] || !precedesNode(img, n) {
				continue
			}
			t := textOf(n)
			if nm, pr, k, found := creditOf(t); found {
				used[n] = true
				return nm, printedCredit{pr, CreditFromProfile}, k, true
			}
		}
	}
	// figcaption: a credit element inside it, or credit text at its end.
	if fig := enclosing(img, atom.Figure, 4); fig != nil {
		for _, c := range findAll(fig, func(n *html.Node) bool {
			return n.DataAtom != atom.Img && (creditClass(classID(n)) || n.DataAtom == atom.Figcaption)
		}) {
			if used[c] {
				continue
			}
			t := textOf(c)
			if nm, pr, k, found := creditOf(t); found {
				used[c] = true
				return nm, printedCredit{pr, CreditFromFigcaption}, k, true
			}
			if creditClass(classID(c)) && t != "" && runeLen(t) <= 80 {
				used[c] = true
				return strings.Trim(t, " ©()"), printedCredit{t, CreditFromFigcaption}, "photo", true
			}
		}
	}
	// An element right after the image (or after its link or wrapper):
	// "Photo by sectsco.org".
	sawCaption := false
	for _, sib := range followingElements(img, 3) {
		if used[sib] || sib.DataAtom == atom.Img || findFirst(sib, func(n *html.Node) bool { return n.DataAtom == atom.Img }) != nil {
			break
		}
		t := textOf(sib)
		if t == "" {
			continue
		}
		if runeLen(t) > 300 {
			break
		}
		if nm, pr, k, found := creditOf(t); found && creditStartsLine(t, pr) {
			if pluralCredit(pr) || strings.Contains(classID(sib), "gallery") {
				break // a gallery's credit: bound to all its images below
			}
			used[sib] = true
			from := CreditFromNear
			if sawCaption || strings.Contains(classID(sib), "caption") {
				from = CreditFromCaption
			}
			return nm, printedCredit{pr, from}, k, true
		}
		if creditClass(classID(sib)) && runeLen(t) <= 80 {
			used[sib] = true
			return strings.Trim(t, " ©()"), printedCredit{t, CreditFromNear}, "photo", true
		}
		ci := classID(sib)
		if strings.Contains(ci, "caption") || strings.Contains(ci, "descr") {
			sawCaption = true
		}
		if !strings.Contains(ci, "caption") && !strings.Contains(ci, "descr") && !strings.Contains(ci, "photo") && !strings.Contains(ci, "img") && !strings.Contains(ci, "image") {
			break
		}
	}
	// The image's own alt or title.
	for _, k := range []string{"alt", "title", "data-credit", "data-copyright"} {
		v := attr(img, k)
		if v == "" {
			continue
		}
		if nm, pr, kd, found := creditOf(v); found && (k != "alt" && k != "title" || creditStartsLine(collapse(v), pr)) {
			return nm, printedCredit{pr, CreditFromAlt}, kd, true
		}
		if strings.HasPrefix(k, "data-") {
			return collapse(v), printedCredit{collapse(v), CreditFromAlt}, "photo", true
		}
	}
	return "", printedCredit{}, "", false
}

// galleryCredits binds a credit that follows a group of two or more
// uncredited images ("Photos by Oksana Manchuk") to every image of the
// group.
func (d *doc) galleryCredits(used map[*html.Node]bool) {
	p := d.page
	var pending []int
	for i := range p.Images {
		if p.Images[i].Credit == "" {
			pending = append(pending, i)
		}
	}
	if len(pending) < 2 {
		return
	}
	scope := d.main
	if scope == nil {
		scope = d.body
	}
	// Find the images' common container and a credit line inside it or
	// right after it.
	imgs := findAll(scope, func(n *html.Node) bool { return n.DataAtom == atom.Img && !skipImage(n) })
	if len(imgs) < 2 {
		return
	}
	var group *html.Node
	for a := imgs[0].Parent; a != nil; a = a.Parent {
		n := 0
		for _, im := range imgs {
			if contains(a, im) {
				n++
			}
		}
		if n >= 2 {
			group = a
			break
		}
	}
	if group == nil {
		return
	}
	cands := findAll(group, func(n *html.Node) bool {
		return !used[n] && (n.DataAtom == atom.P || n.DataAtom == atom.Div || n.DataAtom == atom.Span || creditClass(classID(n)))
	})
	cands = append(cands, followingElements(group, 2)...)
	for _, c := range cands {
		if used[c] {
			continue
		}
		t := textOf(c)
		if runeLen(t) > 120 || hasBlockChild(c) {
			continue
		}
		name, printed, kind, ok := creditOf(t)
		if !ok || !creditStartsLine(t, printed) {
			continue
		}
		used[c] = true
		for _, i := range pending {
			if contains(group, imgNodeFor(imgs, p.Images[i].Src, d)) {
				p.Images[i].Credit, p.Images[i].CreditText, p.Images[i].CreditSource = name, printed, CreditFromGallery
				p.Credits = append(p.Credits, archive.Credit{Kind: kind, Name: name, Text: printed, Image: p.Images[i].Src})
			}
		}
		return
	}
}

func imgNodeFor(imgs []*html.Node, src string, d *doc) *html.Node {
	for _, im := range imgs {
		if d.resolve(imageSrc(im)) == src || imageSrc(im) == src {
			return im
		}
	}
	return nil
}

// enclosing returns the nearest ancestor of n with the given tag within
// depth levels.
func enclosing(n *html.Node, tag atom.Atom, depth int) *html.Node {
	for a, i := n.Parent, 0; a != nil && i < depth; a, i = a.Parent, i+1 {
		if a.DataAtom == tag {
			return a
		}
	}
	return nil
}

// followingElements returns up to k element siblings after n, climbing out
// of wrappers (a link, a span, a div holding only the image) first.
func followingElements(n *html.Node, k int) []*html.Node {
	var out []*html.Node
	cur := n
	for i := 0; i < 3; i++ {
		if cur.Parent == nil || cur.Parent.DataAtom == atom.Body || !onlyWhitespaceAfter(cur) {
			break
		}
		cur = cur.Parent
	}
	for s := cur.NextSibling; s != nil && len(out) < k; s = s.NextSibling {
		if s.Type == html.ElementNode {
			out = append(out, s)
		} else if s.Type == html.TextNode && strings.TrimSpace(s.Data) != "" {
			break
		}
	}
	return out
}

func onlyWhitespaceAfter(n *html.Node) bool {
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode || (s.Type == html.TextNode && strings.TrimSpace(s.Data) != "") {
			return false
		}
	}
	return true
}

// precedesNode reports whether a comes before b in document order.
func precedesNode(a, b *html.Node) bool {
	var root *html.Node
	for r := a; r != nil; r = r.Parent {
		root = r
	}
	seenA, res := false, false
	walk(root, func(c *html.Node) bool {
		if c == a {
			seenA = true
		}
		if c == b {
			res = seenA
			return false
		}
		return !res
	})
	return res
}
