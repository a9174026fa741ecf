package links

import "testing"

func TestMailtoAndTel(t *testing.T) {
	tests := []struct {
		href string
		bad  bool
	}{
		{"mailto:press@gov.example", false},
		{"mailto:a@gov.example,b@gov.example?subject=Hi%20there", false},
		{"mailto:?to=press@gov.example", false},
		{"mailto:press(at)gov.example", true},
		{"mailto:", true},
		{"mailto:press@localhost", true},
		{"mailto:Press <press@gov.example>", true},
		{"mailto:press@gov.example?subject=%zz", true},
		{"tel:+375-17-123-45-67", false},
		{"tel:(017) 222 33 44", false},
		{"tel:+375171234567;ext=12", false},
		{"tel:call-us", true},
		{"tel:", true},
		{"tel:12", true},
		{"tel:+1234567890123456", true},
	}
	for _, tc := range tests {
		var got string
		if tc.href[:4] == "tel:" {
			got = telProblem(tc.href)
		} else {
			got = mailtoProblem(tc.href)
		}
		if (got != "") != tc.bad {
			t.Errorf("%q: problem %q, want bad=%v", tc.href, got, tc.bad)
		}
	}
}

func FuzzMailtoTel(f *testing.F) {
	for _, s := range []string{"a@b.c", "", "?to=x@y.z", "%", "a@b.c,", "+1 (2) 3-4.5", ";", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = mailtoProblem("mailto:" + s)
		_ = telProblem("tel:" + s)
	})
}
