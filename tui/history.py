"""Back/forward history of visited records, like a browser's.

Plain Python (no Textual) so it is tested on its own. A new visit drops the
forward entries; each entry remembers where the analyst was inside the record
(focused pane and highlighted row) so going back restores the view.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

MAX_ENTRIES = 256


@dataclass(frozen=True, slots=True)
class Visit:
    kind: str  # "entity" | "passage"
    id: int
    pane: str | None = None  # id of the focused pane when we left
    row: int | None = None  # highlighted row in that pane


class History:
    def __init__(self, maxlen: int = MAX_ENTRIES) -> None:
        self._entries: deque[Visit] = deque(maxlen=maxlen)
        self._index = -1

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def index(self) -> int:
        return self._index

    @property
    def current(self) -> Visit | None:
        return self._entries[self._index] if self._index >= 0 else None

    def visit(self, visit: Visit) -> None:
        """Record a new visit: forward entries are dropped, a repeat is not stored twice."""
        while len(self._entries) > self._index + 1:
            self._entries.pop()
        cur = self.current
        if cur and (cur.kind, cur.id) == (visit.kind, visit.id):
            self._entries[self._index] = visit
            return
        self._entries.append(visit)
        self._index = len(self._entries) - 1

    def remember(self, pane: str | None, row: int | None) -> None:
        """Update where we are within the current record, before leaving it."""
        if self._index >= 0:
            self._entries[self._index] = replace(self._entries[self._index], pane=pane, row=row)

    def can_go_back(self) -> bool:
        return self._index > 0

    def can_go_forward(self) -> bool:
        return self._index < len(self._entries) - 1

    def back(self) -> Visit | None:
        if not self.can_go_back():
            return None
        self._index -= 1
        return self._entries[self._index]

    def forward(self) -> Visit | None:
        if not self.can_go_forward():
            return None
        self._index += 1
        return self._entries[self._index]
