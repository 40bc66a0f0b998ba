"""The one list widget the explorer uses, with vim keys and record references.

Options carry a reference in their id ("e:12" entity, "p:34" passage), so a
selection is opened without looking anything up again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

# A row laid out for the list's width: (option id, width -> prompt). No id: a note.
Row = tuple[str | None, Callable[[int], Content]]
FALLBACK_WIDTH = 40  # before the first layout; the resize that follows lays rows out again
TALL = 30  # lines a list shows from which its rows may take more of them


def ref(kind: str, record_id: int) -> str:
    return f"{kind[0]}:{record_id}"


def parse_ref(option_id: str | None) -> tuple[str, int] | None:
    if not option_id or ":" not in option_id:
        return None
    tag, _, rest = option_id.partition(":")
    kind = {"e": "entity", "p": "passage"}.get(tag)
    try:
        return (kind, int(rest.split(":")[0])) if kind else None
    except ValueError:
        return None


class CaseList(OptionList):
    """OptionList that never parses markup and moves with j/k too.

    Rows given with `set_rows` / `add_rows` are laid out for the list's width
    (one-line names, snippets cut to two lines) and again whenever it changes.
    """

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self._renders: list[Callable[[int], Content]] = []
        self._laid_out_at = (0, 0)  # (width, height) the rows were laid out for

    @property
    def row_width(self) -> int:
        """Cells a prompt may use: the scrollbar's gutter is kept (scrollbar-gutter: stable)."""
        return self.scrollable_content_region.width or FALLBACK_WIDTH

    @property
    def tall(self) -> bool:
        """Room for longer rows (three lines of a snippet, not two)."""
        return self.scrollable_content_region.height >= TALL

    def set_rows(self, rows: Iterable[Row]) -> None:
        rows = list(rows)
        self._laid_out_at = (self.row_width, self.scrollable_content_region.height)
        self.set_options(self._options_for(rows, self.row_width))
        self._renders = [render for _, render in rows]

    def add_rows(self, rows: Iterable[Row]) -> None:
        rows = list(rows)
        self.add_options(self._options_for(rows, self._laid_out_at[0] or self.row_width))
        self._renders += [render for _, render in rows]

    def set_options(self, options):  # type: ignore[no-untyped-def]
        self._renders = []  # plain options: nothing to lay out again
        return super().set_options(options)

    def show_note(self, note: Callable[[int], Content]) -> None:
        """A line that is not a record (`No match for ...`): never highlighted or opened."""
        self.set_rows([(None, note)])

    @property
    def is_note(self) -> bool:
        return self.option_count == 1 and self.get_option_at_index(0).disabled

    @staticmethod
    def _options_for(rows: list[Row], width: int) -> list[Option]:
        return [Option(render(width), id=oid, disabled=oid is None) for oid, render in rows]

    def on_resize(self, event: events.Resize) -> None:
        width = self.row_width
        size = (width, self.scrollable_content_region.height)
        if size == self._laid_out_at or not self._renders:
            return
        self._laid_out_at = size
        for index, render in enumerate(self._renders[: self.option_count]):
            self.replace_option_prompt_at_index(index, render(width))
        self.scroll_to_highlight()

    @property
    def highlighted_ref(self) -> tuple[str, int] | None:
        option = self.highlighted_option
        return parse_ref(option.id) if option else None
