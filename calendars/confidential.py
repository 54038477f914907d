"""Confidentiality rules shared by invitations and feeds.

- An adverse party is never named in anything the engine writes to a calendar: if a title typed
  by staff happens to contain an adverse party's name, the name is replaced.
- A matter is named only to people allowed to see it: its own client, and attorneys who are not
  screened from it (the ethical wall).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scheduler.domain import Language, Matter

_OTHER_PARTY = {Language.EN: "the other party", Language.ES: "la otra parte"}


def redact(text: str, names: Iterable[str], language: Language = Language.EN) -> str:
    """``text`` with every occurrence of each name (any case) replaced by a neutral phrase."""
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 3}, key=len, reverse=True):
        text = re.sub(re.escape(name), _OTHER_PARTY[language], text, flags=re.IGNORECASE)
    return text


def adverse_names(matter: Matter | None) -> list[str]:
    return [p.name for p in matter.adverse_parties] if matter is not None else []


def matter_visible_to_attorney(matter: Matter | None, attorney_id: str) -> bool:
    return matter is not None and not matter.is_screened(attorney_id)


def matter_visible_to_client(matter: Matter | None, client_id: str) -> bool:
    return matter is not None and matter.client_id == client_id
