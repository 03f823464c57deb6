"""What a source may be: a reference a reader can follow to where a number comes from.

A ``[sources]`` entry (in a scenario or an observation file) is one of

* a URL (``https://...``);
* the file name of one of the project's source articles (``003_7d0c...txt``, optionally
  ``seed:`` before it);
* a citation of a document that has no address, such as a municipality's own project plan:
  at least three words and a year (``"Guldborgsund Kommune, projektbeskrivelse Job i
  naerheden, 2024"``), so that a reader can ask for it.

A number's own ``source`` field names a ``[sources]`` key, a URL or an article's file name;
a citation goes in ``[sources]`` under a key, so that a mistyped key is not taken for one.
"""

from __future__ import annotations

import re

__all__ = ["CITED_BY_SOURCE", "SOURCE_ENTRY", "is_reference", "is_source_entry"]

_URL = re.compile(r"^https?://\S+$")
_ARTICLE = re.compile(r"^(seed:)?\d{3}_[0-9a-f]{16}\.txt$")
_CITATION = re.compile(r"^(?=.*\b(1[89]|20)\d\d\b)\S+(\s+\S+){2,}$")

#: What a ``[sources]`` entry is, in an error message.
SOURCE_ENTRY = (
    "a URL, a source article's file name, or a citation of a document with its year "
    "(at least three words: 'Guldborgsund Kommune, projektbeskrivelse, 2024')"
)
#: What a number's ``source`` field is, in an error message.
CITED_BY_SOURCE = "a key of [sources], a URL or a source article's file name"


def is_reference(ref: str) -> bool:
    """Whether ``ref`` may stand in a ``source`` field itself: a URL or an article's name."""
    return bool(_URL.match(ref) or _ARTICLE.match(ref))


def is_source_entry(ref: str) -> bool:
    """Whether ``ref`` may be a ``[sources]`` entry: a reference, or a dated citation."""
    return is_reference(ref) or bool(_CITATION.match(ref.strip()))
