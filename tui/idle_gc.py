"""Full garbage collections while the analyst pauses, not while they type.

A Textual app holds 100k+ objects and a full pass of the cyclic collector walks
them all: 100-250 ms on a slow two-core host. Python starts one whenever enough
objects have survived, which in the explorer means mid-word. So what exists
after the first paint (modules, classes, the main screen) is frozen out of the
walk, automatic full passes are off, and one runs when no key has come for a
moment, or anyway once many are due so memory stays bounded. Young objects are
still collected as usual: those passes cost a millisecond or two.
"""

from __future__ import annotations

import gc
import time

IDLE = 1.0  # seconds without input before a due full collection runs
DUE = 10  # young (generation 1) passes since the last full one: Python's own trigger
OVERDUE = 50  # collect even while keys keep coming
NEVER = 1 << 30


class IdleCollector:
    def __init__(self) -> None:
        self.last_input = time.monotonic()
        self._saved: tuple[int, int, int] | None = None

    @property
    def running(self) -> bool:
        return self._saved is not None

    def start(self) -> None:
        """Freeze what exists now and switch automatic full collections off."""
        if self._saved is not None:
            return
        self._saved = gc.get_threshold()
        gc.freeze()  # no collection first: in a test run that alone costs 100 ms an app
        young, middle, _ = self._saved
        gc.set_threshold(young, middle, NEVER)

    def touch(self) -> None:
        """A key or click came: not a moment to pause."""
        self.last_input = time.monotonic()

    def tick(self) -> bool:
        """Run a full collection if one is due and the user is idle (or it is overdue)."""
        if self._saved is None:
            return False
        due = gc.get_count()[2]
        idle = time.monotonic() - self.last_input >= IDLE
        if due >= OVERDUE or (due >= DUE and idle):
            gc.collect()
            return True
        return False

    def stop(self) -> None:
        """Give the process its collector back as it was (tests run many apps in one)."""
        if self._saved is None:
            return
        gc.set_threshold(*self._saved)
        gc.unfreeze()
        self._saved = None
