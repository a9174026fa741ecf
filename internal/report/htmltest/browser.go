// Package htmltest drives headless Chromium over the DevTools protocol for
// the tests of the HTML report: it records every request (through the
// protocol and through a proxy that the whole browser must use), console
// message, exception and dialog, and fails the test on any of them.
package htmltest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Browser is a headless Chromium driven over the DevTools protocol, with
// every request, console message, exception and dialog of its page
// recorded.
type Browser struct {
	// Ctx is the page's chromedp context.
	Ctx      context.Context
	mu       sync.Mutex
	requests []string // seen by the page's network domain
	proxied  []string // reached the proxy every request of the browser goes to
	problems []string
	dialogs  []string
}

// chromiumPath finds the browser: $ARCHIVER_CHROMIUM, then chromium on the
// PATH. CI installs Debian's chromium (.ci/run).
func chromiumPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("ARCHIVER_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (apt-get install chromium, or set ARCHIVER_CHROMIUM); the browser test needs it")
	return ""
}

// Open starts a headless Chromium with no network features of its own and
// a fresh profile, with JavaScript on or off. It skips the test, saying
// why, when Chromium is not installed; it stops the browser when the test
// ends.
func Open(t testing.TB, scripts bool) *Browser {
	t.Helper()
	path := chromiumPath(t)
	b := &Browser{}
	// Every request of the browser, from any frame or process, loopback
	// included, goes through this proxy, which records it and refuses it.
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		b.proxied = append(b.proxied, r.Method+" "+r.URL.String()+" "+r.Host)
		b.mu.Unlock()
		http.Error(w, "no network in the report test", http.StatusForbidden)
	}))
	t.Cleanup(proxy.Close)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ProxyServer(proxy.Listener.Addr().String()),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,AutofillServerCommunication"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("no-pings", true),
		chromedp.UserDataDir(profileDir(t)),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	b.Ctx = ctx
	b.listen(ctx)
	actions := []chromedp.Action{network.Enable(), log.Enable(), runtime.Enable()}
	if !scripts {
		actions = append(actions, emulation.SetScriptExecutionDisabled(true))
	}
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return b
}

// profileDir returns a fresh directory for the browser's profile, removed
// when the test ends, after the browser is stopped (cleanups run last
// first, and Open registers the browser's after this one). Chromium's
// helper processes outlive the browser process by a moment and may still
// write into the profile then, which makes a plain t.TempDir's removal
// fail ("directory not empty"): the removal is retried until they are
// gone, for up to 10 seconds, and only then reported.
func profileDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "archiver-chromium-")
	if err != nil {
		t.Fatalf("chromium profile: %v", err)
	}
	t.Cleanup(func() {
		deadline := time.Now().Add(10 * time.Second)
		for {
			err := os.RemoveAll(dir)
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("remove chromium's profile: %v", err)
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	return dir
}

// listen records what happens in one target (the page, or a frame that
// runs in a process of its own).
func (b *Browser) listen(ctx context.Context) {
	chromedp.ListenTarget(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, e.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError || e.Type == runtime.APITypeWarning || e.Type == runtime.APITypeAssert {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				b.problems = append(b.problems, fmt.Sprintf("console.%s: %s", e.Type, strings.Join(args, " ")))
			}
		case *runtime.EventExceptionThrown:
			b.problems = append(b.problems, "exception: "+e.ExceptionDetails.Error())
		case *log.EventEntryAdded:
			if e.Entry.Level == log.LevelError || e.Entry.Level == log.LevelWarning {
				b.problems = append(b.problems, fmt.Sprintf("log %s %s: %s", e.Entry.Level, e.Entry.Source, e.Entry.Text))
			}
		case *page.EventJavascriptDialogOpening:
			b.dialogs = append(b.dialogs, e.Message)
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(false))
		}
	})
}

// Frames attaches to the page's frames that run as targets of their own
// (Chromium isolates sandboxed frames in their own process), replays their
// logs into the record, and returns their contexts.
func (b *Browser) Frames(t testing.TB) []context.Context {
	t.Helper()
	infos, err := chromedp.Targets(b.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []context.Context
	for _, info := range infos {
		if info.Type != "iframe" {
			continue
		}
		ctx, cancel := chromedp.NewContext(b.Ctx, chromedp.WithTargetID(info.TargetID))
		t.Cleanup(cancel)
		b.listen(ctx)
		if err := chromedp.Run(ctx, log.Enable(), runtime.Enable(), network.Enable()); err != nil {
			t.Fatalf("attach to frame %s: %v", info.URL, err)
		}
		out = append(out, ctx)
	}
	return out
}

// Run runs actions in the page and fails the test on an error, with what
// the browser reported.
func (b *Browser) Run(t testing.TB, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(b.Ctx, actions...); err != nil {
		b.mu.Lock()
		defer b.mu.Unlock()
		t.Fatalf("%v (the browser reported: %q)", err, b.problems)
	}
}

// Eval evaluates a JavaScript expression in the page into out.
func (b *Browser) Eval(t testing.TB, expr string, out any) {
	t.Helper()
	b.Run(t, chromedp.Evaluate(expr, out))
}

// CheckClean fails the test on any console error, exception, dialog or
// request that left the file.
func (b *Browser) CheckClean(t testing.TB) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Errorf("browser reported: %s", p)
	}
	for _, d := range b.dialogs {
		t.Errorf("a dialog opened: %q", d)
	}
	if len(b.requests) == 0 {
		t.Error("no request recorded at all; the request listener is not working")
	}
	for _, r := range b.proxied {
		if browserService(r) {
			continue
		}
		t.Errorf("a request left the file through the network: %s", r)
	}
	for _, u := range b.requests {
		if !strings.HasPrefix(u, "file:") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "about:") {
			t.Errorf("a request left the file: %s", u)
		}
	}
}

// browserService says whether a proxied request is one Chromium makes for
// itself whatever page it shows (component updates, the clock, accounts),
// which the flags above reduce but cannot all turn off. Requests of the
// page's own frames are also checked through the DevTools protocol.
func browserService(req string) bool {
	f := strings.Fields(req)
	if len(f) < 3 {
		return false
	}
	host := f[2]
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	for _, s := range []string{".google.com", ".googleapis.com", ".gvt1.com", ".gstatic.com"} {
		if strings.HasSuffix(host, s) {
			return true
		}
	}
	return false
}

// ArtifactDir is where screenshots go: $ARCHIVER_ARTIFACTS, or the test's
// temporary directory.
func ArtifactDir(t testing.TB) string {
	if d := os.Getenv("ARCHIVER_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// FrameHasText looks for text inside the page's frames, through the DOM
// domain (the sandboxed frame's document is not reachable from the page's
// script, by design).
func (b *Browser) FrameHasText(t testing.TB, text string) bool {
	t.Helper()
	var root *cdp.Node
	b.Run(t, chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		root, err = dom.GetDocument().WithDepth(-1).WithPierce(true).Do(ctx)
		return err
	}))
	var find func(n *cdp.Node, inFrame bool) bool
	find = func(n *cdp.Node, inFrame bool) bool {
		if n == nil {
			return false
		}
		if inFrame && n.NodeType == cdp.NodeTypeText && strings.Contains(n.NodeValue, text) {
			return true
		}
		if find(n.ContentDocument, true) {
			return true
		}
		for _, c := range n.Children {
			if find(c, inFrame) {
				return true
			}
		}
		return false
	}
	return find(root, false)
}

// Axe runs axe-core's WCAG 2 A/AA rules on the page when
// $ARCHIVER_AXE_JS names axe.min.js (npm install axe-core); serious and
// critical violations fail the test.
func (b *Browser) Axe(t testing.TB) {
	t.Helper()
	path := os.Getenv("ARCHIVER_AXE_JS")
	if path == "" {
		t.Log("accessibility audit not run: set ARCHIVER_AXE_JS to axe-core's axe.min.js to run it")
		return
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var res string
	b.Run(t, chromedp.Evaluate(string(src), nil),
		chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}).then(r => JSON.stringify(({passes: r.passes.length, violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, target: v.nodes[0].target.join(" ")}))})))`,
			&res, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	var result struct {
		Passes     int
		Violations []struct {
			ID, Impact, Help, Target string
			Nodes                    int
		}
	}
	if err := json.Unmarshal([]byte(res), &result); err != nil {
		t.Fatal(err)
	}
	if result.Passes == 0 {
		t.Error("axe-core passed no rule at all; it did not run on the page")
	}
	for _, v := range result.Violations {
		msg := fmt.Sprintf("axe %s (%s): %s — %d nodes, e.g. %s", v.ID, v.Impact, v.Help, v.Nodes, v.Target)
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
	t.Logf("axe-core: %d rules passed, %d violated", result.Passes, len(result.Violations))
}
