"""The one list widget the explorer uses, with vim keys and record references.

Options carry a reference in their id ("e:12" entity, "p:34" passage), so a
selection is opened without looking anything up again.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import OptionList


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
    """OptionList that never parses markup and moves with j/k too."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)

    @property
    def highlighted_ref(self) -> tuple[str, int] | None:
        option = self.highlighted_option
        return parse_ref(option.id) if option else None
