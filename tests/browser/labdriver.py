"""Drive a real JupyterLab in Debian's Chromium (used by the browser tests and benches).

Nothing here touches the user's home or the repository's notebooks: :class:`LabServer`
runs JupyterLab on 127.0.0.1 with a fixed token, a temporary HOME / JUPYTER_* / IPYTHONDIR /
MPLCONFIGDIR, autosave off, and a root folder that is a temporary COPY of ``notebooks/``.

Typical use (see ``conftest.py`` and ``benchmarks/bench_widgets.py``)::

    with LabServer.start(tmp) as lab, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = new_page(browser)
        nb = open_notebook(page, lab, "00_start_here.ipynb")
        run_all(page)
        ...
        lab.delete_sessions()
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: The notebooks under test (override with COURSE_NOTEBOOKS_DIR=folder, e.g. to try a draft notebook).
NOTEBOOKS = Path(os.environ.get("COURSE_NOTEBOOKS_DIR") or REPO / "notebooks")

#: Flags that work as root, headless, with no network (see ../shared/docs/browser-testing.md).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
MISSING_CHROMIUM = "install Debian's chromium (apt-get install chromium) to run the browser tests"

RUN_ALL_TIMEOUT_MS = 120_000      # a whole notebook, on a loaded 2-core machine
OUTPUT_TIMEOUT_MS = 30_000        # one slider move -> new output
OPEN_TIMEOUT_MS = 60_000          # page load + kernel start


def find_chromium() -> str | None:
    """Path of Debian's chromium, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def notebook_names() -> list[str]:
    """Every notebook in the repository's notebooks/ folder (the browser suite's parameters)."""
    return sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: SIGTERM the server if the test process dies without its teardown (killed runs)."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def strip_notebook(path: Path) -> None:
    """Remove stored outputs, execution counts and widget state from a notebook file."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb.get("metadata", {}).pop("widgets", None)
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


#: JupyterLab user settings for tests: never save, no news, no update checks, deck off.
USER_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    "jupyterlab-slideshow/plugin.jupyterlab-settings": {"active": False},
}


@dataclass
class LabServer:
    """A JupyterLab server we started (stop it with :meth:`stop`, or use ``with``)."""

    process: subprocess.Popen
    port: int
    token: str
    root: Path
    tmp: Path
    log_path: Path
    env: dict = field(repr=False, default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, tmp: str | Path, notebooks: str | Path = NOTEBOOKS, timeout: float = 90.0,
              strip_outputs: bool = True) -> "LabServer":
        """Copy ``notebooks`` into ``tmp`` (without their stored outputs: the tests run every cell
        anyway, and a notebook opens several seconds faster without megabytes of old figures),
        start JupyterLab there and wait until it answers."""
        tmp = Path(tmp)
        home, root = tmp / "home", tmp / "root"
        for d in (home, root):
            d.mkdir(parents=True, exist_ok=True)
        # root = a copy of notebooks/ (plus figures/ for notebooks that link to them): tests never write the repo
        shutil.copytree(notebooks, root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"), dirs_exist_ok=True)
        if strip_outputs:
            for nb_path in (root / "notebooks").glob("*.ipynb"):
                strip_notebook(nb_path)
        if (REPO / "figures").is_dir():
            shutil.copytree(REPO / "figures", root / "figures", dirs_exist_ok=True)
        config_dir = home / ".jupyter"
        settings_dir = config_dir / "lab" / "user-settings"
        for rel, data in USER_SETTINGS.items():
            _write_json(settings_dir / rel, data)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "MPL"))}
        env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(config_dir), JUPYTER_DATA_DIR=str(home / ".local/share/jupyter"),
                   JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTERLAB_SETTINGS_DIR=str(settings_dir),
                   JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), IPYTHONDIR=str(home / ".ipython"),
                   MPLCONFIGDIR=str(home / ".mpl"), PYDEVD_DISABLE_FILE_VALIDATION="1")
        token = secrets.token_hex(16)
        port = free_port()
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--ServerApp.port_retries=0", f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
               "--ServerApp.open_browser=False", "--LabApp.expose_app_in_browser=True",
               "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--ServerApp.shutdown_no_activity_timeout=0", "--ContentsManager.allow_hidden=False"]
        if hasattr(os, "getuid") and os.getuid() == 0:
            cmd.append("--allow-root")
        log_path = tmp / "jupyterlab.log"
        log = open(log_path, "wb")
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        server = cls(proc, port, token, root, tmp, log_path, env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {proc.returncode}:\n{server.log_tail()}")
            try:
                server.api("GET", "/api/status")
                return server
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        server.stop()
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{server.log_tail()}")

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def api(self, method: str, path: str, timeout: float = 10.0, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base_url + path, method=method, data=data,
                                     headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def delete_sessions(self, path_endswith: str | None = None) -> int:
        """Shut down the kernels of all sessions (or of the sessions whose path ends so)."""
        n = 0
        for s in self.api("GET", "/api/sessions"):
            if path_endswith is None or s.get("path", "").endswith(path_endswith):
                try:
                    self.api("DELETE", f"/api/sessions/{s['id']}", timeout=30)
                    n += 1
                except urllib.error.URLError:
                    pass
        return n

    def reset_user_settings(self) -> None:
        """Put the test settings back (jupyterlab-slideshow saves "active" when a deck starts,
        and a page opened later would start in the deck)."""
        for rel, data in USER_SETTINGS.items():
            folder, plugin = rel.removesuffix(".jupyterlab-settings").rsplit("/", 1)
            self.api("PUT", f"/lab/api/settings/{folder}:{plugin}", body={"raw": json.dumps(data)})

    def notebook_url(self, name: str) -> str:
        return f"{self.base_url}/lab/tree/notebooks/{urllib.parse.quote(name)}?token={self.token}&reset"

    def stop(self) -> None:
        """SIGTERM to the server we started (it shuts its kernels down); SIGKILL if it hangs."""
        if self.process.poll() is None:
            try:
                self.delete_sessions()
            except Exception:
                pass
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def __enter__(self) -> "LabServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# --------------------------------------------------------------------------- browser

def launch_chromium(playwright, **kw):
    """Debian's chromium through Playwright (never ``playwright install``)."""
    path = find_chromium()
    if path is None:
        raise RuntimeError(MISSING_CHROMIUM)
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True, **kw)


def block_remote(context, blocked: list[str], allowed_hosts=("127.0.0.1", "localhost")) -> None:
    """Abort every request that leaves the machine and record its URL in ``blocked``."""
    def handle(route):
        url = route.request.url
        scheme = url.split(":", 1)[0]
        host = urllib.parse.urlsplit(url).hostname or ""
        try:
            if scheme in ("http", "https", "ws", "wss") and host not in allowed_hosts:
                blocked.append(url)
                route.abort()
            elif scheme not in ("http", "https", "ws", "wss", "file", "data", "blob"):
                blocked.append(url)
                route.abort()
            else:
                route.continue_()
        except Exception:  # the page or context closed while the request was in flight
            pass
    context.route("**/*", handle)


def new_context(browser, blocked: list[str] | None = None, viewport=(1280, 900)):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    context.set_default_timeout(OUTPUT_TIMEOUT_MS)
    if blocked is not None:
        block_remote(context, blocked)
    return context


# JS run in the page. `window.jupyterapp` exists because of --LabApp.expose_app_in_browser.
JS_HELPERS = r"""
() => {
  if (window.__bt) return;
  const SLIDER_TEXT = '.widget-slider, .widget-readout';
  function textOf(scope) {
    const out = [];
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = walker.nextNode())) {
      const el = n.parentElement;
      if (el && el.closest(SLIDER_TEXT)) continue;
      out.push(n.nodeValue);
    }
    return out.join('');
  }
  function hash(s) { let h = 0; for (let i = 0; i < s.length; i += 7) h = (h * 31 + s.charCodeAt(i)) | 0; return h + ':' + s.length; }
  window.__bt = {
    notebook() { return window.jupyterapp.shell.currentWidget; },
    scopeOf(el) { return el.closest('.live-figure') || el.closest('.jp-OutputArea-output') || el.closest('.jp-Cell'); },
    snapshot(el) {
      const scope = this.scopeOf(el);
      const imgs = [...scope.querySelectorAll('img')].map(i => i.src);
      const canv = [...scope.querySelectorAll('canvas')].map(c => { try { return hash(c.toDataURL()); } catch (e) { return 'x'; } });
      return JSON.stringify([imgs, canv, textOf(scope)]);
    },
    imagesReady(el) {
      const scope = this.scopeOf(el);
      return [...scope.querySelectorAll('img')].every(i => i.complete && i.naturalWidth > 0);
    },
    watchKernel() {
      const k = this.notebook().sessionContext.session.kernel;
      if (!window.__bt.kstat || window.__bt.kstat.kernel !== k.id) {
        const st = window.__bt.kstat = {kernel: k.id, last: k.status, changed: performance.now(), busy: 0};
        k.statusChanged.connect((_, s) => { st.last = s; st.changed = performance.now(); if (s === 'busy') st.busy = st.changed; });
      }
    },
    cellImageCount(el) {
      const cell = el.closest('.jp-Cell');
      return cell ? cell.querySelectorAll('.jp-OutputArea img, .jp-OutputArea canvas.jupyter-widgets, .jupyter-matplotlib canvas').length : -1;
    },
  };
}
"""


def install_helpers(page) -> None:
    page.evaluate(JS_HELPERS)


def dismiss_toasts(page) -> None:
    for button in page.locator(".Toastify__toast button", has_text="No").all():
        try:
            button.click(timeout=1000)
        except Exception:
            pass


def open_notebook(page, lab: LabServer, name: str):
    """Open ``notebooks/<name>`` in JupyterLab (deck off) and wait for its kernel to be idle."""
    lab.reset_user_settings()
    reused = False
    if page.url.startswith(lab.base_url) and page.evaluate("() => !!(window.jupyterapp && window.__bt)"):
        # JupyterLab is already loaded in this page: close the open notebooks (never saving)
        # and open the next one in the same app -- saves the app's start-up for every notebook
        try:
            page.evaluate("""async (path) => {
                const app = window.jupyterapp;
                if (document.querySelector('.jp-Deck')) await app.commands.execute('deck:stop');
                for (const w of [...app.shell.widgets('main')]) {
                    if (w.context && w.context.model) w.context.model.dirty = false;
                    w.dispose();
                }
                await app.commands.execute('docmanager:open', {path});
            }""", f"notebooks/{name}")
            reused = True
        except Exception:
            reused = False
    if not reused:
        page.goto(lab.notebook_url(name), timeout=OPEN_TIMEOUT_MS)
    page.wait_for_function(
        """(name) => {
            const app = window.jupyterapp;
            if (!app || !app.shell) return false;
            const w = app.shell.currentWidget;
            if (!w || !w.context || !w.context.path.endsWith(name) || !w.sessionContext) return false;
            const k = w.sessionContext.session && w.sessionContext.session.kernel;
            return !!k && k.status === 'idle' && w.content && w.content.widgets.length > 0;
        }""", arg=name, timeout=OPEN_TIMEOUT_MS, polling=200)
    install_helpers(page)
    dismiss_toasts(page)


def command(page, cmd: str, args: dict | None = None):
    """Run a JupyterLab command by id (e.g. ``notebook:run-all-cells``, ``deck:start``)."""
    return page.evaluate("([c, a]) => window.jupyterapp.commands.execute(c, a || {}).then(() => true)", [cmd, args])


def run_all(page, timeout_ms: int = RUN_ALL_TIMEOUT_MS) -> None:
    """Clear the stored outputs, run all cells and wait until every code cell has a number,
    the kernel is idle, every widget output has rendered (LiveFigure pictures included) and
    every output image is decoded. Raises AssertionError with the traceback text if a cell fails."""
    command(page, "notebook:clear-all-cell-outputs")
    command(page, "notebook:run-all-cells")
    status = page.wait_for_function(
        """() => {
            const w = window.__bt.notebook();
            const errs = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
                .filter(e => /Traceback|Error/.test(e.innerText));
            if (errs.length) return 'error';
            const cells = w.content.widgets.filter(c => c.model.type === 'code' && c.model.sharedModel.getSource().trim() !== '');
            if (!cells.every(c => c.model.executionCount !== null)) return false;
            const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')].map(p => p.innerText.trim());
            if (prompts.some(p => p.includes('*'))) return false;
            const ind = document.querySelector('.jp-Notebook-ExecutionIndicator');
            if (ind && ind.getAttribute('data-status') !== 'idle') return false;
            if (w.sessionContext.session.kernel.status !== 'idle') return false;
            const views = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]')];
            if (views.some(v => /Loading widget/i.test(v.innerText) || v.children.length === 0)) return false;
            // a LiveFigure's view renders its children one by one: wait for its picture too, and
            // for every output image to be decoded (else counting plots now under-counts them)
            const figs = [...document.querySelectorAll('.jp-Notebook .live-figure')];
            if (figs.some(f => { const i = f.querySelector('img'); return !i || !i.complete || i.naturalWidth === 0; })) return false;
            if ([...document.querySelectorAll('.jp-Notebook .jp-OutputArea img')].some(i => !i.complete)) return false;
            return 'done';
        }""", timeout=timeout_ms, polling=250)
    if status.json_value() == "error":
        raise AssertionError("a cell failed during Run All:\n" + "\n---\n".join(error_outputs(page)))


def error_outputs(page) -> list[str]:
    """Text of every error output in the notebook (tracebacks, widget errors)."""
    return page.evaluate("""() => {
        const out = [];
        for (const e of document.querySelectorAll('.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
            if (/Traceback|Error|ename/.test(e.innerText)) out.push(e.innerText.slice(0, 3000));
        const outputs = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')].map(e => e.innerText).join(' | ');
        for (const bad of ['Loading widget', 'Error displaying widget', 'Error rendering output', 'Failed to load model class'])
            if (outputs.includes(bad)) out.push('an output shows: ' + bad);
        return out;
    }""")


def slider_handles(page, root: str = ".jp-Notebook") -> int:
    """Number every ipywidgets slider handle under ``root`` with ``data-bt-index``; return the count."""
    return page.evaluate("""(root) => {
        document.querySelectorAll('[data-bt-index]').forEach(h => h.removeAttribute('data-bt-index'));
        const hs = [...document.querySelectorAll(root + ' .widget-slider .noUi-handle')];
        hs.forEach((h, i) => h.setAttribute('data-bt-index', String(i)));
        return hs.length;
    }""", root)


def handle_info(page, index: int) -> dict:
    return page.evaluate("""(i) => {
        const h = document.querySelector(`[data-bt-index="${i}"]`);
        const slider = h.closest('.widget-slider');
        const label = slider.querySelector('.widget-label');
        const cell = h.closest('.jp-Cell');
        const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
        return {now: parseFloat(h.getAttribute('aria-valuenow')), min: parseFloat(h.getAttribute('aria-valuemin')),
                max: parseFloat(h.getAttribute('aria-valuemax')),
                disabled: slider.classList.contains('mod-disabled') || h.closest('[disabled]') !== null,
                label: (label ? label.textContent : '').trim(), cell: cells.indexOf(cell),
                live: !!h.closest('.live-figure')};
    }""", index)


def snapshot(page, index: int) -> str:
    return page.evaluate("(i) => window.__bt.snapshot(document.querySelector(`[data-bt-index=\"${i}\"]`))", index)


def image_count(page, index: int) -> int:
    return page.evaluate("(i) => window.__bt.cellImageCount(document.querySelector(`[data-bt-index=\"${i}\"]`))", index)


def now_ms(page) -> float:
    """The page's clock; also (re)attaches the kernel-status watcher."""
    return page.evaluate("() => { window.__bt.watchKernel(); return performance.now(); }")


def wait_change_or_quiet(page, index: int, before: str, since_ms: float, quiet_ms: int = 500,
                         timeout_ms: int = OUTPUT_TIMEOUT_MS) -> str:
    """After a move made at page time ``since_ms``: 'changed' once the output next to handle
    ``index`` differs from ``before`` (images decoded), or 'quiet' once the kernel has been busy
    after the move and idle again for ``quiet_ms`` with the output unchanged. Raises on timeout."""
    handle = page.wait_for_function(
        """([i, before, since, quiet]) => {
            const h = document.querySelector(`[data-bt-index="${i}"]`);
            if (window.__bt.snapshot(h) !== before) return window.__bt.imagesReady(h) ? 'changed' : false;
            const st = window.__bt.kstat;
            if (st && st.busy > since && st.last === 'idle' && performance.now() - st.changed > quiet) return 'quiet';
            return false;
        }""", arg=[index, before, since_ms, quiet_ms], timeout=timeout_ms, polling=50)
    return handle.json_value()


def wait_output_change(page, index: int, before: str, timeout_ms: int = OUTPUT_TIMEOUT_MS) -> None:
    """Wait until the output next to handle ``index`` differs from ``before`` and its images decoded."""
    page.wait_for_function(
        """([i, before]) => {
            const h = document.querySelector(`[data-bt-index="${i}"]`);
            return window.__bt.snapshot(h) !== before && window.__bt.imagesReady(h);
        }""", arg=[index, before], timeout=timeout_ms, polling="raf")


def move_by_key(page, index: int, info: dict | None = None) -> str:
    """Focus handle ``index`` and press ArrowRight (ArrowLeft at the maximum); return the key."""
    info = info or handle_info(page, index)
    key = "ArrowLeft" if info["now"] >= info["max"] else "ArrowRight"
    handle = page.locator(f'[data-bt-index="{index}"]')
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press(key)
    return key


def move_by_drag(page, index: int, info: dict | None = None) -> None:
    """Drag handle ``index`` along its bar by a quarter of the bar (towards the far end)."""
    info = info or handle_info(page, index)
    handle = page.locator(f'[data-bt-index="{index}"]')
    handle.scroll_into_view_if_needed()
    bar = page.evaluate("""(i) => { const r = document.querySelector(`[data-bt-index="${i}"]`)
                                 .closest('.noUi-target').getBoundingClientRect();
                                 return [r.x, r.y, r.width, r.height]; }""", index)
    box = handle.bounding_box()
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    frac = (x0 - bar[0]) / max(bar[2], 1)
    dx = bar[2] / 4 if frac < 0.6 else -bar[2] / 4
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + dx, y0, steps=10)
    page.mouse.up()


def wait_kernel_quiet(page, quiet_ms: int = 400, timeout_ms: int = OUTPUT_TIMEOUT_MS) -> None:
    """Wait until the notebook's kernel has been idle for ``quiet_ms`` (all queued slider moves done)
    and every image in the notebook's outputs is decoded."""
    page.evaluate("() => { window.__bt_quiet = performance.now(); }")
    page.wait_for_function(
        """(quiet) => {
            const k = window.__bt.notebook().sessionContext.session.kernel;
            const now = performance.now();
            if (k.status !== 'idle') { window.__bt_quiet = now; return false; }
            const imgs = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea img')];
            if (!imgs.every(i => i.complete)) { window.__bt_quiet = now; return false; }
            return now - window.__bt_quiet > quiet;
        }""", arg=quiet_ms, timeout=timeout_ms, polling=100)


def stacked_plots(page) -> list[int]:
    """Output areas (their order among the rendered ones) that hold a live figure and more than its one
    picture: a plot stacked below the widget. Counted per output area, not over the notebook: JupyterLab
    renders only the cells near the viewport, so a notebook-wide image count depends on the scrolling."""
    return page.evaluate("""() => [...document.querySelectorAll('.jp-Notebook .jp-OutputArea')]
        .map((area, i) => [i, area.querySelectorAll('.live-figure').length, area.querySelectorAll('img').length])
        .filter(([i, live, imgs]) => live > 0 && imgs > live).map(([i]) => i)""")


def screenshot_notebook(page, path: str | Path, max_height: int = 15000) -> None:
    """Screenshot the whole notebook: hide the side bar, make the window as tall as the notebook
    (so every cell is laid out and painted), shoot, then restore the window."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => { const s = window.jupyterapp.shell; s.collapseLeft(); s.collapseRight(); }")
    size = page.viewport_size
    height = page.evaluate("""() => {
        const outer = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer') || document.querySelector('.jp-Notebook');
        return outer.scrollHeight + (window.innerHeight - outer.clientHeight);
    }""")
    page.set_viewport_size({"width": size["width"], "height": int(min(max(height, size["height"]), max_height))})
    try:
        page.evaluate("""() => { const o = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
                                 if (o) o.scrollTop = 0; }""")
        page.wait_for_function("""() => [...document.querySelectorAll('.jp-Notebook img')].every(i => i.complete)
                                  && new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))""",
                               timeout=OUTPUT_TIMEOUT_MS)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)


# --------------------------------------------------------------------------- slideshow (jupyterlab-slideshow)

ONSCREEN_SLIDER = ".jp-Notebook .jp-Cell.jp-deck-mod-onscreen.jp-deck-mod-visible .widget-slider .noUi-handle"


def start_deck(page) -> None:
    """Present the open notebook from its first cell (command ``deck:start``), keys in command mode."""
    page.evaluate("""() => { const w = window.__bt.notebook(); w.content.activeCellIndex = 0;
                             w.content.mode = 'command'; w.activate(); }""")
    command(page, "deck:start")
    page.wait_for_function("""() => document.querySelector('.jp-Deck') !== null
        && document.querySelectorAll('.jp-Notebook .jp-Cell.jp-deck-mod-onscreen.jp-deck-mod-visible').length > 0""",
                           timeout=OUTPUT_TIMEOUT_MS)


def deck_state(page) -> dict:
    """Active cell and the text, math and sliders of what the deck shows now."""
    return page.evaluate("""() => {
        const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell.jp-deck-mod-onscreen.jp-deck-mod-visible')];
        const vh = window.innerHeight, vw = window.innerWidth;
        const shown = cells.filter(c => { const r = c.getBoundingClientRect(); return r.height > 0 && r.bottom > 0 && r.top < vh && r.left < vw; });
        const all = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
        return {active: window.__bt.notebook().content.activeCellIndex,
                onscreen: cells.map(c => all.indexOf(c)),
                cells: cells.length, shown: shown.length,
                text: shown.map(c => c.innerText).join(' | ').slice(0, 2000),
                math: shown.reduce((n, c) => n + c.querySelectorAll('mjx-container').length, 0),
                sliders: shown.reduce((n, c) => n + c.querySelectorAll('.widget-slider .noUi-handle').length, 0)};
    }""")


def deck_step(page, key: str = "Space", timeout_ms: int = 5000) -> bool:
    """Press ``key`` in the deck; True if the deck moved on (the active cell changed)."""
    before = page.evaluate("() => window.__bt.notebook().content.activeCellIndex")
    page.keyboard.press(key)
    try:
        page.wait_for_function("(b) => window.__bt.notebook().content.activeCellIndex !== b", arg=before,
                               timeout=timeout_ms, polling=50)
    except Exception:
        return False
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))")
    return True


KERNEL_HISTORY = """
import gc as _gc, json as _json
from course_utils.core.widgets import LiveFigure as _LF
print(_json.dumps({_o.widget.model_id: len(_o.history) for _o in _gc.get_objects() if issubclass(type(_o), _LF)}))
"""


def kernel_exec(page, code: str) -> str:
    """Run ``code`` in the open notebook's kernel (no cell, no history); return what it printed."""
    out = page.evaluate("""async (code) => {
        const k = window.__bt.notebook().sessionContext.session.kernel;
        const fut = k.requestExecute({code, silent: false, store_history: false});
        let text = '';
        let error = null;
        fut.onIOPub = (msg) => {
            if (msg.header.msg_type === 'stream') text += msg.content.text;
            if (msg.header.msg_type === 'error') error = msg.content.ename + ': ' + msg.content.evalue;
        };
        await fut.done;
        return error === null ? text : {error};
    }""", code)
    if isinstance(out, dict):
        raise RuntimeError(f"kernel code failed: {out['error']}")
    return out


def live_update_counts(page) -> dict[str, int]:
    """How many times each LiveFigure in the kernel has redrawn, by its widget's model id."""
    out = kernel_exec(page, KERNEL_HISTORY).strip()
    return json.loads(out.splitlines()[-1]) if out else {}


def live_model_id(page, index: int) -> str | None:
    """Model id of the LiveFigure that holds handle ``index`` (from its CSS class), or None."""
    return page.evaluate("""(i) => { const w = document.querySelector(`[data-bt-index="${i}"]`).closest('.live-figure');
        if (!w) return null; const c = [...w.classList].find(c => c.startsWith('live-figure-') && c.length > 20);
        return c ? c.slice('live-figure-'.length) : null; }""", index)
