from casework.tui.history import History, Visit


def test_back_and_forward_walk_the_visits() -> None:
    h = History()
    for i in (1, 2, 3):
        h.visit(Visit("entity", i))
    assert h.back() == Visit("entity", 2)
    assert h.back() == Visit("entity", 1)
    assert h.back() is None
    assert h.forward() == Visit("entity", 2)


def test_a_new_visit_drops_the_forward_entries() -> None:
    h = History()
    for i in (1, 2, 3):
        h.visit(Visit("entity", i))
    h.back()
    h.back()
    h.visit(Visit("passage", 9))
    assert not h.can_go_forward()
    assert h.back() == Visit("entity", 1)


def test_remember_keeps_the_pane_and_row_for_going_back() -> None:
    h = History()
    h.visit(Visit("entity", 1))
    h.remember("links", 3)
    h.visit(Visit("entity", 2))
    assert h.back() == Visit("entity", 1, "links", 3)


def test_visiting_the_same_record_twice_is_one_entry() -> None:
    h = History()
    h.visit(Visit("entity", 1))
    h.visit(Visit("entity", 1))
    assert len(h) == 1


def test_history_is_bounded() -> None:
    h = History(maxlen=5)
    for i in range(20):
        h.visit(Visit("entity", i))
    assert len(h) == 5
    assert h.current == Visit("entity", 19)
