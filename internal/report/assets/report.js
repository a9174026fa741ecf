// The report's light script: filters, groups and pages the findings from the
// embedded JSON, fills a finding's evidence when it is opened, loads an
// archived copy into its sandboxed frame on demand, and sorts tables. The
// report reads fully without it. It builds every node with textContent,
// never with innerHTML from data.
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("has-js");

  function el(tag, attrs, text) {
    var e = doc.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }

  // Archived copies: the frame's markup waits as the text of a <noscript>
  // (inert while scripts run) and is parsed into a sandboxed iframe when the
  // copy is first opened.
  function openCopy(d) {
    if (!d || d.getAttribute("data-loaded")) return;
    var ns = d.querySelector("noscript");
    if (!ns) return;
    var t = doc.createElement("template");
    t.innerHTML = ns.textContent;
    var frame = t.content.querySelector("iframe");
    if (!frame || frame.getAttribute("sandbox") === null) return;
    d.setAttribute("data-loaded", "1");
    d.appendChild(doc.importNode(frame, false));
  }
  doc.querySelectorAll("details.copy").forEach(function (d) {
    d.addEventListener("toggle", function () { if (d.open) openCopy(d); });
  });
  function followHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var t = id && doc.getElementById(id);
    if (t && t.tagName === "DETAILS") { t.open = true; openCopy(t); }
  }
  window.addEventListener("hashchange", followHash);
  followHash();

  // Open every collapsed block before printing, so the PDF holds everything.
  window.addEventListener("beforeprint", function () {
    doc.querySelectorAll("details:not(.copy)").forEach(function (d) { d.open = true; });
  });

  // Sortable tables: a button in each header cell.
  doc.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, col) {
      var b = el("button", { type: "button", "class": "sort" }, th.textContent);
      th.textContent = "";
      th.appendChild(b);
      th.setAttribute("aria-sort", "none");
      b.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var num = th.classList.contains("n");
        rows.sort(function (a, b) {
          var x = a.cells[col] ? (a.cells[col].getAttribute("data-v") || a.cells[col].textContent) : "";
          var y = b.cells[col] ? (b.cells[col].getAttribute("data-v") || b.cells[col].textContent) : "";
          var c = num ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });

  // Findings.
  var blob = doc.getElementById("findings-data");
  var list = doc.getElementById("findings-list");
  if (!blob || !list) return;
  var data;
  try { data = JSON.parse(blob.textContent); } catch (e) { return; }
  var rules = data.rules || [], caps = data.captures || [], all = data.findings || [];
  var sevRank = { error: 3, warning: 2, note: 1 };
  var form = doc.getElementById("findings-filters");
  var status = doc.getElementById("findings-status");
  var prev = doc.getElementById("page-prev"), next = doc.getElementById("page-next");
  var ruleSel = doc.getElementById("f-rule");
  rules.forEach(function (r, i) {
    add(ruleSel, el("option", { value: String(i) }, r.id + " — " + r.title));
  });
  var page = 0, pageSize = 50, shown = [];
  var openCount = all.filter(function (f) { return !f.w; }).length;

  function val(id) { var e = doc.getElementById(id); return e ? e.value : ""; }

  function filtered() {
    var sev = val("f-sev"), st = val("f-state"), rule = val("f-rule"), q = val("f-q").toLowerCase(), by = val("f-group");
    var out = all.filter(function (f) {
      var r = rules[f.r];
      if (sev && r.sev !== sev) return false;
      if (st === "open" && f.w) return false;
      if (st === "suppressed" && !f.w) return false;
      if (st === "new" && (f.st !== "new" || f.w)) return false;
      if (rule !== "" && String(f.r) !== rule) return false;
      if (q) {
        var c = caps[f.c] || {};
        var hay = (c.u + " " + f.m + " " + (f.e || "") + " " + r.id).toLowerCase();
        if (hay.indexOf(q) < 0) return false;
      }
      return true;
    });
    out.sort(function (a, b) {
      var ra = rules[a.r], rb = rules[b.r], ua = (caps[a.c] || {}).u || "", ub = (caps[b.c] || {}).u || "";
      if (by === "page") return ua < ub ? -1 : ua > ub ? 1 : (sevRank[rb.sev] - sevRank[ra.sev]) || (a.r - b.r);
      return (sevRank[rb.sev] - sevRank[ra.sev]) || (a.r - b.r) || (ua < ub ? -1 : ua > ub ? 1 : 0);
    });
    return out;
  }

  function evidence(f, box) {
    var r = rules[f.r], c = caps[f.c] || {};
    if (r.help) add(box, el("p", null, r.help));
    if (r.fix) { var fx = el("p"); add(fx, el("b", null, "How to fix: ")); fx.appendChild(doc.createTextNode(r.fix)); add(box, fx); }
    if (r.url) { var p = el("p"); add(p, el("a", { href: r.url, rel: "noopener noreferrer" }, "Rule documentation: " + r.id)); add(box, p); }
    if (f.e) { add(box, el("p", { "class": "small muted" }, "What triggered it:")); add(box, el("blockquote", { "class": "trigger" }, f.e)); }
    var ev = el("div", { "class": "evidence" });
    var dl = el("dl", { "class": "kv small" });
    function row(k, v, mono) { if (v === undefined || v === null || v === "") return; add(dl, el("dt", null, k)); add(dl, el("dd", mono ? { "class": "mono" } : null, v)); }
    row("Page", c.u, true);
    row("Final URL", c.f && c.f !== c.u ? c.f : "", true);
    row("HTTP status", c.s ? String(c.s) : "");
    row("Captured (UTC)", c.t);
    row("Body SHA-256", c.h, true);
    row("Capture id", c.id ? String(c.id) : "");
    row("Fingerprint", f.fp, true);
    if (f.w) row("Suppressed", f.w + (f.wn ? " — " + f.wn : ""));
    add(ev, dl);
    if (c.cp) { var pc = el("p", { "class": "small" }); add(pc, el("a", { href: "#copy-" + c.id }, "View the archived copy (sanitised)")); add(ev, pc); }
    else if (c.id) add(ev, el("p", { "class": "small muted" }, "The archived copy (capture " + c.id + ") is in the archive but not embedded in this report."));
    add(box, ev);
    if (f.o && f.o.length) {
      var t = el("table", { "class": "small" });
      add(t, el("caption", null, f.o.length + " places"));
      var h = el("tr"); add(h, el("th", { scope: "col" }, "Page"), el("th", { scope: "col" }, "Text"), el("th", { scope: "col" }, "Place"));
      add(t, add(el("thead"), h));
      var tb = el("tbody");
      f.o.slice(0, 200).forEach(function (o) { var tr = el("tr"); add(tr, el("td", { "class": "mono" }, o[0]), el("td", null, o[1]), el("td", null, o[2])); add(tb, tr); });
      add(t, tb);
      add(box, t);
      if (f.o.length > 200) add(box, el("p", { "class": "small muted" }, (f.o.length - 200) + " more places in findings.json"));
    }
  }

  function item(f) {
    var r = rules[f.r], c = caps[f.c] || {};
    var d = el("details", { "class": "finding" });
    var s = el("summary");
    add(s, el("span", { "class": "sev sev-" + r.sev }, r.sev));
    add(s, el("span", { "class": "msg" }, f.m));
    var st = el("span", { "class": "state state-" + (f.w ? "persisting" : f.st) }, f.w ? f.w : f.st);
    add(s, st);
    add(s, el("span", { "class": "where" }, r.id + " · " + (c.u || "")));
    add(d, s);
    d.addEventListener("toggle", function () {
      if (!d.open || d.querySelector(".body")) return;
      var body = el("div", { "class": "body" });
      d.appendChild(body);
      evidence(f, body);
    });
    return d;
  }

  function render() {
    var start = page * pageSize, end = Math.min(start + pageSize, shown.length);
    var by = val("f-group");
    list.textContent = "";
    var last = null;
    for (var i = start; i < end; i++) {
      var f = shown[i];
      var key = by === "page" ? ((caps[f.c] || {}).u || "") : by === "rule" ? rules[f.r].id + " — " + rules[f.r].title : null;
      if (key !== null && key !== last) { add(list, el("h4", { "class": "group-head" }, key)); last = key; }
      add(list, item(f));
    }
    status.textContent = shown.length === 0 ? "No finding matches the filters." :
      "Showing " + (start + 1) + "–" + end + " of " + shown.length + " findings" + (shown.length !== openCount ? " (filtered; " + openCount + " open in all)" : "") + ".";
    prev.disabled = page === 0;
    next.disabled = end >= shown.length;
  }

  function refresh() { shown = filtered(); page = 0; render(); }
  form.addEventListener("input", refresh);
  form.addEventListener("submit", function (e) { e.preventDefault(); refresh(); });
  prev.addEventListener("click", function () { if (page > 0) { page--; render(); status.focus(); } });
  next.addEventListener("click", function () { if ((page + 1) * pageSize < shown.length) { page++; render(); status.focus(); } });

  // Drill-down links from the rule and page tables set the filters.
  doc.querySelectorAll("[data-filter-rule]").forEach(function (a) {
    a.addEventListener("click", function () {
      var id = a.getAttribute("data-filter-rule");
      for (var i = 0; i < rules.length; i++) if (rules[i].id === id) ruleSel.value = String(i);
      doc.getElementById("f-q").value = "";
      doc.getElementById("f-state").value = "open";
      refresh();
    });
  });
  doc.querySelectorAll("[data-filter-page]").forEach(function (a) {
    a.addEventListener("click", function () {
      ruleSel.value = "";
      doc.getElementById("f-state").value = "open";
      doc.getElementById("f-q").value = a.getAttribute("data-filter-page");
      doc.getElementById("f-group").value = "page";
      refresh();
    });
  });
  refresh();
})();
