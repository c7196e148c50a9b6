#!/usr/bin/env python3
"""Reproducibility matrix: the same numbers on every supported Python and on any CPU.

Runs the unit tests and every notebook under nbval (the browser suite runs once, in `make test`):

* on each supported Python (3.11, 3.12, 3.13) this machine has, found on PATH and under pyenv's
  versions folder, each in its own venv (``.venv-3.X``, the one ``make test PYTHON=python3.X``
  uses; an installed ``.venv`` of that release is reused) built from ``requirements.txt``;
  fails when fewer than two releases were found;
* under two OpenBLAS kernels other than the default (``OPENBLAS_CORETYPE``), each checked with
  threadpoolctl: a kernel that OpenBLAS does not switch to does not count, nor one whose
  instructions this CPU lacks (it would die of SIGILL, e.g. SkylakeX's AVX-512 on an AMD EPYC;
  checked against /proc/cpuinfo and by a smoke run of BLAS and LAPACK calls). By default each kernel
  gets a leg of its own on the oldest release; with ``--pair-kernels`` (CI, to stay within its
  time) the other releases' legs run under those kernels instead, so every release and every
  kernel still runs, in fewer legs;
* once as a student without ``make`` would: ``python -m pytest`` with no arguments (its options
  come from pyproject.toml), with the ``CI`` variable unset so that, as on a laptop, the browser
  tests skip where the browser tools are not installed;
* the unit tests once with ``-X warn_default_encoding -W error::EncodingWarning``: nothing may
  depend on the locale's encoding.

Standard library only: it runs with whatever ``python3`` starts it (``make matrix``).
Usage: ``python3 .ci/matrix.py [--skip-python 3.11] [--pair-kernels] [--kernels N]``.
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUPPORTED = ("3.11", "3.12", "3.13")
MIN_PYTHONS = 2
#: Kernels to try, most common first; the first ones that differ from the default are used.
KERNEL_CANDIDATES = ("Haswell", "Sandybridge", "SkylakeX", "Nehalem", "Zen", "Prescott")
NO_BROWSER = ["--ignore=tests/browser"]
SUMMARY = re.compile(r"=+ (.*\d+ (?:passed|failed|error).*) in [\d.]+s")


@dataclass
class Leg:
    name: str
    python: str
    cmd: list[str]
    env: dict[str, str] = field(default_factory=dict)
    unset: tuple[str, ...] = ()
    result: str = "not run"
    seconds: float = 0.0
    ok: bool = False


def version_of(python: str) -> str | None:
    """``"3.X"`` for an interpreter that runs and can make venvs, else None."""
    try:
        out = subprocess.run([python, "-c", "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, encoding="utf-8", timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def find_pythons() -> dict[str, str]:
    """``{"3.X": interpreter}`` for each supported release found (pyenv's newest patch first, then PATH)."""
    roots = [os.environ.get("PYENV_ROOT", ""), str(Path.home() / ".pyenv")]
    found: dict[str, str] = {}
    for minor in SUPPORTED:
        candidates = []
        for root in filter(None, dict.fromkeys(roots)):
            dirs = glob.glob(os.path.join(root, "versions", f"{minor}.*"))
            dirs.sort(key=lambda d: [int(x) if x.isdigit() else -1 for x in re.split(r"[.]", Path(d).name)], reverse=True)
            candidates += [os.path.join(d, "bin", f"python{minor}") for d in dirs]
        candidates += [p for p in (shutil.which(f"python{minor}"), f"/usr/bin/python{minor}") if p]
        for python in candidates:
            if os.path.exists(python) and version_of(python) == minor:
                found[minor] = python
                break
    return found


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv(minor: str, python: str) -> Path:
    """The venv for ``minor``: ``.venv`` if it is that release and installed, else ``.venv-<minor>``.

    With ``CI_VENV_CACHE`` set (``.ci/run`` sets it), the venv lives there instead, named after the
    release and a hash of ``requirements.txt``, so a fresh clone reuses the pinned environment of the
    last run; the course package is then re-pointed at this clone (``pip install --no-deps -e .``).
    """
    default = REPO / ".venv"
    cache = os.environ.get("CI_VENV_CACHE")
    if (default / ".installed").exists() and version_of(str(venv_python(default))) == minor:
        venv = default
    elif cache:
        digest = hashlib.sha256((REPO / "requirements.txt").read_bytes()).hexdigest()[:12]
        venv = Path(cache).expanduser() / f"venv-{minor}-{digest}"
    else:
        venv = REPO / f".venv-{minor}"
    stamp = venv / ".installed"
    inputs = [REPO / "requirements.txt", REPO / "pyproject.toml"]
    if stamp.exists() and (cache or all(stamp.stat().st_mtime >= p.stat().st_mtime for p in inputs)):
        if cache and venv != default:
            run([str(venv_python(venv)), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "-e", "."])
            print(f"   venv {venv} reused from the cache", flush=True)
        return venv_python(venv)
    t0 = time.monotonic()
    if not venv_python(venv).exists():
        venv.parent.mkdir(parents=True, exist_ok=True)
        run([python, "-m", "venv", str(venv)])
    run([str(venv_python(venv)), "-m", "pip", "install", "-q", "-r", "requirements.txt"])
    stamp.touch()
    print(f"   venv {venv} ready in {time.monotonic() - t0:.0f} s", flush=True)
    return venv_python(venv)


def run(cmd: list[str], env: dict[str, str] | None = None) -> None:
    print("   $", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=REPO, env=env, check=True)


#: CPU flags (as /proc/cpuinfo names them) each OpenBLAS kernel executes: forcing a kernel whose
#: instructions the CPU lacks kills the tests with SIGILL (SkylakeX's AVX-512 on an AMD EPYC, say).
KERNEL_CPU_FLAGS = {
    "SkylakeX": ("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"),
    "Haswell": ("avx2", "fma"),
    "Zen": ("avx2", "fma"),
    "Sandybridge": ("avx",),
    "Nehalem": ("sse4_2", "ssse3"),
    "Prescott": ("pni",),  # SSE3
}


def cpu_flags() -> set[str] | None:
    """The CPU's flags from /proc/cpuinfo, or None where there is none (not Linux)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = re.search(r"^flags\s*:\s*(.*)$", text, re.MULTILINE)
    return set(match.group(1).split()) if match else None


def cpu_can_run(coretype: str, flags: set[str] | None) -> bool:
    """Whether this CPU has every instruction set ``coretype``'s kernel uses (unknown flags: assume yes;
    the smoke run in :func:`blas_architectures` is the second guard)."""
    return flags is None or all(f in flags for f in KERNEL_CPU_FLAGS.get(coretype, ()))


def blas_architectures(python: str, coretype: str | None) -> list[str]:
    """The architecture each loaded OpenBLAS reports (numpy's and scipy's) under ``coretype``.

    The child also runs a few BLAS and LAPACK calls under that kernel, so a kernel this CPU cannot
    execute (it dies of SIGILL) reports nothing and is not chosen.
    """
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    code = ("import json, numpy, scipy.linalg, threadpoolctl; "
            "a = numpy.random.default_rng(0).standard_normal((257, 257)); "
            "b = a @ a.T + numpy.eye(257); numpy.linalg.solve(b, a); scipy.linalg.eigh(b); numpy.exp(a @ a[0]); "
            "print(json.dumps(sorted({i.get('architecture') or '?' for i in threadpoolctl.threadpool_info() "
            "if i['internal_api'] == 'openblas'})))")
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, encoding="utf-8", env=env, check=False)
    return json.loads(out.stdout) if out.returncode == 0 else []


def choose_kernels(python: str, n: int) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The default architecture, and ``n`` coretypes that really switch OpenBLAS to another kernel."""
    default = blas_architectures(python, os.environ.get("OPENBLAS_CORETYPE"))
    chosen: list[tuple[str, list[str]]] = []
    seen = {tuple(default)}
    flags = cpu_flags()
    for name in KERNEL_CANDIDATES:
        if not cpu_can_run(name, flags):
            print(f"   OpenBLAS kernel {name}: skipped, this CPU lacks its instructions", flush=True)
            continue
        arch = blas_architectures(python, name)
        if arch and tuple(arch) not in seen:
            chosen.append((name, arch))
            seen.add(tuple(arch))
        if len(chosen) == n:
            break
    return default, chosen


def run_leg(leg: Leg) -> None:
    env = dict(os.environ)
    for name in leg.unset:
        env.pop(name, None)
    env.update(leg.env)
    print(f"\n== {leg.name}\n   $ {' '.join(f'{k}={v}' for k, v in leg.env.items())} {' '.join(leg.cmd)}", flush=True)
    t0 = time.monotonic()
    proc = subprocess.Popen(leg.cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, encoding="utf-8", errors="replace")
    tail: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        sys.stdout.write(line)
        tail = (tail + [line])[-200:]
    code = proc.wait()
    leg.seconds = time.monotonic() - t0
    match = next((SUMMARY.search(line) for line in reversed(tail) if SUMMARY.search(line)), None)
    leg.result = match.group(1) if match else f"exit {code}"
    leg.ok = code == 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--skip-python", action="append", default=[], metavar="3.X",
                    help="no leg of its own for this release (e.g. `make test` already ran it); it still runs the kernel legs")
    ap.add_argument("--kernels", type=int, default=2, help="how many other OpenBLAS kernels (default 2)")
    ap.add_argument("--pair-kernels", action="store_true",
                    help="run each other Python under one of the other kernels instead of separate kernel legs "
                         "(fewer legs: what CI does to stay within its time; every release and every kernel still runs)")
    args = ap.parse_args(argv)
    t_start = time.monotonic()

    pythons = find_pythons()
    print("== supported Pythons found:", ", ".join(f"{v} ({p})" for v, p in pythons.items()) or "none", flush=True)
    missing = [v for v in SUPPORTED if v not in pythons]
    if missing:
        print("   not found:", ", ".join(missing))
    if len(pythons) < MIN_PYTHONS:
        print(f"FAILED: only {len(pythons)} supported Python release(s) found; the matrix needs at least "
              f"{MIN_PYTHONS} of {', '.join(SUPPORTED)} (install them, e.g. with pyenv)", flush=True)
        return 1

    venvs = {v: str(ensure_venv(v, p)) for v, p in pythons.items()}
    primary = next(iter(venvs))              # the oldest release found: separate kernel legs use it
    unit_nbval = ["-m", "pytest", "tests", "notebooks", *NO_BROWSER]
    default_arch, kernels = choose_kernels(venvs[primary], args.kernels)
    print(f"== OpenBLAS: default kernel {'/'.join(default_arch) or '?'}; others that switch: "
          + (", ".join(f"{n} -> {'/'.join(a)}" for n, a in kernels) or "none"), flush=True)
    python_legs = [v for v in venvs if v not in args.skip_python]
    paired = dict(zip(python_legs, kernels)) if args.pair_kernels else {}
    legs: list[Leg] = []
    for minor in python_legs:
        python = venvs[minor]
        name, arch = paired.get(minor, (None, None))
        kernel = f"OpenBLAS kernel {'/'.join(arch)}" if arch else "default kernel"
        env = {"OPENBLAS_CORETYPE": name} if name else {}
        if minor == python_legs[-1]:
            # the student's path without make: the bare command, options from pyproject.toml
            legs.append(Leg(f"Python {minor}, {kernel}: bare `python -m pytest` (CI unset)", minor,
                            [python, "-m", "pytest"], env=env, unset=("CI",)))
        else:
            legs.append(Leg(f"Python {minor}, {kernel}: unit tests + nbval", minor, [python, *unit_nbval], env=env))
    for name, arch in kernels:
        if (name, arch) in paired.values():
            continue
        legs.append(Leg(f"Python {primary}, OpenBLAS kernel {'/'.join(arch)}: unit tests + nbval", primary,
                        [venvs[primary], *unit_nbval], env={"OPENBLAS_CORETYPE": name}))
    legs.append(Leg(f"Python {primary}: unit tests with -X warn_default_encoding -W error::EncodingWarning", primary,
                    [venvs[primary], "-X", "warn_default_encoding", "-W", "error::EncodingWarning", "-m", "pytest",
                     "tests", *NO_BROWSER],
                    # The flags reach this process. pytest-xdist's workers get the warning through the
                    # variable, and pyproject's filterwarnings make it an error in our modules (course_utils,
                    # the tests). PYTHONWARNINGS=error would also reach the tests' subprocesses (pip
                    # building the wheel, matplotlib's font cache), where the locale is not ours to fix.
                    env={"PYTHONWARNDEFAULTENCODING": "1"}))

    for leg in legs:
        run_leg(leg)

    print("\n== reproducibility matrix")
    width = max(len(leg.name) for leg in legs)
    for leg in legs:
        print(f"   {'ok  ' if leg.ok else 'FAIL'} {leg.name:<{width}}  {leg.seconds:6.0f} s  {leg.result}")
    problems = [leg.name for leg in legs if not leg.ok]
    if len(kernels) < args.kernels:
        problems.append(f"only {len(kernels)} other OpenBLAS kernel(s) could be selected (wanted {args.kernels})")
    print(f"   Pythons: {', '.join(pythons)}; kernels: {'/'.join(default_arch)} (default, in `make test`)"
          + "".join(f", {'/'.join(a)}" for _, a in kernels) + f"; {time.monotonic() - t_start:.0f} s in all")
    if problems:
        print("FAILED:", "; ".join(problems))
        return 1
    print("matrix passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
