"""`?`: every key, generated from the bindings themselves so it cannot drift."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer

from casework.tui.widgets.fitted import Fitted

# Keys that belong to Textual's own widgets (lists, inputs), described by hand.
LIST_KEYS = [
    ("↑ ↓  j k", "move in a list (in the search box: move in the results)"),
    ("pgup pgdn  home end", "move by a page / to the ends"),
    ("enter", "open the highlighted result, link or passage"),
    ("tab  shift+tab", "next / previous pane"),
    ("ctrl+p", "command palette: open entity, go to source, filter by kind, theme"),
]


COVERED = {"casework.open"}  # bindings LIST_KEYS already describes ("enter")


def key_label(binding: Binding) -> str:
    if binding.key_display:
        return binding.key_display
    return "  ".join(k.strip().replace("question_mark", "?") for k in binding.key.split(","))


def binding_rows() -> list[tuple[str, list[tuple[str, str]]]]:
    from casework.tui.app import CaseworkApp
    from casework.tui.screens.document import DocumentScreen
    from casework.tui.screens.explorer import ExplorerScreen

    groups: list[tuple[str, list[tuple[str, str]]]] = [("Lists and panes", LIST_KEYS)]
    for title, bindings in (
        ("Explorer", ExplorerScreen.BINDINGS),
        ("Document view", DocumentScreen.BINDINGS),
        ("Everywhere", CaseworkApp.BINDINGS),
    ):
        rows: dict[str, str] = {}
        for b in bindings:
            if isinstance(b, Binding) and b.description and b.id not in COVERED:
                label = key_label(b)
                rows[b.description] = (
                    rows[b.description] + "  " + label if b.description in rows else label
                )
        groups.append((title, [(keys, desc) for desc, keys in rows.items()]))
    return groups


KEY_COLUMN = 24  # "  " and the keys, padded: descriptions start here


def help_content(width: int | None = None) -> Content:
    """Every key by group; with a `width`, a description that wraps stays in its column."""
    lines: list[Content] = []
    for title, rows in binding_rows():
        lines.append(Content.styled(title, "bold underline"))
        for keys, desc in rows:
            key = Content.styled(f"  {keys:<{KEY_COLUMN - 2}}", "bold")
            if width is None or width - KEY_COLUMN < 16:
                lines.append(key + Content(desc))
                continue
            wrapped = Content(desc).wrap(width - KEY_COLUMN)
            lines.append(key + wrapped[0])
            lines += [Content(" " * KEY_COLUMN) + more for more in wrapped[1:]]
        lines.append(Content(""))
    lines.append(Content.styled("escape or ? closes this help", "dim"))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding(
            "escape,question_mark,q",
            "dismiss",
            "Close help",
            key_display="esc",
            id="casework.help.close",
        ),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Fitted(help_content())
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#help").border_title = "Keys"
        self.query_one(Fitted).show(lambda width, _rows: help_content(width))
