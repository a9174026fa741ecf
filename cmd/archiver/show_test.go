package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

func sha256Of(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestShowMetadata(t *testing.T) {
	f := newArchiveFixture(t)
	out, errOut, code := appRun(t, "--db", f.path, "show", "--run", strconv.FormatInt(f.run1, 10), "https://portal.example/news/1")
	if code != exitOK {
		t.Fatalf("show: exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{
		"URL              http://www.portal.example/news/1?utm_source=x",
		"Canonical URL    https://portal.example/news/1",
		"Run              " + strconv.FormatInt(f.run1, 10),
		"Capture          " + strconv.FormatInt(f.captures["run1"], 10),
		"Fetched (UTC)    2026-04-03T09:30:01Z, in 12ms",
		"Status           200 OK (HTTP/1.1)",
		"Redirect 1       301 http://www.portal.example/news/1?utm_source=x -> https://portal.example/news/1",
		"Final URL        https://portal.example/news/1",
		"Content-Type     text/html; charset=windows-1251",
		"Size             " + strconv.Itoa(len(f.body)) + " bytes (Content-Length " + strconv.Itoa(len(f.body)) + ")",
		"SHA-256          " + sha256Of(f.body),
		"Discovered from  https://portal.example/",
		"Alias            https://portal.example/index.php?id=1 (run " + strconv.FormatInt(f.run1, 10) + ", duplicate content)",
		"  User-Agent: archiver/test",
	} {
		if !strings.Contains(normalizeSpaces(out), normalizeSpaces(want)+"\n") {
			t.Errorf("show output lacks %q:\n%s", want, out)
		}
	}
}

func TestShowFindsLatestByEveryName(t *testing.T) {
	f := newArchiveFixture(t)
	for _, tc := range []struct {
		name, url string
		want      int64
	}{
		{"canonical, newest run", "https://portal.example/news/1", f.captures["run2"]},
		{"as requested", "http://www.portal.example/news/1?utm_source=x", f.captures["run1"]},
		{"alias", "https://portal.example/index.php?id=1", f.captures["run2"]},
		{"canonicalised as the crawl does", "https://portal.example/news/1#comments", f.captures["run2"]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := appRun(t, "--db", f.path, "show", "--format", "json", tc.url)
			if code != exitOK {
				t.Fatalf("exit %d, stderr %s", code, errOut)
			}
			var got struct {
				ID int64 `json:"id"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			if got.ID != tc.want {
				t.Errorf("capture %d, want %d", got.ID, tc.want)
			}
		})
	}
}

func TestShowRawIsBitForBit(t *testing.T) {
	f := newArchiveFixture(t)
	// The revisit of run 2 stored no body of its own: --raw gives the
	// body it repeats.
	for _, run := range []int64{f.run1, f.run2} {
		var out bytes.Buffer
		err := run2(t, &out, "--db", f.path, "show", "--raw", "--run", strconv.FormatInt(run, 10), "https://portal.example/news/1")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), f.body) {
			t.Errorf("run %d: --raw wrote %q, want %q", run, out.Bytes(), f.body)
		}
	}
}

func run2(t *testing.T, stdout *bytes.Buffer, args ...string) error {
	t.Helper()
	return run(context.Background(), append([]string{"archiver"}, args...), strings.NewReader(""), stdout, &bytes.Buffer{})
}

func TestShowHeaders(t *testing.T) {
	f := newArchiveFixture(t)
	out, _, code := appRun(t, "--db", f.path, "show", "--headers", "--run", strconv.FormatInt(f.run1, 10), "https://portal.example/news/1")
	want := "HTTP/1.1 200 OK\nContent-Type: text/html; charset=windows-1251\nSet-Cookie: a=1\nSet-Cookie: b=2\n"
	if code != exitOK || out != want {
		t.Errorf("--headers: exit %d\n%s\nwant\n%s", code, out, want)
	}
}

func TestShowErrors(t *testing.T) {
	f := newArchiveFixture(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no URL", []string{"show"}, "exactly one URL"},
		{"raw and headers", []string{"show", "--raw", "--headers", "https://portal.example/news/1"}, "exclude each other"},
		{"unknown URL", []string{"show", "https://portal.example/none"}, "no capture of https://portal.example/none"},
		{"unknown run", []string{"show", "--run", "99", "https://portal.example/news/1"}, "run 99"},
		{"not in run", []string{"show", "--run", strconv.FormatInt(f.run1, 10), "https://portal.example/reset"}, "in run"},
		{"raw without body", []string{"show", "--raw", "https://portal.example/reset"}, "has no body (no response: connection reset by peer)"},
		{"headers without response", []string{"show", "--headers", "https://portal.example/reset"}, "has no response headers"},
		{"bad format", []string{"show", "--format", "yaml", "https://portal.example/news/1"}, "want text or json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run2(t, &out, append([]string{"--db", f.path}, tc.args...)...)
			if exitCodeOf(err) != exitError || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v (exit %d), want exit %d and %q", err, exitCodeOf(err), exitError, tc.want)
			}
			if tc.name == "raw without body" && out.Len() != 0 {
				t.Errorf("--raw wrote %q before failing", out.String())
			}
		})
	}
}

func TestShowTransportError(t *testing.T) {
	f := newArchiveFixture(t)
	out, _, code := appRun(t, "--db", f.path, "show", "https://portal.example/reset")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Status no response", "Error connection reset by peer", "Verdict error"} {
		if !strings.Contains(normalizeSpaces(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "SHA-256") {
		t.Errorf("a capture without body shows a SHA-256:\n%s", out)
	}
}
