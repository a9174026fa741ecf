package portal_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/archiver-dev/archiver/internal/portal"
)

// FuzzHandler feeds arbitrary paths and queries to the router: it must
// never panic and must answer with one of the statuses the portal uses.
func FuzzHandler(f *testing.F) {
	p, err := portal.New(portal.Config{Seed: 1, Articles: 24, Day: 2})
	if err != nil {
		f.Fatal(err)
	}
	h := p.Handler()
	for _, s := range []struct{ path, query string }{
		{"/", ""}, {"/en/", ""}, {"/ru/archive/", "day=30&month=02&year=24/"}, {"/be/calendar/", "month=13&year=0"},
		{"/en/press-center/photo/x------_i_150001.html", "page=-1"}, {"/en/government/events/x_i_0000150000.html;jsessionid=AB", ""},
		{"/en/regions/news.html", "start=10&start=x"}, {"/en/all_news/page/0/", ""}, {"/en/news/by-date/31.02.2024", ""},
		{"/en/news_en/view/a-20001/", ""}, {"/en/events/a-1712131200", ""}, {"/images/1-1.jpg", ""}, {"/ru/go/99999999999999999999", ""},
		{"/en/print/-1", ""}, {"/en/archive/", "day=01&month=01&year=99999999999999999999"}, {"/../etc/passwd", ""},
	} {
		f.Add(s.path, s.query)
	}
	allowed := map[int]bool{200: true, 301: true, 302: true, 404: true, 410: true}
	f.Fuzz(func(t *testing.T, path, query string) {
		r := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: path, RawQuery: query}, Host: "127.0.0.1:1", RemoteAddr: "127.0.0.1:2", Header: http.Header{}}
		r = r.WithContext(t.Context())
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if !allowed[w.Code] {
			t.Fatalf("%q ? %q: status %d", path, query, w.Code)
		}
		if (w.Code == 301 || w.Code == 302) && w.Header().Get("Location") == "" {
			t.Fatalf("%q: redirect without Location", path)
		}
	})
}
