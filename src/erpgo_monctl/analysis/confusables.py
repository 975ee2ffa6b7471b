"""Names compared as a reader sees them: `on-call` and `on‐call` (U+2010) are one name.

A full Unicode confusables table (UTS #39) is large; the skeleton here is NFKC, case kept,
plus the look-alikes that occur in names people type or paste: dash and hyphen variants,
quotes, spaces of every width, and the Cyrillic and Greek letters drawn like Latin ones.
Invisible and direction-changing characters (Unicode category Cf, bidi controls) are refused
outright by the spec types, so they never reach a comparison.
"""

from __future__ import annotations

import unicodedata

_FOLD = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u00ad", "-"),
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\uff07", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\uff02", '"'),
        **dict.fromkeys("\u00a0\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B))), " "),
        # Cyrillic and Greek letters drawn like Latin ones
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
        "ѕ": "s", "ԁ": "d", "ɡ": "g", "һ": "h", "ԛ": "q", "ԝ": "w",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
        "Т": "T", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
        "ο": "o", "α": "a", "ν": "v", "ι": "i", "κ": "k", "ρ": "p", "τ": "t", "υ": "u",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
        "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    }
)  # fmt: skip


def skeleton(name: str) -> str:
    """The form two names share when they look the same."""
    return unicodedata.normalize("NFKC", name).translate(_FOLD)


def invisible(name: str) -> str | None:
    """The first invisible or direction-changing character of `name` (category Cf or Cc), or None."""
    for char in name:
        if unicodedata.category(char) in ("Cf", "Cc"):
            return char
    return None
