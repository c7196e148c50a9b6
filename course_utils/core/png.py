"""PNG bytes of a figure's pixels for a widget picture: our own fast writer, and Pillow's."""
from __future__ import annotations

import io
import struct
import zlib
from typing import Callable

import numpy as np


def _deflate_isal(data, level: int) -> bytes:
    from isal import isal_zlib

    return isal_zlib.compress(data, min(level, isal_zlib.ISAL_BEST_COMPRESSION))


def _deflate_zlib(data, level: int) -> bytes:
    return zlib.compress(data, level)


def _default_deflate() -> str:
    try:
        import isal.isal_zlib  # noqa: F401
    except ImportError:        # a platform without an isal wheel: the standard library's zlib
        return "zlib"
    return "isal"


#: the zlib-stream writers :func:`encode_png` can use; ``"isal"`` (Intel's ISA-L, the ``isal``
#: package) when it is installed, else ``"zlib"`` (the standard library); both give a valid zlib stream
DEFLATE: dict[str, Callable[..., bytes]] = {"isal": _deflate_isal, "zlib": _deflate_zlib}
#: what :func:`encode_png` uses when not told (``"isal"`` if importable)
DEFAULT_DEFLATE = _default_deflate()


def _rgb_bytes(rgba: np.ndarray) -> bytes:
    """The RGB bytes of an (H, W, 4) image, the fourth byte of each pixel dropped: Pillow maps the
    buffer (its own RGB layout is RGBX) and packs it to RGB in one pass in C, about 0.9 ms for
    1440 x 412 pixels, where numpy's strided copy ``rgba[..., :3]`` takes about 7 ms."""
    from PIL import Image

    h, w, _ = rgba.shape
    return Image.frombuffer("RGB", (w, h), np.ascontiguousarray(rgba), "raw", "RGBX", 0, 1).tobytes("raw", "RGB")


def encode_png(rgba: np.ndarray, level: int = 1, deflate: str | None = None) -> bytes:
    """PNG bytes of an image, fast: no row filters, deflate ``level`` 1.

    rgba : array of uint8, shape (H, W, 4) (or (H, W, 3))
        Stored as RGB when every pixel is opaque (the usual figure), else as RGBA.
    deflate : {"isal", "zlib"}, optional
        Who compresses (:data:`DEFLATE`); :data:`DEFAULT_DEFLATE` when not given.

    What :class:`LiveFigure` sends. Measured on the lecture widgets' figures
    (``benchmarks/bench_png.py``: every widget, side by side): ISA-L's level 1 compresses to about
    the size of zlib's level 1 about 7x faster (1.2 ms against 9 ms on 1440 x 412 pixels), and the
    alpha channel is dropped by Pillow's unpacker (:func:`_rgb_bytes`); Pillow's own PNG writer
    (:func:`encode_png_pillow`) tries adaptive row filters, which cost more than they save on a
    figure. Any PNG reader decodes it.
    """
    rgba = np.asarray(rgba)
    if rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[2] not in (3, 4):
        raise ValueError(f"expected a uint8 image of shape (H, W, 3) or (H, W, 4), got {rgba.dtype} {rgba.shape}")
    deflate = DEFAULT_DEFLATE if deflate is None else deflate
    if deflate not in DEFLATE:
        raise ValueError(f"deflate must be one of {sorted(DEFLATE)}, got {deflate!r}")
    h, w, channels = rgba.shape
    if channels == 4 and rgba[..., 3].min() == 255:
        pixels, channels = np.frombuffer(_rgb_bytes(rgba), np.uint8).reshape(h, 3 * w), 3
    else:
        pixels = rgba.reshape(h, w * channels)
    rows = np.empty((h, 1 + w * channels), np.uint8)
    rows[:, 0] = 0                                        # first byte of each row: filter type 0
    rows[:, 1:] = pixels                                  # whole rows: a contiguous copy

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", w, h, 8, 2 if channels == 3 else 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", DEFLATE[deflate](rows, level))
            + chunk(b"IEND", b""))


def encode_png_pillow(rgba: np.ndarray, level: int = 1) -> bytes:
    """PNG bytes of an image, written by Pillow at zlib ``level`` (the comparison for :func:`encode_png`;
    ``LiveFigure.png_encoder = "pillow"`` or COURSE_UTILS_PNG=pillow to send it).

    rgba : array of uint8, shape (H, W, 4) (or (H, W, 3))
        Stored as RGB when every pixel is opaque (the usual figure), else as RGBA.
    """
    from PIL import Image

    rgba = np.asarray(rgba)
    if rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[2] not in (3, 4):
        raise ValueError(f"expected a uint8 image of shape (H, W, 3) or (H, W, 4), got {rgba.dtype} {rgba.shape}")
    rgba = np.ascontiguousarray(rgba)
    h, w, channels = rgba.shape
    if channels == 4 and rgba[..., 3].min() == 255:   # opaque: unpacked straight to RGB (one pass in C)
        image = Image.frombytes("RGB", (w, h), rgba, "raw", "RGBX")
    else:
        image = Image.fromarray(rgba)
    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=level)
    return buf.getvalue()


#: the PNG writers LiveFigure can use (``LiveFigure.png_encoder``, or COURSE_UTILS_PNG in the environment)
PNG_ENCODERS: dict[str, Callable[[np.ndarray], bytes]] = {"pillow": encode_png_pillow, "own": encode_png}
