"""Slider latency in a real browser: key press -> new plot on screen, for every LiveFigure.

Starts JupyterLab (temporary HOME, a temporary copy of notebooks/) and Debian's chromium, opens
each notebook, runs all cells, and for every LiveFigure widget focuses its first slider's handle
and presses ArrowRight (ArrowLeft at the maximum) N times, ONE move at a time. In the page, a
capture-phase ``keydown`` listener stamps ``performance.now()``; a MutationObserver waits for the
widget's <img> to get a new ``src``, then ``img.decode()`` and the next animation frame: that is
"new pixels on screen". Kernel side: ``LiveFigure.history`` (compute + draw + PNG encode of each
update, ``time.perf_counter``), read from the kernel after the presses.

The "blits" column counts the moves drawn by blitting (only the changed artists, see
course_utils/core/blit.py); ``--no-blit`` runs the kernel with COURSE_UTILS_BLIT=0 (every move a full
draw) for an A/B comparison.

``--png own|pillow|both`` chooses the PNG writer of the kernel (``LiveFigure.png_encoder``: our own
filter-free writer ``encode_png``, what LiveFigure uses, or Pillow's). ``both`` measures every widget
with each writer in turn (alternating blocks of presses in the same kernel, so that the machine's
load hits both alike) and prints the two side by side with their difference: the benchmark behind
keeping our writer (Pillow: +18 ms key-to-pixels median over the widgets, +13 ms in the kernel, when
ours still deflated with zlib; ``benchmarks/bench_png.py`` times the writers alone, ISA-L and zlib).

``--phases`` times where a move's milliseconds go instead, on one clock (the browser's
``performance.timeOrigin + now()`` and the kernel's ``time.time()`` read the same system clock):
key press -> the message leaves the page (a WebSocket wrapper installed before JupyterLab loads)
-> the kernel sets the slider's value (``Widget.set_state``) -> the picture's message is sent
(``Widget._send`` with the PNG buffer) -> it arrives in the page -> the <img> gets its new ``src``
-> decoded -> next frame. Medians per widget, in a table of its own.

Usage: .venv/bin/python benchmarks/bench_widgets.py [--quick] [--presses N] [--no-blit] [--png both] [--phases] [notebook.ipynb ...]
(--quick: 5 presses on the first widget of each notebook.) Needs chromium (apt-get install chromium).
Timings on a shared 2-core machine are noisy: compare medians, not single moves.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

import labdriver as ld  # noqa: E402

TARGET_MEDIAN_MS, TARGET_P95_MS = 100, 150

SET_ENCODER = """
from course_utils.core.widgets import LiveFigure as _LF
_LF.png_encoder = {name!r}
"""

KERNEL_HISTORY = """
import gc as _gc, json as _json
from course_utils.core.widgets import LiveFigure as _LF
print(_json.dumps({_o.widget.model_id: [list(_o.history), list(_o.mode_history)]
                   for _o in _gc.get_objects() if issubclass(type(_o), _LF)}))
"""

JS_SETUP = r"""
() => {
  if (window.__lat) return;
  window.__lat = {t0: 0};
  document.addEventListener('keydown', () => { window.__lat.t0 = performance.now(); }, true);
  window.__lat.arm = (cls, timeoutMs) => {
    const root = document.querySelector('.' + cls);
    const img0 = root.querySelector('img');
    const src0 = img0 ? img0.src : null;
    window.__lat.pending = new Promise(resolve => {
      let done = false;
      const finish = (v) => { if (!done) { done = true; obs.disconnect(); resolve(v); } };
      const obs = new MutationObserver(() => {
        const img = root.querySelector('img');
        if (!img || img.src === src0 || done) return;
        const t0 = window.__lat.t0;
        img.decode().catch(() => null).then(() => requestAnimationFrame(() => finish(performance.now() - t0)));
      });
      obs.observe(root, {attributes: true, attributeFilter: ['src'], subtree: true, childList: true});
      setTimeout(() => finish(null), timeoutMs);
    });
  };
}
"""


#: --phases, in the page before JupyterLab loads: every WebSocket message in and out, with its time
PHASES_INIT = r"""
(() => {
  const Base = window.WebSocket;
  const now = () => performance.timeOrigin + performance.now();
  window.__ph = {recv: [], send: [], t0: 0};
  document.addEventListener('keydown', () => { window.__ph.t0 = now(); }, true);
  class TimedWebSocket extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        window.__ph.recv.push([now(), e.data.byteLength || e.data.size || e.data.length || 0]); });
    }
    send(data) { window.__ph.send.push([now(), data.byteLength || data.size || data.length || 0]); return super.send(data); }
  }
  window.WebSocket = TimedWebSocket;
})();
"""

#: --phases, in the kernel: when a widget's value is set from the page, and when a state message leaves
PHASES_KERNEL = """
import time as _t
from ipywidgets import Widget as _W
_PH = []
_set_state, _send = _W.set_state, _W._send
def _timed_set_state(self, sync_data):
    _PH.append(("set", _t.time(), 0))
    return _set_state(self, sync_data)
def _timed_send(self, msg, buffers=None):
    _PH.append(("send", _t.time(), sum(len(b) for b in buffers) if buffers else 0))
    return _send(self, msg, buffers)
_W.set_state, _W._send = _timed_set_state, _timed_send
"""

#: --phases: arm the page for one press (the new src, decoded, the next frame; the messages since)
PHASES_ARM = r"""(cls) => {
  const root = document.querySelector('.' + cls);
  const src0 = root.querySelector('img').src;
  const now = () => performance.timeOrigin + performance.now();
  window.__ph.recv = []; window.__ph.send = [];
  window.__ph.pending = new Promise(resolve => {
    let done = false;
    const obs = new MutationObserver(() => {
      const img = root.querySelector('img');
      if (!img || img.src === src0 || done) return;
      done = true; obs.disconnect();
      const src = now();
      img.decode().catch(() => null).then(() => { const decoded = now(); requestAnimationFrame(() => {
        const frame = now(); resolve({t0: window.__ph.t0, src, decoded, frame, send: window.__ph.send, recv: window.__ph.recv}); }); });
    });
    obs.observe(root, {attributes: true, attributeFilter: ['src'], subtree: true, childList: true});
    setTimeout(() => { if (!done) { done = true; obs.disconnect(); resolve(null); } }, 10000);
  });
}"""

#: the --phases columns: (title, from, to), times in ms after the key press
PHASES = (("key->page sends", "t0", "sent"), ("->kernel sets value", "sent", "set"),
          ("->picture sent (kernel)", "set", "png_sent"), ("->picture in page", "png_sent", "png_recv"),
          ("->new src", "png_recv", "src"), ("->decoded", "src", "decoded"), ("->next frame", "decoded", "frame"))


def measure_phases(page, fig: dict, presses: int, warmup: int = 2) -> list[dict]:
    """Press the widget's first slider like :func:`measure_widget`; return each press's milestones
    (ms after the key press: sent, set, png_sent, png_recv, src, decoded, frame)."""
    focus_slider(page, fig)
    rows, key = [], "ArrowRight"
    for i in range(warmup + presses):
        key = next_key(page, fig, key)
        kernel_run(page, "_PH.clear()")
        ld.wait_kernel_quiet(page, quiet_ms=100)
        page.evaluate(PHASES_ARM, fig["cls"])
        page.keyboard.press(key)
        got = page.evaluate("() => window.__ph.pending")
        ld.wait_kernel_quiet(page, quiet_ms=100)
        events = json.loads(kernel_run(page, "import json as _j; print(_j.dumps(_PH))").strip().splitlines()[-1])
        if i < warmup or got is None:
            continue
        t0 = got["t0"]
        sets = [e[1] * 1e3 - t0 for e in events if e[0] == "set"]
        pngs = [e[1] * 1e3 - t0 for e in events if e[0] == "send" and e[2] > 1000]   # the message with the picture
        arrived = [t - t0 for t, size in got["recv"] if t >= t0 and size > 1000]
        nan = float("nan")
        rows.append({"t0": 0.0, "sent": got["send"][0][0] - t0 if got["send"] else nan, "set": sets[0] if sets else nan,
                     "png_sent": pngs[0] if pngs else nan, "png_recv": arrived[0] if arrived else nan,
                     "src": got["src"] - t0, "decoded": got["decoded"] - t0, "frame": got["frame"] - t0})
    return rows


def kernel_run(page, code: str) -> str:
    """Run ``code`` in the notebook's kernel; return what it printed."""
    return page.evaluate("""async (code) => {
        const k = window.__bt.notebook().sessionContext.session.kernel;
        const fut = k.requestExecute({code, silent: false, store_history: false});
        let text = '';
        fut.onIOPub = (msg) => { if (msg.header.msg_type === 'stream') text += msg.content.text; };
        await fut.done;
        return text;
    }""", code)


def kernel_histories(page) -> dict[str, list[list]]:
    """model id -> [seconds of every update, "blit"/"full" of every update] of each LiveFigure."""
    out = kernel_run(page, KERNEL_HISTORY)
    return json.loads(out.strip().splitlines()[-1]) if out.strip() else {}


def live_figures(page) -> list[dict]:
    """Every LiveFigure on the page: its CSS class, its first slider handle, the slider's label."""
    return page.evaluate("""() => {
        const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
        return [...document.querySelectorAll('.jp-Notebook .live-figure')].map(w => {
            const cls = [...w.classList].find(c => c.startsWith('live-figure-') && c.length > 20);
            const h = w.querySelector('.widget-slider .noUi-handle');
            const label = h ? (h.closest('.widget-slider').querySelector('.widget-label') || {}).textContent : '';
            return {cls, model_id: cls ? cls.slice('live-figure-'.length) : null, has_slider: !!h,
                    label: (label || '').trim(), cell: cells.indexOf(w.closest('.jp-Cell'))};
        });
    }""")


def focus_slider(page, fig: dict) -> None:
    """Scroll the widget into view (JupyterLab paints no off-screen cell), wait for a quiet kernel and
    focus its first slider's handle."""
    page.evaluate("""(cls) => document.querySelector('.' + cls).scrollIntoView({block: 'center'})""", fig["cls"])
    ld.wait_kernel_quiet(page)
    page.locator(f".{fig['cls']} .widget-slider .noUi-handle").first.focus()


def next_key(page, fig: dict, key: str) -> str:
    """The arrow key for the next press: ``key`` again, turned round at either end of the slider's range."""
    now, lo, hi = page.evaluate("""(cls) => { const h = document.querySelector('.' + cls + ' .widget-slider .noUi-handle');
        return ['aria-valuenow', 'aria-valuemin', 'aria-valuemax'].map(a => parseFloat(h.getAttribute(a))); }""", fig["cls"])
    return "ArrowLeft" if now >= hi else ("ArrowRight" if now <= lo else key)


def measure_widget(page, fig: dict, presses: int, warmup: int = 2, timeout_ms: int = 10_000) -> list[float | None]:
    """Press the widget's first slider ``warmup + presses`` times (ArrowRight; it turns round at the
    ends of the range); return the measured ms per press (None = no new image within the timeout)."""
    focus_slider(page, fig)
    times: list[float | None] = []
    key = "ArrowRight"
    for i in range(warmup + presses):
        key = next_key(page, fig, key)
        page.evaluate("([cls, t]) => window.__lat.arm(cls, t)", [fig["cls"], timeout_ms])
        page.keyboard.press(key)
        ms = page.evaluate("() => window.__lat.pending")
        if i >= warmup:
            times.append(ms)
        ld.wait_kernel_quiet(page, quiet_ms=100)  # one move at a time
    return times


def p95(values: list[float]) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook names in notebooks/ (default: all)")
    parser.add_argument("--quick", action="store_true", help="5 presses, first widget of each notebook")
    parser.add_argument("--presses", type=int, default=None, help="presses per widget (default 20, quick 5)")
    parser.add_argument("--no-blit", action="store_true", help="full draw on every move (COURSE_UTILS_BLIT=0)")
    parser.add_argument("--phases", action="store_true", help="where a move's time goes (key, messages, kernel, decode, frame)")
    parser.add_argument("--png", choices=["own", "pillow", "both"], default="own",
                        help="PNG writer in the kernel (both: each widget measured with each, side by side)")
    args = parser.parse_args(argv)
    if args.no_blit:
        os.environ["COURSE_UTILS_BLIT"] = "0"  # inherited by the JupyterLab server and its kernels
    presses = args.presses or (5 if args.quick else 20)
    encoders = ["pillow", "own"] if args.png == "both" else [args.png]
    # with both: blocks of presses, alternating writers, so that a burst of load hits both alike
    blocks = 2 if len(encoders) > 1 else 1
    names = args.notebooks or ld.notebook_names()
    if ld.find_chromium() is None:
        print(f"bench_widgets skipped: {ld.MISSING_CHROMIUM}")
        return 1 if os.environ.get("CI") else 0
    from playwright.sync_api import sync_playwright

    rows = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-widgets-") as tmp, ld.LabServer.start(tmp) as lab, sync_playwright() as pw:
        browser = ld.launch_chromium(pw)
        context = ld.new_context(browser, [], viewport=(1280, 1000))
        if args.phases:
            context.add_init_script(PHASES_INIT)
        page = context.new_page()
        for name in names:
            ld.open_notebook(page, lab, name)
            try:
                ld.run_all(page)
                page.evaluate(JS_SETUP)
                figs = [f for f in live_figures(page) if f["has_slider"] and f["cls"]]
                if args.quick:
                    figs = figs[:1]
                if args.phases:
                    kernel_run(page, PHASES_KERNEL)
                    for fig in figs:
                        got = measure_phases(page, fig, presses)
                        rows.append({"notebook": name.removesuffix(".ipynb"), "widget": f"cell {fig['cell']}: {fig['label'] or '?'}",
                                     "n": len(got), **{title: statistics.median([r[b] - r[a] for r in got]) if got else float("nan")
                                                       for title, a, b in PHASES},
                                     "total": statistics.median([r["frame"] for r in got]) if got else float("nan")})
                        print(f"  measured {name} {rows[-1]['widget']}", file=sys.stderr, flush=True)
                    continue
                for fig in figs:
                    got = {e: [] for e in encoders}
                    kernel = {e: [] for e in encoders}
                    modes: list[str] = []
                    missed = 0
                    for block in range(blocks):
                        for encoder in encoders:
                            kernel_run(page, SET_ENCODER.format(name=encoder))
                            n = presses // blocks + (presses % blocks if block == blocks - 1 else 0)
                            before = {k: len(v[0]) for k, v in kernel_histories(page).items()}
                            ms = measure_widget(page, fig, n, warmup=2 if block == 0 and encoder == encoders[0] else 1)
                            hist, mode = kernel_histories(page).get(fig["model_id"], [[], []])
                            start = before.get(fig["model_id"], 0)
                            kernel[encoder] += [1000 * s for s in hist[start:]][-n:]
                            modes += mode[start:][-n:]
                            got[encoder] += [m for m in ms if m is not None]
                            missed += sum(m is None for m in ms)
                    for encoder in encoders:
                        g, k = got[encoder], kernel[encoder]
                        rows.append({"notebook": name.removesuffix(".ipynb"), "widget": f"cell {fig['cell']}: {fig['label'] or '?'}",
                                     "png": encoder, "n": len(g), "missed": missed,
                                     "median": statistics.median(g) if g else float("nan"),
                                     "p95": p95(g) if g else float("nan"),
                                     "kmed": statistics.median(k) if k else float("nan"),
                                     "kp95": p95(k) if k else float("nan"),
                                     "blits": f"{modes.count('blit')}/{len(modes)}"})
                    print(f"  measured {name} {rows[-1]['widget']}", file=sys.stderr, flush=True)
            finally:
                lab.delete_sessions(name)
        browser.close()
    if not rows:
        print("no LiveFigure widgets with sliders found")
        return 1
    if args.phases:
        print_phases(rows, presses)
        return 0
    w_nb = max(len(r["notebook"]) for r in rows)
    w_w = max(len(r["widget"]) for r in rows)
    header = (f"{'notebook':<{w_nb}}  {'widget (first slider)':<{w_w}}  {'png':>6}  {'moves':>5}  {'median ms':>9}  {'p95 ms':>7}  "
              f"{'kernel med ms':>13}  {'kernel p95 ms':>13}  {'outside kernel ms':>17}  {'blits':>5}")
    print(f"Slider latency, key press -> new plot painted ({presses} ArrowRight presses per widget and PNG writer, one at "
          f"a time; targets: median <= {TARGET_MEDIAN_MS} ms, p95 <= {TARGET_P95_MS} ms)")
    with open("/proc/loadavg") if os.path.exists("/proc/loadavg") else open(os.devnull) as f:
        load = f.read().split()[:3]
    if load:
        print(f"machine: {os.cpu_count()} CPUs, load average {' / '.join(load)} (1 / 5 / 15 min) at the end")
    print(header)
    print("-" * len(header))
    for r in rows:
        missed = f" ({r['missed']} without a new image)" if r["missed"] else ""
        print(f"{r['notebook']:<{w_nb}}  {r['widget']:<{w_w}}  {r['png']:>6}  {r['n']:>5}  {r['median']:>9.0f}  {r['p95']:>7.0f}  "
              f"{r['kmed']:>13.0f}  {r['kp95']:>13.0f}  {r['median'] - r['kmed']:>17.0f}  {r['blits']:>5}{missed}")
    print(f"({len({(r['notebook'], r['widget']) for r in rows})} widgets, {time.perf_counter() - started:.0f} s)")
    for encoder in encoders:
        mine = [r for r in rows if r["png"] == encoder]
        worst_med = max(mine, key=lambda r: r["median"])
        worst_p95 = max(mine, key=lambda r: r["p95"])
        ok = worst_med["median"] <= TARGET_MEDIAN_MS and worst_p95["p95"] <= TARGET_P95_MS
        print(f"png {encoder}: worst median {worst_med['median']:.0f} ms ({worst_med['notebook']}, {worst_med['widget']}); "
              f"worst p95 {worst_p95['p95']:.0f} ms ({worst_p95['notebook']}, {worst_p95['widget']}); "
              f"{'within' if ok else 'OVER'} the targets {TARGET_MEDIAN_MS}/{TARGET_P95_MS} ms")
    if len(encoders) == 2:
        pairs = [(a, b) for a in rows if a["png"] == "pillow" for b in rows
                 if b["png"] == "own" and (b["notebook"], b["widget"]) == (a["notebook"], a["widget"])]
        print("PNG writer, Pillow minus own (ms; positive: Pillow slower):")
        print(f"  {'widget':<{w_nb + w_w + 2}}  {'key-to-pixels median':>20}  {'kernel median':>13}")
        for a, b in pairs:
            print(f"  {a['notebook'] + '  ' + a['widget']:<{w_nb + w_w + 2}}  {a['median'] - b['median']:>+20.1f}  "
                  f"{a['kmed'] - b['kmed']:>+13.1f}")
        d_med = [a["median"] - b["median"] for a, b in pairs]
        d_k = [a["kmed"] - b["kmed"] for a, b in pairs]
        print(f"  {'median over widgets':<{w_nb + w_w + 2}}  {statistics.median(d_med):>+20.1f}  {statistics.median(d_k):>+13.1f}")
    return 0


def print_phases(rows: list[dict], presses: int) -> None:
    """The --phases table: median ms of each step of a move, per widget."""
    w_nb = max(len(r["notebook"]) for r in rows)
    w_w = max(len(r["widget"]) for r in rows)
    titles = [t for t, _, _ in PHASES]
    header = f"{'notebook':<{w_nb}}  {'widget (first slider)':<{w_w}}  {'moves':>5}  " + "  ".join(f"{t:>{len(t)}}" for t in titles) + "  total"
    print(f"Where a move's time goes (median ms of each step over {presses} presses per widget; the steps' medians need "
          "not add up to the median total)")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['notebook']:<{w_nb}}  {r['widget']:<{w_w}}  {r['n']:>5}  " + "  ".join(f"{r[t]:>{len(t)}.1f}" for t in titles)
              + f"  {r['total']:>5.0f}")


if __name__ == "__main__":
    sys.exit(main())
