package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
)

// oddStrings are field values that JSON must escape or that are easy to
// get wrong: quotes, backslashes, every control character, DEL, U+2028,
// characters outside the BMP, bytes that are not UTF-8, text that looks
// like JSON, and the empty string.
var oddStrings = []string{
	"", `"`, `\`, `\"`, `a"b\c`, "\x00", "a\x00b", "\b\f\n\r\t", "\x01\x1f\x7f", "\u2028\u2029", "😀 𝄞", "Мінск",
	"\xff", "\xed\xa0\x80", "a\xc3", `["x",null]`, "null", `\u0041`, "/", " ", "https://portal.example/a?b=1&c=\"2\"#f",
}

// allControl is every byte below 0x20, DEL and the bytes above it.
func allControl() string {
	var b strings.Builder
	for c := range 0x20 {
		b.WriteByte(byte(c))
	}
	b.WriteString("\x7f\x80\xfe\xff")
	return b.String()
}

// oddLinks are links made of oddStrings in every field, with url equal to
// href (stored as null), url empty, url equal to an empty href, and
// trailing fields empty or not.
func oddLinks() []archive.Link {
	links := []archive.Link{
		{},
		{Href: "/a", URL: "https://portal.example/a", Text: "A", Place: archive.PlaceBody, Attr: "href", Tag: "a"},
		{Href: "https://x.example/", URL: "https://x.example/", Text: "X", Place: archive.PlaceFooter, Attr: "href", Tag: "a", Rel: "nofollow"},
		{Href: "https://x.example/"},
		{Href: "https://x.example/", URL: "https://x.example/"},
		{Href: "javascript:go('x')", Issue: "javascript"},
		{URL: "https://portal.example/u"},
		{Text: "only text"},
		{Href: "x", URL: "", Text: "invalid"},
		{Href: "#top", Raw: "window.location='#top'", Attr: "onclick"},
		{Href: allControl(), URL: allControl(), Text: allControl(), Issue: allControl()},
	}
	for i, s := range oddStrings {
		f := [linkFields]string{}
		for k := range f {
			f[k] = oddStrings[(i+k)%len(oddStrings)]
		}
		links = append(links, linkOf(f), archive.Link{Href: s, URL: s, Text: s})
	}
	return links
}

// linkOf makes a link of its fields in stored order.
func linkOf(f [linkFields]string) archive.Link {
	return archive.Link{Href: f[0], URL: f[1], Text: f[2], Place: archive.LinkPlace(f[3]), Attr: f[4], Tag: f[5], Rel: f[6], Raw: f[7], Issue: f[8]}
}

func TestLinksEncodeDecode(t *testing.T) {
	links := oddLinks()
	text := string(appendLinks(nil, links))
	got, err := decodeLinks(text)
	if err != nil {
		t.Fatalf("decode %q: %v", text, err)
	}
	if !reflect.DeepEqual(got, links) {
		t.Errorf("round trip:\n got %q\nwant %q", got, links)
	}
	if n := linksSize(links); n < len(text)-200 {
		t.Errorf("linksSize %d, encoded %d bytes", n, len(text))
	}
	for _, tc := range []struct {
		links []archive.Link
		want  string
	}{
		{nil, `[]`},
		{[]archive.Link{{}}, `[[]]`},
		{[]archive.Link{{Href: "/a", URL: "https://p.example/a", Text: "A", Place: "body", Attr: "href", Tag: "a"}},
			`[["/a","https://p.example/a","A","body","href","a"]]`},
		{[]archive.Link{{Href: "https://p.example/", URL: "https://p.example/"}, {Href: "x"}, {URL: "y"}},
			`[["https://p.example/",null],["x"],["","y"]]`},
		{[]archive.Link{{Href: "a\"b\\c\n\x01\u2028\xff", Issue: "i"}},
			"[[\"a\\\"b\\\\c\\n\\u0001\u2028\xff\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"i\"]]"},
	} {
		if got := string(appendLinks(nil, tc.links)); got != tc.want {
			t.Errorf("appendLinks(%q) = %q, want %q", tc.links, got, tc.want)
		}
	}
}

func TestDecodeLinksRejects(t *testing.T) {
	for _, in := range []string{
		`[`, `]`, `[[]`, `[[],]`, `[,[]]`, `{}`, `[{}]`, `["a"]`, `[[1]]`, `[[null]]`, `[["a","b",null]]`, `[["a",nul]]`,
		`[["a"]] x`, `[["a" "b"]]`, `[["a\"]]`, `[["a\x"]]`, `[["\u12"]]`, `[["\u12g4"]]`, "[[\"a\nb\"]]", `[["a`,
		`[["1","2","3","4","5","6","7","8","9","10"]]`, `[[]][]`, `null`,
	} {
		if links, err := decodeLinks(in); err == nil {
			t.Errorf("decodeLinks(%q) = %q, want an error", in, links)
		}
	}
	for in, want := range map[string][]archive.Link{
		``:                          nil,
		`[]`:                        nil,
		" \n[ [ \"a\" , null ] ]\t": {{Href: "a", URL: "a"}},
		`[["\/\b\f\n\r\t\"\\"]]`:    {{Href: "/\b\f\n\r\t\"\\"}},
		`[["\u00e9\uD83D\uDE00"]]`:  {{Href: "é😀"}},
		`[["\ud800x\udc00"]]`:       {{Href: "\xed\xa0\x80x\xed\xb0\x80"}},
	} {
		got, err := decodeLinks(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("decodeLinks(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// TestJSONStringAsSQLite checks that appendJSONString escapes every byte
// as SQLite's json_quote does, so that migration 0007's rows are what
// appendLinks writes and LinksTo finds a URL by its text.
func TestJSONStringAsSQLite(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	inputs := append([]string{allControl()}, oddStrings...)
	for c := range 256 {
		inputs = append(inputs, string([]byte{'a', byte(c), 'z'}))
	}
	for _, s := range inputs {
		var want string
		if err := db.QueryRow(`SELECT json_quote(?)`, s).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got := string(appendJSONString(nil, s)); got != want {
			t.Errorf("appendJSONString(%q) = %q, json_quote %q", s, got, want)
		}
	}
}

// viewLinks reads a page's links through the page_links view.
func viewLinks(t testing.TB, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, captureID int64) []archive.Link {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `SELECT seq, href, url, text, place, attr, tag, rel, raw, issue
		FROM page_links WHERE capture_id = ? ORDER BY seq`, captureID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var links []archive.Link
	for rows.Next() {
		var seq int
		var f [linkFields]string
		if err := rows.Scan(&seq, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8]); err != nil {
			t.Fatal(err)
		}
		if seq != len(links) {
			t.Fatalf("view: seq %d at row %d", seq, len(links))
		}
		links = append(links, linkOf(f))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return links
}

// TestPageLinksView stores pages of odd links and checks that the Go
// readers and the page_links view give the same rows, and that LinksTo
// finds each link by its URL, whatever its bytes.
func TestPageLinksView(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	links := oddLinks()
	pages := []*archive.Page{
		{CaptureID: 1, URL: "https://portal.example/1", ExtractorVersion: "v", Links: links},
		{CaptureID: 2, URL: "https://portal.example/2", ExtractorVersion: "v"},
		{CaptureID: 3, URL: "https://portal.example/3", ExtractorVersion: "v", Links: links[1:3]},
	}
	for _, p := range pages {
		if err := s.PutPage(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range pages {
		got, err := s.Page(ctx, p.CaptureID)
		if err != nil || !reflect.DeepEqual(got.Links, p.Links) {
			t.Errorf("Page(%d).Links = %q, %v; want %q", p.CaptureID, got.Links, err, p.Links)
		}
		if got, err := s.PageLinks(ctx, p.CaptureID); err != nil || !reflect.DeepEqual(got, p.Links) {
			t.Errorf("PageLinks(%d) = %q, %v", p.CaptureID, got, err)
		}
		if got := viewLinks(t, s.rdb, p.CaptureID); !reflect.DeepEqual(got, p.Links) {
			t.Errorf("view rows of page %d:\n got %q\nwant %q", p.CaptureID, got, p.Links)
		}
	}
	var null int
	if err := s.rdb.QueryRowContext(ctx, `SELECT count(*) FROM pages WHERE links IS NULL`).Scan(&null); err != nil || null != 1 {
		t.Errorf("%d pages with NULL links (%v), want 1 (the page without links)", null, err)
	}
	if got, err := s.PageLinks(ctx, 99); err != nil || got != nil {
		t.Errorf("PageLinks of no page: %q, %v", got, err)
	}

	for _, l := range links {
		var want []LinkSource
		for _, p := range pages {
			for _, pl := range p.Links {
				if pl.URL == l.URL {
					want = append(want, LinkSource{CaptureID: p.CaptureID, PageURL: p.URL, Link: pl})
				}
			}
		}
		got, err := s.LinksTo(ctx, l.URL)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("LinksTo(%q):\n got %+v, %v\nwant %+v", l.URL, got, err, want)
		}
		var n int
		if err := s.rdb.QueryRowContext(ctx, `SELECT count(*) FROM page_links WHERE url = ?`, l.URL).Scan(&n); err != nil || n != len(want) {
			t.Errorf("view: %d links to %q (%v), want %d", n, l.URL, err, len(want))
		}
	}

	// Replacing a page replaces its links, images and credits.
	p := &archive.Page{CaptureID: 1, URL: "https://portal.example/1", ExtractorVersion: "w", Links: links[3:4],
		Images: []archive.Image{{Src: "/i.jpg"}}, Credits: []archive.Credit{{Kind: "photo", Name: "N"}}}
	for range 2 {
		if err := s.PutPage(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, err := s.Page(ctx, 1)
		if err != nil || !reflect.DeepEqual(got, p) {
			t.Errorf("replaced page: %+v, %v; want %+v", got, err, p)
		}
	}
	p.Images, p.Credits, p.Links = nil, nil, nil
	if err := s.PutPage(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Page(ctx, 1); err != nil || !reflect.DeepEqual(got, p) {
		t.Errorf("page stored without images, credits and links: %+v, %v", got, err)
	}
	if got := viewLinks(t, s.rdb, 1); got != nil {
		t.Errorf("view rows of a page stored again without links: %q", got)
	}
}

// TestMigrateVersion6Links fills the page_links table of a version 6
// archive as that archiver wrote it, one row a link, opens it, and checks
// that every page reads back its links in order, that the view gives the
// old rows, and that the column holds what appendLinks writes.
func TestMigrateVersion6Links(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v6.db")
	db := openAtVersion(t, path, 6)
	links := oddLinks()
	pageLinks := map[int64][]archive.Link{1: links, 2: nil, 3: links[1:3], 4: {links[len(links)-1]}}
	for id, ls := range pageLinks {
		if _, err := db.ExecContext(ctx, `INSERT INTO pages (capture_id, extractor_version, url, page) VALUES (?, 'v', ?, ?)`,
			id, "https://portal.example/"+string(rune('0'+id)), mustJSON(t, archive.Page{CaptureID: id, ExtractorVersion: "v"})); err != nil {
			t.Fatal(err)
		}
		// Rows inserted out of order: seq, not rowid, is the page order.
		for i := len(ls) - 1; i >= 0; i-- {
			l := ls[i]
			if _, err := db.ExecContext(ctx, `INSERT INTO page_links (capture_id, seq, href, url, text, place, attr, tag, rel, raw, issue)
				VALUES (?,?,?,?,?,?,?,?,?,?,?)`, id, i, l.Href, l.URL, l.Text, string(l.Place), l.Attr, l.Tag, l.Rel, l.Raw, l.Issue); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A link row without its page, which no reader reaches, goes.
	if _, err := db.ExecContext(ctx, `INSERT INTO page_links (capture_id, seq, href) VALUES (9, 0, '/orphan')`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open a version 6 archive: %v", err)
	}
	defer s.Close()
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	for id, want := range pageLinks {
		p, err := s.Page(ctx, id)
		if err != nil || !reflect.DeepEqual(p.Links, want) {
			t.Errorf("page %d links after migration:\n got %q, %v\nwant %q", id, p.Links, err, want)
		}
		if got := viewLinks(t, s.rdb, id); !reflect.DeepEqual(got, want) {
			t.Errorf("view rows of page %d after migration:\n got %q\nwant %q", id, got, want)
		}
		var text sql.NullString
		if err := s.rdb.QueryRowContext(ctx, `SELECT links FROM pages WHERE capture_id = ?`, id).Scan(&text); err != nil {
			t.Fatal(err)
		}
		switch {
		case len(want) == 0 && text.Valid:
			t.Errorf("page %d without links: links %q, want NULL", id, text.String)
		case len(want) > 0 && text.String != string(appendLinks(nil, want)):
			t.Errorf("page %d: migrated text\n%q\nappendLinks writes\n%q", id, text.String, appendLinks(nil, want))
		}
	}
	var orphans, table int
	if err := s.rdb.QueryRowContext(ctx, `SELECT count(*) FROM page_links WHERE capture_id = 9`).Scan(&orphans); err != nil || orphans != 0 {
		t.Errorf("%d orphan links (%v)", orphans, err)
	}
	if err := s.rdb.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'page_links'`).Scan(&table); err != nil || table != 0 {
		t.Errorf("page_links is still a table (%v)", err)
	}
	if got, err := s.LinksTo(ctx, "https://portal.example/a"); err != nil || len(got) != 2 || got[0].CaptureID != 1 || got[1].CaptureID != 3 {
		t.Errorf("LinksTo after migration: %+v, %v", got, err)
	}
}

// FuzzDecodeLinks feeds decodeLinks any text. It must not panic; what it
// accepts must survive appendLinks and decodeLinks again unchanged, and
// must read the same through the page_links view (SQLite's json_each).
func FuzzDecodeLinks(f *testing.F) {
	for _, seed := range []string{
		``, `[]`, `[[]]`, string(appendLinks(nil, oddLinks())), `[["a",null,"t"]]`, ` [ [ "\u00e9\ud83d\ude00" ] ] `,
		`[["\ud800"]]`, `[["\udc00\ud800"]]`, `[["a\/b\"c"]]`, `[["a",null,null]]`, `[[1]]`, `{"a":1}`, `[["\u0000"]]`,
	} {
		f.Add(seed)
	}
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	if err := s.PutPage(ctx, &archive.Page{CaptureID: 1, URL: "u", ExtractorVersion: "v"}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		links, err := decodeLinks(text)
		if err != nil {
			return
		}
		again, err := decodeLinks(string(appendLinks(nil, links)))
		if err != nil || !reflect.DeepEqual(again, links) {
			t.Fatalf("decode(append(decode(%q))) = %q, %v; want %q", text, again, err, links)
		}
		if text == "" {
			return // stored as NULL
		}
		if _, err := s.wdb.ExecContext(ctx, `UPDATE pages SET links = ? WHERE capture_id = 1`, text); err != nil {
			t.Fatal(err)
		}
		if view := viewLinks(t, s.rdb, 1); !reflect.DeepEqual(view, links) {
			t.Fatalf("view of %q:\n got %q\nwant %q", text, view, links)
		}
	})
}

// FuzzLinksRoundTrip stores a link of any nine strings, with its url as
// given or equal to its href, and checks that decodeLinks gives it back.
func FuzzLinksRoundTrip(f *testing.F) {
	for i, s := range oddStrings {
		f.Add(s, oddStrings[(i+1)%len(oddStrings)], s, "body", "href", "a", "", s, "", i%2 == 0)
	}
	f.Fuzz(func(t *testing.T, href, url, text, place, attr, tag, rel, raw, issue string, sameURL bool) {
		if sameURL {
			url = href
		}
		l := linkOf([linkFields]string{href, url, text, place, attr, tag, rel, raw, issue})
		links := []archive.Link{l, {}, l}
		got, err := decodeLinks(string(appendLinks(nil, links)))
		if err != nil || !reflect.DeepEqual(got, links) {
			t.Fatalf("round trip of %q: %q, %v", links, got, err)
		}
	})
}
