"""Environment check for the index notebook: Python, pinned packages, widgets, course_utils.

``check_environment()`` compares what is installed with the pins in the repository's
``requirements.txt`` and says exactly what to do when something is missing or different.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

#: The repository's requirements file (present in a clone; course_utils is installed editable).
REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements.txt"

#: Used when the package runs without its repository (no requirements.txt next to it).
CORE_PACKAGES = ("jupyterlab", "ipywidgets", "ipykernel", "numpy", "scipy", "matplotlib", "scikit-learn", "nbval")

#: The Python releases the course is tested on (CI runs every notebook on each). The Makefile's
#: SUPPORTED_PYTHONS, pyproject's classifiers and the README say the same (a test checks it).
SUPPORTED_PYTHONS = ((3, 11), (3, 12), (3, 13))
MIN_PYTHON = SUPPORTED_PYTHONS[0]

FIX = ("From the repository's top folder run `make lab` (it creates .venv and installs the pinned "
       "requirements), then open the notebooks from the JupyterLab it starts, with the kernel "
       "'Python 3 (ipykernel)'. Without make: `python -m venv .venv`, then "
       "`.venv/bin/python -m pip install -r requirements.txt` "
       "(Windows: `.venv\\Scripts\\python -m pip install -r requirements.txt`); README.md, \"Without make\".")


def supported_names() -> str:
    """``"3.11, 3.12, 3.13"``: the tested releases, for messages."""
    return ", ".join(f"{major}.{minor}" for major, minor in SUPPORTED_PYTHONS)


def python_status(version_info: tuple[int, ...] = tuple(sys.version_info[:3])) -> tuple[bool, str]:
    """Whether this Python is a tested release, and what to print about it.

    Returns
    -------
    ok : bool
        False only for a release older than the oldest supported one (the course cannot run).
    message : str
        "ok", or what is wrong and which releases work. A newer, untested release is ok with a warning.
    """
    release = tuple(version_info[:2])
    version = ".".join(str(v) for v in version_info)
    if release in SUPPORTED_PYTHONS:
        return True, "ok"
    if release < MIN_PYTHON:
        return False, f"TOO OLD: Python {version}; the course needs one of {supported_names()}"
    return True, f"ok, but untested: Python {version}; the course is tested on {supported_names()}"


@dataclass(frozen=True)
class PackageStatus:
    """One row of the check: a package, the version pinned, the version installed."""

    name: str
    pinned: str | None
    installed: str | None

    @property
    def ok(self) -> bool:
        return self.installed is not None and (self.pinned is None or self.pinned == self.installed)

    @property
    def problem(self) -> str:
        if self.installed is None:
            return "missing"
        if not self.ok:
            return f"version {self.installed} installed, {self.pinned} pinned"
        return ""


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: str | Path = REQUIREMENTS) -> dict[str, str]:
    """``{package: version}`` for every ``name==version`` line of a requirements file.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If a requirement line is neither ``name==version`` nor ``-e``/``-r`` options.
    """
    pins: dict[str, str] = {}
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([A-Za-z0-9.+!-]+)", line)
        if not match:
            raise ValueError(f"{path}:{number}: expected 'package==version', got {raw!r}")
        pins[_normalise(match.group(1))] = match.group(2)
    return pins


def installed_version(name: str) -> str | None:
    """The installed version of a distribution, or None when it is not installed."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def package_statuses(requirements: str | Path | None = REQUIREMENTS) -> list[PackageStatus]:
    """Installed vs pinned version of every pinned package (or of the core packages)."""
    if requirements is not None and Path(requirements).exists():
        pins: dict[str, str | None] = dict(read_pins(requirements))
    else:
        pins = {name: None for name in CORE_PACKAGES}
    return [PackageStatus(name, pin, installed_version(name)) for name, pin in pins.items()]


def check_environment(requirements: str | Path | None = REQUIREMENTS, *, verbose: bool = True) -> bool:
    """Check Python, every pinned package and ``course_utils``; print a report; return True if all is well."""
    problems: list[str] = []
    py_ok, py_message = python_status()
    if not py_ok:
        problems.append(f"Python {sys.version.split()[0]} is too old: use one of {supported_names()}.")
    statuses = package_statuses(requirements)
    problems += [f"{s.name}: {s.problem}" for s in statuses if not s.ok]
    try:
        import course_utils  # noqa: F401  (importable from any working directory?)
    except ImportError as exc:  # pragma: no cover - only without an install
        problems.append(f"course_utils does not import ({exc})")
    if verbose:
        print(f"Python {sys.version.split()[0]}: {py_message}")
        width = max(len(s.name) for s in statuses)
        for s in statuses:
            print(f"  {s.name:<{width}}  {s.installed or '-':<10} {'ok' if s.ok else s.problem}")
        if problems:
            print(f"\n{len(problems)} problem(s):")
            for p in problems:
                print(f"  - {p}")
            print(f"\nWhat to do: {FIX}")
        else:
            print(f"\nAll {len(statuses)} pinned packages are installed at the pinned versions; course_utils imports.")
    return not problems


def widget_check():
    """A small slider whose label echoes its value: if it renders and reacts, widgets work.

    If instead you see 'Loading widget...' or text like ``IntSlider(value=3)``, the
    JupyterLab widget extension is missing or does not match: run ``make lab``.
    """
    import ipywidgets as widgets

    slider = widgets.IntSlider(value=3, min=0, max=10, description="Drag me")
    label = widgets.Label(value="value: 3 (widgets work if this follows the slider)")

    def echo(change: dict) -> None:
        label.value = f"value: {change['new']} (widgets work if this follows the slider)"

    slider.observe(echo, names="value")
    return widgets.HBox([slider, label])
