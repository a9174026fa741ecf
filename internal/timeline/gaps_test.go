package timeline_test

import (
	"slices"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/timeline"
)

func TestTrimOutliers(t *testing.T) {
	// 20 days of history, 2024-03-01 .. 2024-03-20.
	var month []string
	for d := 1; d <= 20; d++ {
		month = append(month, "2024-03-"+string(rune('0'+d/10))+string(rune('0'+d%10)))
	}
	with := func(head, tail []string) []string { return append(append(slices.Clone(head), month...), tail...) }
	cases := []struct {
		name string
		in   []string
		want []string
	}{
		{"none", month, month},
		{"one old date", with([]string{"2019-06-01"}, nil), month},
		{"one future date", with(nil, []string{"2025-05-09"}), month},
		{"two future dates close together", with(nil, []string{"2025-05-09", "2025-05-13"}), month},
		{"a group at each end", with([]string{"2020-01-01", "2020-01-02"}, []string{"2025-05-09", "2025-05-13"}), month},
		{"one date", []string{"2024-03-01"}, []string{"2024-03-01"}},
	}
	big := with(nil, nil)
	for d := 1; d <= 10; d++ {
		big = append(big, "2024-05-"+string(rune('0'+d/10))+string(rune('0'+d%10)))
	}
	cases = append(cases, struct {
		name string
		in   []string
		want []string
	}{"a third of the history after a month's pause is no outlier", big, big})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := timeline.TrimOutliers(slices.Clone(tc.in)); !slices.Equal(got, tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestKeepsToDay(t *testing.T) {
	cases := []struct {
		name string
		d    archive.Digest
		want bool
	}{
		{"the day's own articles", archive.Digest{Items: 2, ItemsDated: 2, ItemsOnDay: 2}, true},
		{"at or before, with the day's article first", archive.Digest{Items: 20, ItemsDated: 20, ItemsOnDay: 1}, true},
		{"at or before, for a day without news", archive.Digest{Items: 20, ItemsDated: 20}, false},
		{"one article printing a later date", archive.Digest{Items: 1, ItemsDated: 1, ItemsAfter: 1}, true},
		{"the latest news for an older day", archive.Digest{Items: 10, ItemsDated: 10, ItemsAfter: 10}, false},
		{"the newest day's list", archive.Digest{Items: 2, ItemsDated: 2, ItemsOnDay: 2, LatestListed: true}, false},
		{"nothing listed", archive.Digest{}, false},
		{"articles the archive never dated", archive.Digest{Items: 3}, false},
	}
	for _, tc := range cases {
		if got := timeline.KeepsToDay(tc.d); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
