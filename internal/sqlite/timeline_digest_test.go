package sqlite

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

func TestDigestRoundTrip(t *testing.T) {
	v := archive.Version{
		URL: "https://portal.test/a", RunID: 3, CaptureID: 7, FetchedAt: time.Date(2024, 4, 3, 12, 0, 0, 5, time.UTC),
		Status: 200, FinalURL: "https://portal.test/b", Redirected: true, Verdict: archive.VerdictRevisit, BodySHA256: "ab", Indexed: true,
		Digest: archive.Digest{
			ContentHash: "h", Kind: archive.KindArticle, Section: "https://portal.test/", SoftNotFound: true, Duplicate: true,
			Refs: archive.RefDay | archive.RefCalendar, Day: "2024-04-03", Items: 1, ItemsOnDay: 2, ItemsAfter: 3, ItemsDated: 4,
			LatestListed: true, DayCaptured: true, ListingComplete: true,
			Fields: archive.VersionFields{
				Headline: "A\x1eB", Published: "2024-04-03 10:00", Modified: "2024-04-04", Authors: []string{"X\x1fY", "Z"},
				Source: "BelTA", Dateline: "MINSK, 3 April (BelTA) -", Credits: []string{"c"}, Breadcrumbs: []string{"Home", "News"},
				Correction: "Correction: …", BodyHash: "bh",
			},
		},
	}
	var got archive.Version
	got.URL, got.RunID, got.CaptureID = v.URL, v.RunID, v.CaptureID
	if err := decodeDigest(encodeDigest(&v), &got); err != nil {
		t.Fatal(err)
	}
	// The separators inside texts become spaces; everything else survives.
	want := v
	want.Digest.Fields.Headline = "A B"
	want.Digest.Fields.Authors = []string{"X Y", "Z"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	for _, bad := range []string{"", "d1", "d2" + strings.Repeat(recordSep, digestFields-1), strings.Replace(encodeDigest(&v), recordSep+"200"+recordSep, recordSep+"x"+recordSep, 1)} {
		if err := decodeDigest(bad, &got); err == nil {
			t.Errorf("decodeDigest(%q): no error", bad)
		}
	}
}

func FuzzDecodeDigest(f *testing.F) {
	v := archive.Version{URL: "u", FetchedAt: time.Unix(0, 0).UTC(), Status: 200, Verdict: archive.VerdictOK, Indexed: true}
	f.Add(encodeDigest(&v))
	f.Add("d1" + strings.Repeat(recordSep+"0", digestFields-1))
	f.Add(strings.Repeat(recordSep, 40))
	f.Fuzz(func(t *testing.T, s string) {
		var got archive.Version
		if err := decodeDigest(s, &got); err != nil {
			return
		}
		// What decodes must encode back to something that decodes the same.
		var again archive.Version
		if err := decodeDigest(encodeDigest(&got), &again); err != nil {
			t.Fatalf("re-decoding %q: %v", s, err)
		}
	})
}
