package extract

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
)

func TestParseDateline(t *testing.T) {
	tests := []struct {
		in   string
		want archive.Dateline
	}{
		{"MINSK, 3 April (BelTA) - Belarus and China discussed trade.", archive.Dateline{Raw: "MINSK, 3 April (BelTA) -", Place: "MINSK", DateText: "3 April", Agency: "BelTA", Dash: "-"}},
		{"DUSHANBE, 17 September (BelTA) – The summit opened.", archive.Dateline{Raw: "DUSHANBE, 17 September (BelTA) –", Place: "DUSHANBE", DateText: "17 September", Agency: "BelTA", Dash: "–"}},
		{"\u00a0MINSK, 3 April (BelTA) - With a leading no-break space.", archive.Dateline{Raw: "MINSK, 3 April (BelTA) -", Place: "MINSK", DateText: "3 April", Agency: "BelTA", Dash: "-"}},
		{"MOSCOW, June 26. /TASS/. Russia's president said.", archive.Dateline{Raw: "MOSCOW, June 26. /TASS/.", Place: "MOSCOW", DateText: "June 26", Agency: "TASS", Dash: "/."}},
		{"МИНСК, 3 апреля (БЕЛТА) – Президент провёл совещание.", archive.Dateline{Raw: "МИНСК, 3 апреля (БЕЛТА) –", Place: "МИНСК", DateText: "3 апреля", Agency: "БЕЛТА", Dash: "–"}},
		{"ВІЦЕБСК, 2 сакавіка (БЕЛТА) – Тэкст навіны.", archive.Dateline{Raw: "ВІЦЕБСК, 2 сакавіка (БЕЛТА) –", Place: "ВІЦЕБСК", DateText: "2 сакавіка", Agency: "БЕЛТА", Dash: "–"}},
		{"WASHINGTON (Reuters) - The Senate voted on Tuesday.", archive.Dateline{Raw: "WASHINGTON (Reuters) -", Place: "WASHINGTON", Agency: "Reuters", Dash: "-"}},
		{"NEW YORK, Dec. 4 — Markets rose.", archive.Dateline{Raw: "NEW YORK, Dec. 4 —", Place: "NEW YORK", DateText: "Dec. 4", Dash: "—"}},
	}
	for _, tt := range tests {
		got, ok := parseDateline(tt.in)
		if !ok || got != tt.want {
			t.Errorf("%q:\n got  %+v %v\n want %+v", tt.in, got, ok, tt.want)
		}
	}
	for _, in := range []string{
		"The minister said on 3 April (in Minsk) - nothing.",
		"UPDATE - the story was corrected.",
		"Minsk, 3 April (BelTA) - lower-case place is not a dateline.",
		"short",
	} {
		if got, ok := parseDateline(in); ok {
			t.Errorf("%q: got dateline %+v", in, got)
		}
	}
}

func TestCreditOf(t *testing.T) {
	tests := []struct{ in, name, printed, kind string }{
		{"Photo by sectsco.org", "sectsco.org", "Photo by sectsco.org", "photo"},
		{"Photos by Oksana Manchuk", "Oksana Manchuk", "Photos by Oksana Manchuk", "photo"},
		{"Photo: Yhomo Hutchinson", "Yhomo Hutchinson", "Photo: Yhomo Hutchinson", "photo"},
		{"Фото: БЕЛТА", "БЕЛТА", "Фото: БЕЛТА", "photo"},
		{"Фото М. Гучека. БЕЛТА", "М. Гучека. БЕЛТА", "Фото М. Гучека. БЕЛТА", "photo"},
		{"Аўтар фота: pravo.by", "pravo.by", "Аўтар фота: pravo.by", "photo"},
		{"Фотаздымкі: Аксана Манчук", "Аксана Манчук", "Фотаздымкі: Аксана Манчук", "photo"},
		{"The minister at the summit. Photo: Reuters", "Reuters", "Photo: Reuters", "photo"},
		{"Video: BelTA", "BelTA", "Video: BelTA", "video"},
		{"© AFP", "AFP", "© AFP", "photo"},
	}
	for _, tt := range tests {
		name, printed, kind, ok := creditOf(tt.in)
		if !ok || name != tt.name || printed != tt.printed || kind != tt.kind {
			t.Errorf("%q: got %q %q %q %v, want %q %q %q", tt.in, name, printed, kind, ok, tt.name, tt.printed, tt.kind)
		}
	}
	for _, in := range []string{"", "The president visited the photo exhibition yesterday and spoke to artists about the future of the country."} {
		if _, printed, _, ok := creditOf(in); ok && creditStartsLine(in, printed) && explicitCredit(printed) {
			t.Errorf("%q: got credit %q", in, printed)
		}
	}
}

// datelineExprs are the expressions that datelineCandidate guards.
var datelineExprs = []*regexp.Regexp{reDatelineDateAgency, reDatelineTASS, reDatelineAgency, reDatelineDate, reDatelinePlace}

func checkDatelineCandidate(t *testing.T, s string) {
	t.Helper()
	s = strings.TrimLeft(collapse(s), " ")
	if datelineCandidate(s) {
		return
	}
	for _, re := range datelineExprs {
		if re.MatchString(truncateRunes(s, 160)) {
			t.Fatalf("datelineCandidate(%q) is false, but %s matches", s, re)
		}
	}
}

// parseDatelineReference is parseDateline as first written: every
// expression in turn, with no test before them.
func parseDatelineReference(t string) (dl archive.Dateline, ok bool) {
	t = strings.TrimLeft(collapse(t), " ")
	if len(t) < 8 {
		return dl, false
	}
	head := truncateRunes(t, 160)
	if m := reDatelineDateAgency.FindStringSubmatch(head); m != nil && placeOK(m[1]) && agencyOK(m[3]) {
		return archive.Dateline{Raw: strings.TrimSpace(m[0]), Place: m[1], DateText: strings.TrimRight(m[2], ". "), Agency: strings.TrimSpace(m[3]), Dash: dashOf(m[4])}, true
	}
	if m := reDatelineTASS.FindStringSubmatch(head); m != nil && placeOK(m[1]) && agencyOK(m[3]) {
		return archive.Dateline{Raw: strings.TrimSpace(m[0]), Place: m[1], DateText: strings.TrimRight(m[2], ". "), Agency: strings.TrimSpace(m[3]), Dash: "/."}, true
	}
	if m := reDatelineAgency.FindStringSubmatch(head); m != nil && placeOK(m[1]) && agencyOK(m[2]) {
		return archive.Dateline{Raw: strings.TrimSpace(m[0]), Place: m[1], Agency: strings.TrimSpace(m[2]), Dash: dashOf(m[3])}, true
	}
	if m := reDatelineDate.FindStringSubmatch(head); m != nil && placeOK(m[1]) {
		return archive.Dateline{Raw: strings.TrimSpace(m[0]), Place: m[1], DateText: strings.TrimRight(m[2], ". "), Dash: dashOf(m[3])}, true
	}
	if m := reDatelinePlace.FindStringSubmatch(head); m != nil && placeOK(m[1]) && len(t) > 80 {
		return archive.Dateline{Raw: strings.TrimSpace(m[0]), Place: m[1], Dash: dashOf(m[2])}, true
	}
	return dl, false
}

func checkParseDateline(t *testing.T, s string) {
	t.Helper()
	got, ok := parseDateline(s)
	want, wantOK := parseDatelineReference(s)
	if got != want || ok != wantOK {
		t.Fatalf("parseDateline(%q) = %+v, %v; the expressions alone give %+v, %v", s, got, ok, want, wantOK)
	}
}

// TestDatelineCandidate checks that no dateline expression matches a text
// that datelineCandidate turns away, on texts built of the pieces of
// datelines.
func TestDatelineCandidate(t *testing.T) {
	pieces := []string{"MINSK", "Minsk", "М", "МИНСК", "Мinsk", "NEW", " YORK", ",", " ", "3", " April", " апреля", "(BelTA)", " - ", " – ", "/TASS/", ".", "'", "’",
		"\u0301", "É", "é", "ǅ", "ǅA", "x", "\xff", "&ndash;", "\u00a0", "-", "A", "a", "Ⅻ", "ᾈ", "(", ")", "/", "—", "June 26", " 3 апреля", ", ",
		" The minister said a long sentence of prose that goes on for a while.", "/.", "Dec. 4", "BelTA", "(Reuters)"}
	r := rand.New(rand.NewSource(1))
	for range 50000 {
		var b strings.Builder
		for k := r.Intn(8); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		checkDatelineCandidate(t, b.String())
		checkParseDateline(t, b.String())
	}
}

// FuzzDatelineCandidate checks datelineCandidate on arbitrary texts.
func FuzzDatelineCandidate(f *testing.F) {
	for _, s := range []string{"MINSK, 3 April (BelTA) - x", "Minsk – y", "ǅA (AP) - z", "É\u0301, 1 May -"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkDatelineCandidate(t, s)
		checkParseDateline(t, s)
	})
}
