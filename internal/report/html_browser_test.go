package report

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
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

	"github.com/archiver-dev/archiver/internal/archive"
)

// browser is a headless Chromium driven over the DevTools protocol, with
// every request, console message, exception and dialog of its page
// recorded.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	requests []string // seen by the page's network domain
	proxied  []string // reached the proxy every request of the browser goes to
	problems []string
	dialogs  []string
}

// chromiumPath finds the browser: $ARCHIVER_CHROMIUM, then chromium on the
// PATH. CI installs Debian's chromium (.ci/run).
func chromiumPath(t *testing.T) string {
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

// newBrowser starts a headless Chromium with no network features of its own.
func newBrowser(t *testing.T, scripts bool) *browser {
	t.Helper()
	path := chromiumPath(t)
	b := &browser{}
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
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	b.ctx = ctx
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

// listen records what happens in one target (the page, or a frame that
// runs in a process of its own).
func (b *browser) listen(ctx context.Context) {
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

// frames attaches to the page's frames that run as targets of their own
// (Chromium isolates sandboxed frames in their own process), replays their
// logs into the record, and returns their contexts.
func (b *browser) frames(t *testing.T) []context.Context {
	t.Helper()
	infos, err := chromedp.Targets(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []context.Context
	for _, info := range infos {
		if info.Type != "iframe" {
			continue
		}
		ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(info.TargetID))
		t.Cleanup(cancel)
		b.listen(ctx)
		if err := chromedp.Run(ctx, log.Enable(), runtime.Enable(), network.Enable()); err != nil {
			t.Fatalf("attach to frame %s: %v", info.URL, err)
		}
		out = append(out, ctx)
	}
	return out
}

func (b *browser) run(t *testing.T, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		b.mu.Lock()
		defer b.mu.Unlock()
		t.Fatalf("%v (the browser reported: %q)", err, b.problems)
	}
}

// eval evaluates a JavaScript expression in the page into out.
func (b *browser) eval(t *testing.T, expr string, out any) {
	t.Helper()
	b.run(t, chromedp.Evaluate(expr, out))
}

// checkClean fails the test on any console error, exception, dialog or
// request that left the file.
func (b *browser) checkClean(t *testing.T) {
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

// artifactDir is where screenshots go: $ARCHIVER_ARTIFACTS, or the test's
// temporary directory.
func artifactDir(t *testing.T) string {
	if d := os.Getenv("ARCHIVER_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func writeReport(t *testing.T, a *Audit) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := HTML(f, a); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func countOpen(a *Audit, sev archive.Severity) int {
	n := 0
	for _, f := range a.Result.Findings {
		if IsOpen(&f) && (sev == "" || f.Severity == sev) {
			n++
		}
	}
	return n
}

// TestHTMLInBrowser opens a report in headless Chromium: the sections and
// counts are there, filters and pages work, evidence opens, a hostile
// archived page renders inert, nothing leaves the file and nothing logs an
// error. It saves a screenshot of the whole page.
func TestHTMLInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	a := fixtureAudit(200, 400)
	path := writeReport(t, a)
	b := newBrowser(t, true)
	b.run(t, chromedp.Navigate("file://"+path), chromedp.WaitVisible("#findings-list .finding", chromedp.ByQuery))

	var headings []string
	b.eval(t, `Array.from(document.querySelectorAll("h2")).map(h => h.textContent.trim())`, &headings)
	want := []string{"Summary", "Archive coverage", "Findings", "Changes", "Removals", "Waivers register", "Archived copies", "Reproducibility"}
	if strings.Join(headings, "|") != strings.Join(want, "|") {
		t.Errorf("sections %q, want %q", headings, want)
	}
	var landmarks map[string]int
	b.eval(t, `({banner: document.querySelectorAll("body > header").length, nav: document.querySelectorAll("nav").length, main: document.querySelectorAll("main").length, contentinfo: document.querySelectorAll("body > footer").length})`, &landmarks)
	for _, k := range []string{"banner", "nav", "main", "contentinfo"} {
		if landmarks[k] != 1 {
			t.Errorf("%d %s landmarks, want 1", landmarks[k], k)
		}
	}

	open, errs := countOpen(a, ""), countOpen(a, archive.SeverityError)
	var status string
	var items int
	b.eval(t, `document.getElementById("findings-status").textContent`, &status)
	b.eval(t, `document.querySelectorAll("#findings-list details.finding").length`, &items)
	if want := fmt.Sprintf("Showing 1–50 of %d findings.", open); status != want || items != 50 {
		t.Errorf("findings status %q with %d items, want %q with 50", status, items, want)
	}
	var summary string
	b.eval(t, `document.querySelector(".verdict").textContent`, &summary)
	if !strings.Contains(summary, fmt.Sprintf("%d open findings", open)) || !strings.Contains(summary, fmt.Sprintf("%d errors", errs)) {
		t.Errorf("summary %q does not give %d open findings and %d errors", summary, open, errs)
	}

	// Filter to errors, then page on.
	b.run(t, chromedp.SetValue("#f-sev", "error", chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("f-sev").dispatchEvent(new Event("input", {bubbles: true}))`, nil))
	b.eval(t, `document.getElementById("findings-status").textContent`, &status)
	if want := fmt.Sprintf("Showing 1–50 of %d findings (filtered; %d open in all).", errs, open); status != want {
		t.Errorf("after filtering: %q, want %q", status, want)
	}
	var sevs []string
	b.eval(t, `Array.from(document.querySelectorAll("#findings-list .finding .sev")).map(e => e.textContent)`, &sevs)
	for _, s := range sevs {
		if s != "error" {
			t.Fatalf("the error filter shows a %q finding", s)
		}
	}
	b.run(t, chromedp.Click("#page-next", chromedp.ByQuery))
	b.eval(t, `document.getElementById("findings-status").textContent`, &status)
	if !strings.HasPrefix(status, "Showing 51–") {
		t.Errorf("after Next: %q", status)
	}

	// A drill-down from the rules table, then the evidence of one finding.
	b.run(t, chromedp.Click(`#rules-table a[data-filter-rule="links/broken-internal"]`, chromedp.ByQuery))
	b.eval(t, `document.getElementById("findings-status").textContent`, &status)
	if want := fmt.Sprintf("of %d findings", countRule(a, "links/broken-internal")); !strings.Contains(status, want) {
		t.Errorf("after choosing the rule: %q, want %q", status, want)
	}
	b.run(t, chromedp.Click("#findings-list details.finding summary", chromedp.ByQuery),
		chromedp.WaitVisible("#findings-list details.finding .body .evidence", chromedp.ByQuery))
	var evidence string
	b.eval(t, `document.querySelector("#findings-list details.finding .body").textContent`, &evidence)
	for _, w := range []string{"Body SHA-256", "Captured (UTC)", "HTTP status", "How to fix", "2 places"} {
		if !strings.Contains(evidence, w) {
			t.Errorf("evidence lacks %q: %.500s", w, evidence)
		}
	}

	// The hostile finding text shows as text.
	b.run(t, chromedp.SetValue("#f-sev", "", chromedp.ByQuery), chromedp.SetValue("#f-rule", "", chromedp.ByQuery),
		chromedp.SetValue("#f-q", "window.pwned", chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("f-q").dispatchEvent(new Event("input", {bubbles: true}))`, nil))
	var msg string
	b.eval(t, `document.querySelector("#findings-list .finding .msg").textContent`, &msg)
	if msg != "Headline "+hostile {
		t.Errorf("hostile headline shown as %q", msg)
	}

	// Open the hostile archived copy in its frame.
	b.run(t, chromedp.Navigate("file://"+path+"#copy-1001"), chromedp.WaitVisible("#copy-1001 iframe", chromedp.ByQuery), chromedp.Sleep(500*time.Millisecond))
	var sandbox string
	var hasSandbox bool
	b.run(t, chromedp.AttributeValue("#copy-1001 iframe", "sandbox", &sandbox, &hasSandbox, chromedp.ByQuery))
	if !hasSandbox || sandbox != "" {
		t.Errorf("copy frame sandbox=%q (present %v), want an empty sandbox", sandbox, hasSandbox)
	}
	frameText := ""
	for _, ctx := range b.frames(t) {
		var s string
		if err := chromedp.Run(ctx, chromedp.Evaluate(`document.body ? document.body.innerText : ""`, &s)); err != nil {
			t.Fatal(err)
		}
		frameText += s
	}
	if !frameHasText(t, b, "Minister visits plant") && !strings.Contains(frameText, "Minister visits plant") {
		t.Errorf("the archived copy's text is not in its frame (frames say %q)", frameText)
	}
	var pwned, title string
	b.eval(t, `String(window.pwned)`, &pwned)
	b.eval(t, `document.title`, &title)
	if pwned != "undefined" || !strings.HasPrefix(title, "Audit report:") {
		t.Errorf("hostile page ran code: window.pwned=%s, title=%q", pwned, title)
	}

	b.run(t, chromedp.Navigate("file://"+path), chromedp.WaitVisible("#findings-list .finding", chromedp.ByQuery))
	var shot []byte
	b.run(t, chromedp.FullScreenshot(&shot, 85))
	out := filepath.Join(artifactDir(t), "report.png")
	if err := os.WriteFile(out, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", out)

	checkAxe(t, b)
	b.checkClean(t)
}

func countRule(a *Audit, rule string) int {
	n := 0
	for _, f := range a.Result.Findings {
		if IsOpen(&f) && f.RuleID == rule {
			n++
		}
	}
	return n
}

// frameHasText looks for text inside the page's frames, through the DOM
// domain (the sandboxed frame's document is not reachable from the page's
// script, by design).
func frameHasText(t *testing.T, b *browser, text string) bool {
	t.Helper()
	var root *cdp.Node
	b.run(t, chromedp.ActionFunc(func(ctx context.Context) error {
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

// checkAxe runs axe-core's WCAG 2 A/AA rules on the page when
// $ARCHIVER_AXE_JS names axe.min.js (npm install axe-core); serious and
// critical violations fail the test.
func checkAxe(t *testing.T, b *browser) {
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
	b.run(t, chromedp.Evaluate(string(src), nil),
		chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, target: v.nodes[0].target.join(" ")}))))`,
			&res, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	var violations []struct {
		ID, Impact, Help, Target string
		Nodes                    int
	}
	if err := json.Unmarshal([]byte(res), &violations); err != nil {
		t.Fatal(err)
	}
	for _, v := range violations {
		msg := fmt.Sprintf("axe %s (%s): %s — %d nodes, e.g. %s", v.ID, v.Impact, v.Help, v.Nodes, v.Target)
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
	t.Logf("axe-core: %d violations", len(violations))
}

// TestHTMLWithoutScripts opens the report with JavaScript disabled: the
// summary, the first findings with their evidence and the archived copies
// are all there.
func TestHTMLWithoutScripts(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	a := fixtureAudit(200, 400)
	path := writeReport(t, a)
	b := newBrowser(t, false)
	var items, frames int
	var status, verdict string
	b.run(t, chromedp.Navigate("file://"+path), chromedp.WaitReady("#repro", chromedp.ByQuery),
		chromedp.Text("#findings-status", &status, chromedp.ByQuery),
		chromedp.Text(".verdict", &verdict, chromedp.ByQuery))
	b.run(t, chromedp.ActionFunc(func(ctx context.Context) error {
		var nodes []*cdp.Node
		if err := chromedp.Nodes("#findings-list details.finding", &nodes, chromedp.ByQueryAll).Do(ctx); err != nil {
			return err
		}
		items = len(nodes)
		if err := chromedp.Nodes("details.copy iframe[sandbox]", &nodes, chromedp.ByQueryAll, chromedp.AtLeast(0)).Do(ctx); err != nil {
			return err
		}
		frames = len(nodes)
		return nil
	}))
	open := countOpen(a, "")
	if items != firstFindings || !strings.Contains(status, fmt.Sprintf("Showing the first %d of %d open findings", firstFindings, open)) {
		t.Errorf("without scripts: %d findings, status %q", items, status)
	}
	if !strings.Contains(verdict, fmt.Sprintf("%d open findings", open)) {
		t.Errorf("verdict %q", verdict)
	}
	if frames != len(a.Copies) {
		t.Errorf("%d sandboxed copy frames without scripts, want %d", frames, len(a.Copies))
	}
	b.checkClean(t)
}
