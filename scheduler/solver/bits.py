"""Sets of grid positions as Python integers (bit ``k`` set: position ``k`` is in the set).

A 20-day horizon on a 15-minute grid is about 2,000 positions, so a set is one big integer and a
union, an intersection or a shift is a single machine-level operation on it. Integer ranges are
inclusive ``(lo, hi)`` pairs, sorted and disjoint.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

Ranges = list[tuple[int, int]]


def span(lo: int, hi: int) -> int:
    """The positions ``lo..hi`` (inclusive); empty when ``hi < lo``. ``lo`` is clipped at 0."""
    lo = max(lo, 0)
    if hi < lo:
        return 0
    return ((1 << (hi - lo + 1)) - 1) << lo


def from_ranges(ranges: Iterable[tuple[int, int]]) -> int:
    mask = 0
    for lo, hi in ranges:
        mask |= span(lo, hi)
    return mask


def to_ranges(mask: int) -> Ranges:
    """The maximal runs of set bits, as inclusive ranges."""
    out: Ranges = []
    pos = 0
    while mask:
        low = (mask & -mask).bit_length() - 1
        mask >>= low
        pos += low
        run = (~mask & (mask + 1)).bit_length() - 1  # trailing ones
        out.append((pos, pos + run - 1))
        mask >>= run
        pos += run
    return out


def first(mask: int) -> int:
    """The lowest position in a non-empty set."""
    return (mask & -mask).bit_length() - 1


def last(mask: int) -> int:
    return mask.bit_length() - 1


def positions(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def count(mask: int) -> int:
    return mask.bit_count()


def spread(mask: int, left: int, right: int = 0) -> int:
    """Every position within ``left`` below or ``right`` above a position of ``mask``.

    ``spread(cells, d - 1)`` is the set of starts whose ``d``-long stay touches ``cells``.
    """
    out = mask
    reach = 0
    while reach < left:  # doubling: each step covers twice the distance
        step = min(reach + 1, left - reach)
        out |= out >> step
        reach += step
    grown = out
    reach = 0
    while reach < right:
        step = min(reach + 1, right - reach)
        grown |= grown << step
        reach += step
    return grown


def at_least(masks: list[int], k: int) -> int:
    """Positions present in at least ``k`` of ``masks`` (``k >= 1``)."""
    if k == 1:
        out = 0
        for m in masks:
            out |= m
        return out
    if k == len(masks):
        out = masks[0]
        for m in masks[1:]:
            out &= m
        return out
    levels = [-1] + [0] * k  # levels[j]: present in at least j masks so far (-1: all ones)
    for m in masks:
        for j in range(k, 0, -1):
            levels[j] |= levels[j - 1] & m
    return levels[k]


# --- Inclusive integer ranges ---------------------------------------------------------------------


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> Ranges:
    out: Ranges = []
    for lo, hi in sorted(r for r in ranges if r[0] <= r[1]):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def intersect_ranges(a: Ranges, b: Ranges) -> Ranges:
    out: Ranges = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract_ranges(a: Ranges, remove: Ranges) -> Ranges:
    """``a`` minus ``remove`` (both sorted; ``remove`` may overlap itself)."""
    out: Ranges = []
    cuts = merge_ranges(remove)
    j = 0
    for lo, hi in a:
        while j < len(cuts) and cuts[j][1] < lo:
            j += 1
        cursor = lo
        k = j
        while k < len(cuts) and cuts[k][0] <= hi:
            if cuts[k][0] > cursor:
                out.append((cursor, cuts[k][0] - 1))
            cursor = max(cursor, cuts[k][1] + 1)
            k += 1
        if cursor <= hi:
            out.append((cursor, hi))
    return out


def grid_positions(ranges: Ranges, step: int) -> int:
    """The grid positions ``k`` with ``k * step`` inside ``ranges`` (minutes), as a set."""
    mask = 0
    for lo, hi in ranges:
        k0 = -(-lo // step)
        k1 = hi // step
        if k1 >= k0:
            mask |= span(k0, k1)
    return mask
