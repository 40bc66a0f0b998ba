"""The explorer's collector: full passes wait for a pause, and the process gets its own back."""

from __future__ import annotations

import gc
import time

from casework.tui import idle_gc
from casework.tui.idle_gc import IdleCollector


def make_young_passes(n: int) -> None:
    for _ in range(n):
        gc.collect(1)


def test_full_passes_wait_for_a_pause_and_the_collector_is_restored(monkeypatch) -> None:
    before = gc.get_threshold()
    collector = IdleCollector()
    collector.start()
    try:
        assert gc.get_threshold()[2] == idle_gc.NEVER
        assert gc.get_freeze_count() > 0
        make_young_passes(idle_gc.DUE)
        collector.touch()
        assert collector.tick() is False  # keys just came: not now
        assert gc.get_count()[2] >= idle_gc.DUE
        later = time.monotonic() + 60
        monkeypatch.setattr(idle_gc.time, "monotonic", lambda: later)
        assert collector.tick() is True  # idle and due
        assert gc.get_count()[2] == 0
        assert collector.tick() is False  # nothing due any more
    finally:
        collector.stop()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_an_overdue_pass_runs_even_while_keys_keep_coming() -> None:
    collector = IdleCollector()
    collector.start()
    try:
        make_young_passes(idle_gc.OVERDUE)
        collector.touch()
        assert collector.tick() is True
    finally:
        collector.stop()


async def test_the_app_hands_the_collector_back_when_it_quits(demo_db) -> None:
    from tui_helpers import make_app

    before = gc.get_threshold()
    app = make_app(demo_db)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.collector.running
        assert gc.get_threshold()[2] == idle_gc.NEVER
    assert not app.collector.running
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
