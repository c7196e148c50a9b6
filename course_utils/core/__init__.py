"""What every lecture shares.

Modules
-------
plotting     the course style (applied explicitly), palette, ``get_ax``, ``save_figure``
widgets      ``LiveFigure`` and the widget contract (``setup`` -> artists, ``update``, ``Readout``)
controls     ``int_slider``, ``float_slider``, ``log_slider``, ``dropdown``, ``checkbox``; ``snap_value``
             (a float slider's value without the browser's residue, for results cached per position)
png          the widget picture's PNG writer (ours, and Pillow's to compare)
sweep        ``sweep_widget``, ``sweep_values``: every control through its range (tests)
blit         redraw only the artists that changed (used by ``LiveFigure``)
background   ``Prefetcher``: compute slider positions ahead in a background thread
exercises    ``Exercise`` and the ``compare_*`` checkers (with ``traps``; ``compare_function`` for coding exercises) behind every ``check_*()``
validation   the input checks of every lecture: ``check_int``, ``check_float``, ``as_finite_array``, ...
formatting   ``format_mean_spread``: a mean with its uncertainty
describe     ``describe_figure``, ``set_description``: a figure's text alternative (the site's alt text)
frames       ``render_frames``: a live figure's main slider rendered at each position (the site's sliders)
timing       ``median_time``, ``time_call``, ``peak_allocated_bytes``
"""
from .background import (
    Prefetcher,
    blas_pinned,
    nearest_first,
)
from .blit import (
    Blitter,
)
from .controls import snap_value
from .describe import (
    describe_figure,
    set_description,
)
from .exercises import (
    NO_ANSWER_HINT,
    Checker,
    Exercise,
    compare_array,
    compare_choice,
    compare_function,
    compare_value,
)
from .formatting import (
    format_mean_spread,
)
from .plotting import (
    COLORS,
    DIVERGING_CMAP,
    FIGURES_DIR,
    PALETTE,
    SEQUENTIAL_CMAP,
    STYLE,
    course_style,
    draw_palette,
    figure_palette,
    get_ax,
    save_figure,
    use_course_style,
)
from .timing import (
    median_time,
    peak_allocated_bytes,
    time_call,
)
from .validation import (
    NotAnIntegerError,
    as_finite_array,
    check_bool,
    check_choice,
    check_float,
    check_instance,
    check_int,
    check_probability,
    check_rng,
    freeze,
)
from .widgets import (
    LiveFigure,
    Readout,
    Setup,
    Sweep,
    Update,
    artists_of,
    checkbox,
    dropdown,
    encode_png,
    encode_png_pillow,
    float_slider,
    initial_values,
    int_slider,
    live_figure,
    log_slider,
    sweep_values,
    sweep_widget,
)
