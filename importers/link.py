"""Links between entities that a passage puts together, with that passage as evidence."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import combinations

MAX_PER_PASSAGE = 20  # entities per passage that get pairwise links (the first ones named)


def co_mentions(
    passage_entities: Iterable[tuple[int, list[int]]],
) -> Iterator[tuple[int, int, str, int]]:
    """(a, b, 'co-mentioned', passage) for each pair of distinct entities in a passage.

    `passage_entities` gives each passage's id and its entity ids in reading
    order. A passage naming more than MAX_PER_PASSAGE entities (a list, a
    table) links only the first ones, to keep one passage from making hundreds
    of weak links.
    """
    for passage_id, entity_ids in passage_entities:
        distinct = list(dict.fromkeys(entity_ids))[:MAX_PER_PASSAGE]
        for a, b in combinations(distinct, 2):
            if a != b:
                yield (min(a, b), max(a, b), "co-mentioned", passage_id)
