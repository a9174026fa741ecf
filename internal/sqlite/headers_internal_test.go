package sqlite

import (
	"bytes"
	"encoding/binary"
	"net/http"
	"reflect"
	"testing"
)

// storeHeader encodes h as a capture row does and decodes it back; ref is
// the request of a response header, nil for a request header.
func storeHeader(t testing.TB, h, ref http.Header) http.Header {
	t.Helper()
	st := prepareHeader(h, ref)
	if st.nil_ {
		return nil
	}
	got := http.Header{}
	if err := decodeHeaderSet(st.set, got); err != nil {
		t.Fatalf("decode set of %#v: %v", h, err)
	}
	if st.own != nil {
		if err := decodeOwnFields(st.own, got, ref); err != nil {
			t.Fatalf("decode inline fields of %#v: %v", h, err)
		}
	}
	return got
}

func TestHeaderEncodingRoundTrip(t *testing.T) {
	for name, h := range map[string]http.Header{
		"nil":   nil,
		"empty": {},
		"request": {
			"User-Agent": {"archiver/1.0 (+mailto:ops@portal.example)"}, "Accept-Encoding": {"gzip"},
			"If-None-Match": {`"6294f77d23a38f47"`}, "If-Modified-Since": {"Fri, 25 Nov 2022 11:58:00 GMT"},
		},
		"304":             {"Date": {"Fri, 27 Nov 2026 10:26:47 GMT"}, "Last-Modified": {"Fri, 25 Nov 2022 11:58:00 GMT"}},
		"nil value slice": {"X-Empty": nil, "Date": nil},
		"empty values":    {"X-Empty": {}, "Etag": {}, "Set-Cookie": {"", ""}},
		"several values":  {"Set-Cookie": {"a=1", "b=2", "a=1"}, "Vary": {"Accept-Encoding", "Cookie"}},
		"non-canonical":   {"etag": {"x"}, "date": {"Fri, 27 Nov 2026 10:26:47 GMT"}, "DATE": {"y"}},
		// Dates that do not format back to the same text are kept as text.
		"odd dates": {"Date": {"Fri, 27 Nov 2026 10:26:47 UTC", "Mon, 27 Nov 2026 10:26:47 GMT", "fri, 27 Nov 2026 10:26:47 GMT",
			"Thu, 01 Jan 1970 00:00:00 GMT", "Sat, 01 Jan 0000 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"}},
		"binary": {"X-Bin\x00": {"\xff\xfe\x00", "é"}, "Last-Modified": {"\x00"}},
	} {
		t.Run(name, func(t *testing.T) {
			if got := storeHeader(t, h, nil); !reflect.DeepEqual(got, h) {
				t.Errorf("round trip: got %#v, want %#v", got, h)
			}
			// The same header as the response to a request whose
			// inline fields it repeats.
			ref := http.Header{"If-None-Match": {"x", `"6294f77d23a38f47"`}, "Etag": {"Fri, 27 Nov 2026 10:26:47 GMT"}, "Date": nil}
			if got := storeHeader(t, h, ref); !reflect.DeepEqual(got, h) {
				t.Errorf("round trip with a request: got %#v, want %#v", got, h)
			}
		})
	}
}

// TestHeaderSetSharedAcrossValidators checks what makes a recrawl cheap:
// requests and responses that differ only in their dates and validators
// share one header set, and a valid HTTP date takes a few bytes.
func TestHeaderSetSharedAcrossValidators(t *testing.T) {
	req := http.Header{"User-Agent": {"ua"}, "If-None-Match": {`"a"`}, "If-Modified-Since": {"Fri, 25 Nov 2022 11:58:00 GMT"}}
	a := prepareHeader(req, nil)
	b := prepareHeader(http.Header{"User-Agent": {"ua"}, "If-None-Match": {`"b"`}, "If-Modified-Since": {"Sat, 26 Nov 2022 11:58:00 GMT"}}, nil)
	if !bytes.Equal(a.set, b.set) {
		t.Errorf("header sets differ: %q and %q", a.set, b.set)
	}
	d := prepareHeader(http.Header{"Date": {"Fri, 27 Nov 2026 10:26:47 GMT"}}, nil)
	if len(d.own) > 8 {
		t.Errorf("a Date field takes %d bytes inline, want at most 8", len(d.own))
	}
	// A 304 repeats the request's validators: a reference of 3 bytes each.
	nm := prepareHeader(http.Header{"Etag": {`"a"`}, "Last-Modified": {"Fri, 25 Nov 2022 11:58:00 GMT"}}, req)
	if len(nm.own) > 2*(2+3) {
		t.Errorf("a 304's ETag and Last-Modified take %d bytes inline (%x), want at most 10", len(nm.own), nm.own)
	}
}

func TestHeaderDecodingRejectsMalformed(t *testing.T) {
	valid := prepareHeader(http.Header{"A": {"b"}, "Date": {"x"}}, nil)
	for name, b := range map[string][]byte{
		"truncated set":    valid.set[:len(valid.set)-1],
		"trailing bytes":   append(append([]byte{}, valid.set...), 0),
		"huge key count":   binary.AppendUvarint(nil, 1<<40),
		"huge value count": {1, 1, 'A', 0xff, 0xff, 0xff, 0x7f},
		"bad varint":       {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	} {
		if err := decodeHeaderSet(b, http.Header{}); err == nil {
			t.Errorf("set %s (%q): no error", name, b)
		}
	}
	for name, b := range map[string][]byte{
		"truncated":    valid.own[:len(valid.own)-1],
		"code 0":       {0, 1},
		"unknown code": {byte(len(ownFieldNames) + 1), 1},
		"odd tag":      {1, 2, 3},
		"bad date":     {1, 2, 1},
		"bad ref code": {1, 2, 3, 0, 0},
		"ref past end": {1, 2, 3, 1, 1},
		"ref missing":  {1, 2, 3, 2, 0},
	} {
		if err := decodeOwnFields(b, http.Header{}, http.Header{"Date": {"x"}}); err == nil {
			t.Errorf("inline %s (%q): no error", name, b)
		}
	}
}

// FuzzHeaderRoundTrip builds headers from arbitrary strings (some keys
// among the inline names, some values HTTP dates) and checks that they
// come back exactly; the same bytes fed to the decoders must give an
// error or a header, never a panic.
func FuzzHeaderRoundTrip(f *testing.F) {
	f.Add("User-Agent", "archiver/1.0", "Date", "Fri, 27 Nov 2026 10:26:47 GMT", uint8(3))
	f.Add("etag", "", "If-None-Match", `"x"`, uint8(0))
	f.Add("", "\xff", "Last-Modified", "Sat, 01 Jan 0000 00:00:00 GMT", uint8(255))
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string, shape uint8) {
		h := http.Header{k1: {v1}}
		switch shape % 4 {
		case 0:
			h[k2] = nil
		case 1:
			h[k2] = []string{}
		case 2:
			h[k2] = []string{v2, v1, v2}
		default:
			h[ownFieldNames[int(shape)%len(ownFieldNames)]] = []string{v2}
		}
		ref := http.Header{"If-None-Match": {v2}, ownFieldNames[int(shape)%len(ownFieldNames)]: {v1, v2}}
		for _, r := range []http.Header{nil, ref} {
			if got := storeHeader(t, h, r); !reflect.DeepEqual(got, h) {
				t.Fatalf("round trip (request %#v): got %#v, want %#v", r, got, h)
			}
		}
		raw := []byte(k1 + v1 + k2 + v2)
		_ = decodeHeaderSet(raw, http.Header{})
		_ = decodeOwnFields(raw, http.Header{}, ref)
	})
}
