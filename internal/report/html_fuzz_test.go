package report

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// FuzzRenderCopy feeds arbitrary bodies and content types to the
// sanitiser: it never panics, and what it renders never holds an element
// or attribute that could run code or load anything.
func FuzzRenderCopy(f *testing.F) {
	f.Add([]byte(hostileBody), "text/html; charset=utf-8")
	f.Add([]byte(`<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg><math><mi xlink:href="javascript:1">`), "")
	f.Add([]byte(`<img src=x onerror=alert(1)//<iframe srcdoc="<script>alert(1)</script>">`), "text/html")
	f.Add([]byte("<p>\xff\xfe broken \x00 bytes</p>"), "text/html; charset=windows-1251")
	f.Add([]byte(`<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`), "text/html")
	f.Add([]byte(`{"a": "<script>"}`), "application/json")
	f.Add([]byte{0x89, 'P', 'N', 'G', 0}, "image/png")
	p := copyPolicy()
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		out := renderCopy(p, &Copy{CaptureID: 1, URL: "https://x.example/", FetchedAt: time.Unix(0, 0), ContentType: contentType, Body: body})
		doc, err := html.Parse(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		metas := 0
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "script", "iframe", "frame", "object", "embed", "link", "base", "form", "input", "button", "video", "audio", "source", "svg", "math", "applet", "frameset", "template":
					t.Fatalf("sanitised copy holds <%s>: %.300q", n.Data, out)
				case "meta":
					metas++
				case "style":
					if n.FirstChild == nil || n.FirstChild.Data != copyStyle {
						t.Fatalf("sanitised copy holds a style element of its own: %.300q", out)
					}
				}
				for _, a := range n.Attr {
					k := strings.ToLower(a.Key)
					if strings.HasPrefix(k, "on") || k == "src" || k == "href" || k == "srcset" || k == "action" || k == "formaction" ||
						k == "style" || k == "background" || k == "poster" || k == "data" || k == "srcdoc" || k == "xlink:href" {
						if !(n.Data == "meta" && (k == "http-equiv" || k == "content" || k == "charset")) {
							t.Fatalf("sanitised copy has %s=%q on <%s>", a.Key, a.Val, n.Data)
						}
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if metas != 2 {
			t.Fatalf("want the charset and CSP meta elements only, got %d: %.300q", metas, out)
		}
	})
}
