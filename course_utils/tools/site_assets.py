"""The site's style sheet and script (written to ``build/site/assets/`` by :mod:`course_utils.tools.site`).

Colours meet WCAG 2.1 AA contrast (≥ 4.5:1 for text) on their backgrounds, code highlighting
included (token colours chosen and checked against the code background #f4f5f7: the lowest is
5.85:1). Focus is always visible. The print style drops the navigation and controls and keeps
figures and code blocks whole.
"""

SITE_CSS = """
:root { --text: #1f2328; --muted: #4a4a4a; --link: #0b57d0; --bg: #ffffff; --code-bg: #f4f5f7;
        --rule: #8c959f; --focus: #1a4fd6; --accent-bg: #eef3fb; }
* { box-sizing: border-box; }
html { font-size: 112.5%; }
body { margin: 0; color: var(--text); background: var(--bg); line-height: 1.55;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
a { color: var(--link); text-underline-offset: 0.15em; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: 0.5em 1em; z-index: 10; }
.skip:focus { left: 0.5em; }
.site-header { border-bottom: 1px solid var(--rule); padding: 0.6em 1.2em; background: var(--accent-bg); }
.site-name { margin: 0 0 0.3em 0; font-weight: 700; }
.site-name a { color: var(--text); text-decoration: none; }
.site-nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; margin: 0; padding: 0; }
.site-nav a[aria-current=page] { font-weight: 700; color: var(--text); }
.page { display: flex; gap: 2em; max-width: 78rem; margin: 0 auto; padding: 1em 1.2em; }
main { flex: 1; min-width: 0; max-width: 52rem; }
.toc { flex: 0 0 15rem; order: 2; position: sticky; top: 0.5em; align-self: flex-start; max-height: 95vh;
       overflow-y: auto; font-size: 0.9rem; border-left: 1px solid var(--rule); padding-left: 1em; }
.toc-title { font-size: 1rem; margin: 0.2em 0; }
.toc ol { padding-left: 1.2em; margin: 0; }
@media (max-width: 60rem) { .page { display: block; } .toc { position: static; border: 0; padding: 0; max-height: none; } }
h1 { font-size: 1.8rem; line-height: 1.25; }
h2 { font-size: 1.4rem; margin-top: 1.6em; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.15rem; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; padding: 0.7em 0.9em; border-radius: 4px; font-size: 0.85rem; line-height: 1.4; }
pre.code { background: var(--code-bg); border-left: 4px solid var(--rule); }
pre.output { background: var(--bg); border: 1px solid var(--rule); }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
:not(pre) > code { background: var(--code-bg); padding: 0.05em 0.3em; border-radius: 3px; }
table { border-collapse: collapse; margin: 0.8em 0; }
th, td { border: 1px solid var(--rule); padding: 0.3em 0.6em; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption, .note { color: var(--muted); font-size: 0.9rem; }
details.describe { font-size: 0.9rem; color: var(--muted); }
details.describe summary, details.solution summary { cursor: pointer; color: var(--link); }
details.solution { border: 1px solid var(--rule); border-radius: 4px; padding: 0.4em 0.8em; margin: 0.6em 0; }
.live { border: 1px solid var(--rule); border-radius: 6px; padding: 0.6em 0.8em; }
.live-controls { display: flex; align-items: center; gap: 0.8em; flex-wrap: wrap; }
.live-controls label { font-weight: 700; }
.live-controls input[type=range] { width: min(28rem, 70vw); accent-color: var(--link); }
.live-controls output { font-variant-numeric: tabular-nums; min-width: 4em; }
.live-readout { min-height: 1.5em; margin: 0.3em 0; }
.cards { list-style: none; padding: 0; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 0.2em 1em 0.6em; margin: 0.8em 0; }
footer { border-top: 1px solid var(--rule); margin-top: 2em; padding: 0.8em 1.2em; }
.pager { display: flex; justify-content: space-between; max-width: 78rem; margin: 0 auto; }
.built { color: var(--muted); font-size: 0.85rem; max-width: 78rem; margin: 0.5em auto 0; }
math { font-size: 1.1em; }
math[display="block"] { margin: 0.6em 0; max-width: 100%; }
/* code highlighting (pygments classes); every colour >= 5.8:1 on the code background */
.k, .kn, .kc, .kd, .kr, .kp, .ow { color: #0033b3; font-weight: 600; }
.s, .s1, .s2, .sa, .sb, .sc, .sd, .se, .sh, .si, .sr, .ss, .dl { color: #0b6b0b; }
.c, .c1, .cm, .cp, .cs, .ch { color: #5a5a5a; font-style: italic; }
.m, .mi, .mf, .mh, .mo, .mb, .il { color: #9a3b00; }
.nf, .nc, .fm { color: #6a2ca0; }
.nb, .bp, .nn { color: #005a78; }
.o, .p, .n, .nv, .na, .w { color: var(--text); }
.err { color: var(--text); }
@media print {
  .site-header, .toc, footer, .skip, .live-controls input, details.describe, .live figcaption { display: none !important; }
  .page { display: block; padding: 0; max-width: none; }
  main { max-width: none; }
  html { font-size: 11pt; }
  a { color: var(--text); }
  figure, img, pre, table, .live { break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  details.solution { display: none; }
}
"""

SITE_JS = """
// Live figures without a kernel: the slider swaps the pictures, readouts and descriptions
// rendered at build time (course_utils.core.frames). Keyboard: the range input's own arrow keys.
(function () {
  document.querySelectorAll('[data-live]').forEach(function (fig) {
    var id = fig.getAttribute('data-live');
    var data = JSON.parse(document.getElementById(id + '-data').textContent);
    var input = document.getElementById(id + '-slider');
    var img = document.getElementById(id + '-img');
    var out = document.getElementById(id + '-value');
    var readout = document.getElementById(id + '-readout');
    var desc = document.getElementById(id + '-desc');
    var label = fig.querySelector('label').textContent;
    var cache = {};
    function preload(i) {
      if (i < 0 || i >= data.srcs.length || cache[i]) { return; }
      cache[i] = new Image(); cache[i].src = data.srcs[i];
    }
    function show() {
      var i = parseInt(input.value, 10);
      img.src = data.srcs[i];
      img.alt = data.alts[i];
      out.textContent = data.values[i];
      readout.innerHTML = data.readouts[i];
      if (desc) { desc.textContent = data.alts[i]; }
      input.setAttribute('aria-valuetext', label + ' = ' + data.values[i]);
      preload(i - 1); preload(i + 1);
    }
    input.addEventListener('input', show);
    input.addEventListener('change', show);
    preload(parseInt(input.value, 10) + 1); preload(parseInt(input.value, 10) - 1);
  });
})();
"""
