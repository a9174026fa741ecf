package links

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
)

// TestPageOrderSort: sorting occurrences by the rank of their page gives
// the order sortOccurrences gives (page URL, anchor text, place, then the
// order they came in), for occurrences of the ranked pages and, compared
// by URL, for those of a page that was not ranked.
func TestPageOrderSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pages := []string{"https://p.example/en/", "https://p.example/en/a?page=2", "https://p.example/en/a", "https://p.example/ru/x", "https://p.example/en/a/"}
	var po pageOrder
	for _, p := range pages {
		po.add(p)
	}
	po.rank()
	for _, tc := range []struct {
		name  string
		pages []string
	}{{"ranked pages", pages}, {"a page not ranked", append(slices.Clone(pages), "https://p.example/zz")}} {
		for n := range 60 {
			os := make([]Occurrence, n)
			for i := range os {
				os[i] = Occurrence{
					Page:  tc.pages[rng.IntN(len(tc.pages))],
					Text:  []string{"", "Home", "home", "News"}[rng.IntN(4)],
					Place: []archive.LinkPlace{archive.PlaceBody, archive.PlaceMenu, archive.PlaceFooter}[rng.IntN(3)],
					Href:  fmt.Sprint(i), // tells equal ones apart
				}
			}
			want := slices.Clone(os)
			sortOccurrences(want)
			po.sort(os)
			if !reflect.DeepEqual(os, want) {
				t.Fatalf("%s, %d occurrences: got %v\nwant %v", tc.name, n, os, want)
			}
		}
	}
}
