package portal

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image"
	"image/jpeg"
	"strings"
	"time"
)

// robotsDisallow are the areas robots.txt disallows.
var robotsDisallow = []string{"/search/", "/internal/"}

// renderRobots writes robots.txt; the sitemap line uses the request's host.
func (p *Portal) renderRobots(scheme, host string) []byte {
	var b strings.Builder
	b.WriteString("# robots.txt of the demo portal\nUser-agent: *\n")
	for _, d := range robotsDisallow {
		b.WriteString("Disallow: " + d + "\n")
	}
	b.WriteString("\nSitemap: " + scheme + "://" + host + "/sitemap.xml\n")
	return []byte(b.String())
}

// sitemapURLs returns the URLs of the sitemap with their lastmod dates.
func (p *Portal) sitemapURLs(fn func(u, lastmod string)) {
	today := isoDate(p.today())
	for lang := range langs {
		fn("/"+langs[lang]+"/", today)
		for sec := range sections {
			fn(listingURL(lang, sec, 1), today)
		}
		fn("/"+langs[lang]+"/tourism/", isoDate(baseDate))
		fn("/"+langs[lang]+"/contacts/", isoDate(baseDate))
	}
	for lang := range langs {
		for _, i := range p.allItems[lang] {
			lm := isoDate(p.articleDate(int(i)))
			if f := p.fates[fateKey(lang, int(i))]; f.correctDay > 0 {
				lm = isoDate(dayDate(f.correctDay))
			}
			fn(p.path(lang, int(i)), lm)
		}
	}
}

// renderSitemap writes sitemap.xml with absolute URLs on the request's host.
func (p *Portal) renderSitemap(scheme, host string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	p.sitemapURLs(func(u, lm string) {
		b.WriteString("<url><loc>")
		xml.EscapeText(&b, []byte(scheme+"://"+host+u))
		b.WriteString("</loc><lastmod>" + lm + "</lastmod></url>\n")
	})
	b.WriteString("</urlset>\n")
	return b.Bytes()
}

// rssItems returns the feed's articles.
func (p *Portal) rssItems(lang int) []int { return p.latest(lang, 20) }

// rssLink is the tracked link the feed gives for article i.
func (p *Portal) rssLink(lang, i int) string {
	return p.path(lang, i) + "?utm_source=rss&utm_medium=feed"
}

// renderRSS writes a language's RSS feed.
func (p *Portal) renderRSS(q req, scheme string) []byte {
	var b bytes.Buffer
	base := scheme + "://" + q.host
	b.WriteString(xml.Header + `<rss version="2.0"><channel>` + "\n<title>")
	xml.EscapeText(&b, []byte(siteTitle[q.lang]))
	b.WriteString("</title>\n<link>" + base + "/" + langs[q.lang] + "/</link>\n<language>" + langs[q.lang] + "</language>\n<description>")
	xml.EscapeText(&b, []byte(ui[q.lang].TopNews))
	b.WriteString("</description>\n")
	for _, i := range p.rssItems(q.lang) {
		a := p.article(q.lang, i)
		b.WriteString("<item><title>")
		xml.EscapeText(&b, []byte(p.headlineOf(q.lang, i)))
		b.WriteString("</title><link>")
		xml.EscapeText(&b, []byte(base+p.rssLink(q.lang, i)))
		b.WriteString("</link><guid isPermaLink=\"false\">" + fmt.Sprint(a.id) + "</guid><pubDate>")
		b.WriteString(p.pubTime(a).Format(time.RFC1123Z))
		b.WriteString("</pubDate></item>\n")
	}
	b.WriteString("</channel></rss>\n")
	return b.Bytes()
}

// renderSearch answers the JSON search API (disallowed by robots.txt).
func (p *Portal) renderSearch(lang int, query string) []byte {
	type hit struct {
		Title string `json:"title"`
		URL   string `json:"url"`
	}
	res := struct {
		Query string `json:"query"`
		Hits  []hit  `json:"hits"`
	}{Query: query, Hits: []hit{}}
	q := strings.ToLower(query)
	for _, i := range p.allItems[lang] {
		if len(res.Hits) == 10 {
			break
		}
		h := p.headlineOf(lang, int(i))
		if q == "" || strings.Contains(strings.ToLower(h), q) {
			res.Hits = append(res.Hits, hit{h, p.path(lang, int(i))})
		}
	}
	b, _ := json.Marshal(res)
	return append(b, '\n')
}

// renderJPEG draws a small deterministic "photo" for an image URL: a sky,
// a horizon of buildings and a field, in muted colours.
func (p *Portal) renderJPEG(key string) []byte {
	h := p.hashString(key)
	const w, ht = 240, 150
	img := image.NewRGBA(image.Rect(0, 0, w, ht))
	sky := [3]uint8{150 + uint8(h%60), 180 + uint8(h>>8%50), 210 + uint8(h>>16%40)}
	field := [3]uint8{80 + uint8(h>>24%60), 110 + uint8(h>>32%50), 70 + uint8(h>>40%40)}
	horizon := 80 + int(h>>48%25)
	top := make([]int, w) // the height of the building over each column
	for x, k := 0, uint64(0); x < w; k++ {
		bw := 14 + int(p.hash(h, k)%30)
		bh := 10 + int(p.hash(h, k, 1)%45)
		for xx := x; xx < min(x+bw, w); xx++ {
			top[xx] = bh
		}
		x += bw + int(p.hash(h, k, 3)%10)
	}
	for y := 0; y < ht; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+w*4]
		f := uint8(y * 40 / horizon)
		for x := 0; x < w; x++ {
			c := field
			switch {
			case y < horizon && y >= horizon-top[x]:
				g := uint8(90 + top[x])
				c = [3]uint8{g, g, g + 10}
			case y < horizon:
				c = [3]uint8{sky[0] - f, sky[1] - f, sky[2] - f/2}
			}
			row[x*4], row[x*4+1], row[x*4+2], row[x*4+3] = c[0], c[1], c[2], 255
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 70}) // writing to a buffer cannot fail
	return b.Bytes()
}

// renderPDF writes a small valid PDF with a correct cross-reference table.
func renderPDF() []byte {
	text := "Annual report 2023 of the demo portal"
	stream := fmt.Sprintf("BT /F1 18 Tf 72 720 Td (%s) Tj ET", text)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		"<< /Title (Annual report 2023) /Producer (archiver demo portal) >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for k, o := range objs {
		offsets[k] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", k+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// css is the portal's stylesheet: a plain government look.
const css = `*{box-sizing:border-box}
body{margin:0;font:15px/1.55 "PT Sans",Arial,Helvetica,sans-serif;color:#1d2733;background:#f3f5f7}
a{color:#0b5394;text-decoration:none}a:hover{text-decoration:underline}
.wrap{max-width:1080px;margin:0 auto;padding:0 16px}
.top{background:#0b3d6e;color:#fff;padding:14px 0;border-bottom:4px solid #c8102e}
.top .wrap{display:flex;align-items:center;gap:24px}
.logo,.logo a{color:#fff;font-size:22px;font-weight:bold;margin:0}
.langs{margin-left:auto;text-transform:uppercase}.langs a{color:#cfe2f3}.langs .current{font-weight:bold}
.search input[type=search]{padding:4px 8px;border:0;border-radius:3px}
.menu{background:#fff;border-bottom:1px solid #d9dee4}.menu ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap}
.menu li a{display:block;padding:10px 14px;color:#0b3d6e;font-weight:bold}
.main{display:flex;gap:24px;padding-top:18px;padding-bottom:24px}
.content{flex:1;background:#fff;padding:18px 22px;border:1px solid #e1e5ea;min-width:0}
.sidebar{width:260px}
.breadcrumbs{font-size:13px;color:#6b7785;margin-bottom:10px}
.section_title{color:#c8102e;text-transform:uppercase;font-size:14px;letter-spacing:.05em}
h1,.entry-title{font-size:26px;line-height:1.25;margin:8px 0 12px}
.pages_header_inner,.date_full,.meta{color:#6b7785;font-size:13px}
.news_img img,figure img{max-width:100%;height:auto;background:#dde3ea}
figure{margin:12px 0}figcaption,.img_caption{font-size:13px;color:#55606c}
.photo_by,.credit{font-size:12px;color:#6b7785;font-style:italic}
.lenta_item,.tl_item{display:flex;gap:12px;padding:10px 0;border-bottom:1px solid #eef0f3}
.new_date{min-width:48px;text-align:center;color:#c8102e}.new_date .day{font-size:22px;font-weight:bold}
.lenta_item_title,.tl_node{font-weight:bold;display:block}.lenta_textsmall,.tl_news p{color:#55606c;font-size:13px;margin:4px 0}
.tl_date{min-width:110px;color:#6b7785;font-size:13px}
.pages,.pagination{margin:16px 0}.pages a,.pagination a,.pages span,.pagination span{padding:3px 8px;border:1px solid #d9dee4;margin-right:4px}
.load_more{display:inline-block;padding:6px 14px;background:#0b3d6e;color:#fff;cursor:pointer;border-radius:3px}
.widget,.promo{background:#fff;border:1px solid #e1e5ea;padding:12px;margin-bottom:14px}
.widget h3{margin:0 0 8px;font-size:14px;text-transform:uppercase;color:#0b3d6e}
table.cal{width:100%;border-collapse:collapse;text-align:center;font-size:13px}table.cal th{color:#6b7785;font-weight:normal}
table.cal td{padding:3px}table.cal td a{font-weight:bold}
.cal_head{display:flex;justify-content:space-between;margin-bottom:6px}
.promo{background:#fff8e6;border-color:#f0d48a}
.related ul,.featured ul,.body_links{padding-left:18px}
.correction{background:#fff4f4;border-left:3px solid #c8102e;padding:6px 10px}
.footer{background:#1d2733;color:#b9c2cc;padding:18px 0;font-size:13px}.footer a{color:#dfe6ee}
.calendar_page table.cal td{padding:10px;font-size:16px}
@media (max-width:760px){.main{flex-direction:column}.sidebar{width:auto}}
`
