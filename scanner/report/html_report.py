"""HTML report: one self-contained page (inline CSS and JS, no network) with a summary by
severity, rule and file, and a sortable, filterable findings table with each finding's fix.

File names, previews and commit authors are attacker-controlled: every text goes through
`esc`, and a Content-Security-Policy that only admits this page's own style and script (by
hash) is the second line of defence should an escape ever be missed.
"""
from __future__ import annotations

import base64
import hashlib
import html
from collections import Counter
from urllib.parse import quote

from .. import __version__
from ..findings import SEVERITY_LEVELS, severity_rank
from .console import summary_line
from .text import escape_control

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:80rem;padding:1rem 2rem;color:#1d1d1f}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.4rem 0 .4rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;vertical-align:top;
border-bottom:1px solid #e3e3e8}th{background:#f5f5f7;position:sticky;top:0}
#findings th{cursor:pointer;user-select:none}#findings th[aria-sort=ascending]::after{content:" \\25B2"}
#findings th[aria-sort=descending]::after{content:" \\25BC"}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
.sev{font-weight:600;border-radius:.3rem;padding:0 .4rem}.critical{background:#ffd7d5;color:#8a0b00}
.high{background:#ffe4cc;color:#7a3300}.medium{background:#fff3c4;color:#5c4700}
.low{background:#dff1ff;color:#00457a}.info{background:#eee;color:#444}
code{font-family:ui-monospace,monospace;overflow-wrap:anywhere}.fix{color:#444;max-width:28rem}
.controls{display:flex;gap:.6rem;margin:.4rem 0}.controls input{flex:1;padding:.3rem}
.notice{background:#fff8e1;padding:.4rem .6rem;border-left:3px solid #f0b400;margin:.3rem 0}
"""

SCRIPT = """
(function () {
  var table = document.getElementById("findings"), body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById("filter"), level = document.getElementById("min-severity");
  var shown = document.getElementById("shown"), state = {rule: "", file: "", sort: "", dir: "asc"};
  function params() {
    var out = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var kv = part.split("=");
      if (kv[0]) { out[kv[0]] = decodeURIComponent(kv.slice(1).join("=")); }
    });
    return out;
  }
  function apply() {
    var needle = text.value.toLowerCase(), min = Number(level.value), count = 0;
    rows.forEach(function (row) {
      var d = row.dataset, visible = Number(d.severity) >= min &&
        (!state.rule || d.rule === state.rule) && (!state.file || d.path === state.file) &&
        (!needle || row.textContent.toLowerCase().indexOf(needle) >= 0);
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = String(count);
  }
  function sortBy(key, dir) {
    var header = table.querySelector('th[data-key="' + key + '"]');
    if (!header) { return; }
    var numeric = header.dataset.type === "number", sign = dir === "desc" ? -1 : 1;
    rows.sort(function (a, b) {
      var x = a.dataset[key], y = b.dataset[key];
      var order = numeric ? Number(x) - Number(y) : (x < y ? -1 : x > y ? 1 : 0);
      return sign * order || Number(a.dataset.index) - Number(b.dataset.index);
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.setAttribute("aria-sort", cell === header ? (dir === "desc" ? "descending" : "ascending") : "none");
    });
    state.sort = key; state.dir = dir;
  }
  function fromHash() {
    var p = params();
    text.value = p.q || ""; level.value = p.min || "0";
    state.rule = p.rule || ""; state.file = p.file || "";
    if (p.sort) { sortBy(p.sort, p.dir || "asc"); }
    apply();
  }
  table.tHead.addEventListener("click", function (event) {
    var key = event.target.dataset && event.target.dataset.key;
    if (key) { sortBy(key, state.sort === key && state.dir === "asc" ? "desc" : "asc"); }
  });
  text.addEventListener("input", apply);
  level.addEventListener("change", apply);
  window.addEventListener("hashchange", fromHash);
  fromHash();
  document.body.dataset.ready = "1";
})();
"""

COLUMNS = (("severity", "Severity", "number"), ("rule", "Rule", "text"), ("path", "File", "text"),
           ("line", "Line", "number"), ("preview", "Secret", "text"), ("fix", "Remediation", "text"))


def esc(value) -> str:
    return html.escape(escape_control("" if value is None else str(value)), quote=True)


def csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode() + "'"


def hash_link(key: str, value: str) -> str:
    return esc(f"#{key}=" + quote(escape_control(value), safe=""))


def severity_badge(severity: str) -> str:
    return f'<span class="sev {esc(severity)}">{esc(severity)}</span>'


def summary_tables(findings) -> str:
    by_severity = Counter(f.severity for f in findings)
    by_rule = Counter(f.rule_id for f in findings)
    titles = {f.rule_id: (f.title, f.severity) for f in findings}
    by_file = Counter(f.path for f in findings)
    severity_rows = "".join(
        f'<tr><td><a href="#min={severity_rank(level)}">{severity_badge(level)}</a></td><td>{by_severity[level]}</td></tr>'
        for level in reversed(SEVERITY_LEVELS) if by_severity[level])
    rule_rows = "".join(
        f'<tr><td><a href="{hash_link("rule", rule)}"><code>{esc(rule)}</code></a> {esc(titles[rule][0])}</td>'
        f"<td>{severity_badge(titles[rule][1])}</td><td>{count}</td></tr>"
        for rule, count in sorted(by_rule.items(), key=lambda item: (-item[1], item[0])))
    file_rows = "".join(
        f'<tr><td><a href="{hash_link("file", path)}"><code>{esc(path)}</code></a></td><td>{count}</td></tr>'
        for path, count in sorted(by_file.items(), key=lambda item: (-item[1], item[0])))
    return (
        '<div class="grid">'
        f'<section><h2>By severity</h2><table id="by-severity"><tr><th>Severity</th><th>Findings</th></tr>{severity_rows}</table></section>'
        f'<section><h2>By rule</h2><table id="by-rule"><tr><th>Rule</th><th>Severity</th><th>Findings</th></tr>{rule_rows}</table></section>'
        f'<section><h2>By file</h2><table id="by-file"><tr><th>File</th><th>Findings</th></tr>{file_rows}</table></section>'
        "</div>")


def finding_row(index: int, finding, show_secrets: bool) -> str:
    shown = finding.secret if show_secrets else finding.secret_preview
    where = str(finding.line) if finding.line else "file"
    commit = (f"<br><small>commit <code>{esc(finding.commit[:12])}</code> by {esc(finding.author or '?')} "
              f"on {esc(finding.date or '?')}</small>") if finding.commit else ""
    # Context a source adds (an org report's repo and triage status).
    commit += "".join(f"<br><small>{esc(key)}: {esc(value)}</small>" for key, value in finding.extra.items())
    data = (f'data-index="{index}" data-severity="{severity_rank(finding.severity)}" data-rule="{esc(finding.rule_id)}" '
            f'data-path="{esc(finding.path)}" data-line="{finding.line}" data-preview="{esc(shown)}" '
            f'data-fix="{esc(finding.remediation)}"')
    return (f"<tr {data}><td>{severity_badge(finding.severity)}</td>"
            f"<td><code>{esc(finding.rule_id)}</code><br>{esc(finding.title)}</td>"
            f"<td><code>{esc(finding.path)}</code>{commit}</td><td>{where}</td>"
            f"<td><code>{esc(shown)}</code><br><small>fingerprint <code>{esc(finding.fingerprint)}</code></small></td>"
            f'<td class="fix">{esc(finding.remediation.strip())}</td></tr>')


def findings_table(findings, show_secrets: bool) -> str:
    headers = "".join(f'<th data-key="{key}" data-type="{kind}" aria-sort="none">{label}</th>'
                      for key, label, kind in COLUMNS)
    options = '<option value="0">all severities</option>' + "".join(
        f'<option value="{severity_rank(level)}">{level} and above</option>' for level in SEVERITY_LEVELS[1:])
    rows = "".join(finding_row(i, f, show_secrets) for i, f in enumerate(findings))
    return (f'<h2>Findings (<span id="shown">{len(findings)}</span> of {len(findings)} shown)</h2>'
            '<div class="controls"><input id="filter" type="search" placeholder="Filter: rule, file, text" '
            f'aria-label="Filter findings"><select id="min-severity" aria-label="Minimum severity">{options}</select></div>'
            f'<table id="findings"><thead><tr>{headers}</tr></thead><tbody>{rows}</tbody></table>')


def notices(result) -> str:
    items = [esc(n) for n in result.extra.get("notices", [])]
    items += [esc(f"could not scan {e['path']}: {e['error']}") for e in result.errors]
    return "".join(f'<p class="notice">{item}</p>' for item in items)


def render(result, show_secrets: bool = False, color: bool = False) -> str:
    policy = (f"default-src 'none'; style-src {csp_hash(STYLE)}; script-src {csp_hash(SCRIPT)}; "
              "base-uri 'none'; form-action 'none'")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>hushgate report</title><style>{STYLE}</style></head>\n<body>"
        f'<header><h1>hushgate report</h1><p id="summary-line">{esc(summary_line(result))}</p>{notices(result)}</header>'
        f"{summary_tables(result.findings)}{findings_table(result.findings, show_secrets)}"
        f"<footer><p><small>hushgate {esc(__version__)}</small></p></footer>"
        f"<script>{SCRIPT}</script></body></html>\n"
    )
