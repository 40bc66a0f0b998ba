"""A Static laid out for its own width: headers that must fit, not wrap anywhere."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.content import Content
from textual.css.scalar import Unit
from textual.widgets import Static

Layout = Callable[[int, int], Content]  # (width, rows) -> content
NO_LIMIT = 1000


class Fitted(Static):
    """`show(layout)` renders `layout(width, rows)` now and again on every resize.

    `rows` is the height the stylesheet allows (`max-height` in cells, less the
    border and padding), so a layout can say "+N more" instead of being cut off.
    """

    def __init__(self, content: Content, *, id: str | None = None) -> None:
        super().__init__(content, id=id, markup=False)
        self._layout: Layout | None = None
        self._laid_out_for: tuple[int, int] | None = None

    @property
    def rows(self) -> int:
        limit = self.styles.max_height
        if limit is None or limit.unit != Unit.CELLS:
            return NO_LIMIT
        return max(1, int(limit.value) - self.styles.gutter.height)

    def show(self, layout: Layout | Content) -> None:
        if isinstance(layout, Content):
            self._layout, self._laid_out_for = None, None
            self.update(layout)
            return
        self._layout = layout
        self._laid_out_for = None
        self._lay_out()

    def _lay_out(self) -> None:
        if self._layout is None:
            return
        size = (self.size.width or 60, self.rows)
        if size != self._laid_out_for:
            self._laid_out_for = size
            self.update(self._layout(*size))

    def on_resize(self, event: events.Resize) -> None:
        self._lay_out()
