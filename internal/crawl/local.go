package crawl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// localSite serves a static build from a directory as if it were the site
// at its base URL, without any network: a request for /a/b/ reads
// a/b/index.html, /a/b reads a/b (or redirects to /a/b/ if that is a
// directory), anything else is a 404. Reads cannot leave the directory.
type localSite struct {
	root *os.Root
}

func openLocalSite(dir string) (*localSite, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open local seed: %w", err)
	}
	return &localSite{root: root}, nil
}

func (l *localSite) Close() error { return l.root.Close() }

// RoundTrip answers a request from the directory.
func (l *localSite) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	p := req.URL.Path
	if p == "" {
		p = "/"
	}
	clean := path.Clean("/" + p)
	name := strings.TrimPrefix(clean, "/")
	if name == "" {
		name = "."
	}
	fi, err := l.root.Stat(filepath.FromSlash(name))
	if err == nil && fi.IsDir() {
		if !strings.HasSuffix(p, "/") {
			loc := clean + "/"
			if req.URL.RawQuery != "" {
				loc += "?" + req.URL.RawQuery
			}
			return localResponse(req, http.StatusMovedPermanently, http.Header{"Location": {loc}}, nil), nil
		}
		name = path.Join(name, "index.html")
	}
	data, err := l.readFile(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) || strings.Contains(err.Error(), "escapes") || errors.Is(err, fs.ErrPermission) {
			body := []byte("404 page not found\n")
			return localResponse(req, http.StatusNotFound, http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, body), nil
		}
		return nil, err
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = http.DetectContentType(data)
	}
	return localResponse(req, http.StatusOK, http.Header{"Content-Type": {ct}}, data), nil
}

func (l *localSite) readFile(name string) ([]byte, error) {
	f, err := l.root.Open(filepath.FromSlash(name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fs.ErrNotExist
	}
	return io.ReadAll(f)
}

func localResponse(req *http.Request, status int, h http.Header, body []byte) *http.Response {
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return &http.Response{
		Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), StatusCode: status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req,
	}
}
