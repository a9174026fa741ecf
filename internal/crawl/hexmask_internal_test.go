package crawl

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"testing"
)

// refHexMaskedSHA256 is hexMaskedSHA256 as first written, run by run with
// isHex: the reference the table-driven scan must agree with.
func refHexMaskedSHA256(b []byte) string {
	h := sha256.New()
	start := 0
	for i := 0; i < len(b); {
		if !isHex(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && isHex(b[j]) {
			j++
		}
		if j-i >= 16 {
			h.Write(b[start:i])
			h.Write([]byte{'x'})
			start = j
		}
		i = j
	}
	h.Write(b[start:])
	return hex.EncodeToString(h.Sum(nil))
}

func TestHexDigitTable(t *testing.T) {
	if len(hexDigit) != 256 {
		t.Fatalf("hexDigit has %d entries", len(hexDigit))
	}
	for c := range 256 {
		if got, want := hexDigit[c] != 0, isHex(byte(c)); got != want {
			t.Errorf("hexDigit[%q] = %v, isHex says %v", byte(c), got, want)
		}
	}
}

func TestHexMaskedSHA256(t *testing.T) {
	plain := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	tests := []struct{ in, masked string }{
		{"", ""},
		{"no hex runs here", "no hex runs here"},
		{"0123456789abcde", "0123456789abcde"},                    // 15: kept
		{"0123456789abcdef", "x"},                                 // 16 at both ends
		{`token="0123456789ABCDEF0123"/>`, `token="x"/>`},         // upper case
		{"a0123456789abcdefXdeadbeefdeadbeef", "xXx"},             // two runs
		{"<p>cafe 0123456789abcdef01</p>", "<p>cafe x</p>"},       // a run after a short one
		{"feedfacefeedfacefeedface", "x"},                         // letters only
		{"\xff0123456789abcdef\xfe", "\xffx\xfe"},                 // beside non-ASCII bytes
		{"0123456789abcdef 0123456789abcde", "x 0123456789abcde"}, // a long run, then a short one at the end
		{"g0123456789abcdefg", "gxg"},
	}
	for _, tc := range tests {
		if got, want := hexMaskedSHA256([]byte(tc.in)), plain(tc.masked); got != want {
			t.Errorf("hexMaskedSHA256(%q) is not the SHA-256 of %q", tc.in, tc.masked)
		}
	}
	// Random bytes rich in hex digits, against the reference.
	rng := rand.New(rand.NewPCG(3, 4))
	const alphabet = "0123456789abcdefABCDEFxyz<>\" \xff"
	for range 5000 {
		b := make([]byte, rng.IntN(120))
		for i := range b {
			if rng.IntN(4) == 0 {
				b[i] = alphabet[16+rng.IntN(len(alphabet)-16)]
			} else {
				b[i] = alphabet[rng.IntN(16)]
			}
		}
		if got, want := hexMaskedSHA256(b), refHexMaskedSHA256(b); got != want {
			t.Fatalf("hexMaskedSHA256(%q) differs from the reference", b)
		}
	}
}

func FuzzHexMaskedSHA256(f *testing.F) {
	f.Add([]byte("csrf 0123456789abcdef0123456789abcdef end"))
	f.Add(bytes.Repeat([]byte("a"), 40))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := hexMaskedSHA256(b), refHexMaskedSHA256(b); got != want {
			t.Fatalf("hexMaskedSHA256(%q) differs from the reference", b)
		}
	})
}

// BenchmarkHexMaskedSHA256 hashes a page of HTML with a CSRF token and
// hashed asset names: with hexMaskedSHA256, with the reference, and the
// plain SHA-256 of the page (the floor).
func BenchmarkHexMaskedSHA256(b *testing.B) {
	var page bytes.Buffer
	for i := 0; page.Len() < 30<<10; i++ {
		page.WriteString(`<p class="lead">Minsk faced a decade of change; the delegation added 2024 dates.</p>`)
		if i%20 == 0 {
			page.WriteString(`<input name="csrf_token" value="0123456789abcdef0123456789abcdef"><script src="/a.deadbeefcafe0123456789.js"></script>`)
		}
	}
	b.Run("skip", func(b *testing.B) {
		for b.Loop() {
			hexMaskedSHA256(page.Bytes())
		}
	})
	b.Run("reference", func(b *testing.B) {
		for b.Loop() {
			refHexMaskedSHA256(page.Bytes())
		}
	})
	b.Run("sha256-only", func(b *testing.B) {
		for b.Loop() {
			sha256.Sum256(page.Bytes())
		}
	})
}
