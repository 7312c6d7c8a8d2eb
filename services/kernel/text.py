"""Text folding, so that "València", "VALENCIA" and "valencia" compare equal."""

from __future__ import annotations

import unicodedata

__all__ = ["fold_text"]

# Letters that NFKD does not split into base letter + accent but that people type without it:
# NFKD turns "Łódź" into "Łodz", this table makes it "lodz". Applied after casefold.
_EXTRA_FOLDS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "\u0131": "i",  # dotless i (Turkish)
    }
)


def fold_text(text: str) -> str:
    """Lower-cases and strips accents: "València" and "VALENCIA" both become "valencia"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_EXTRA_FOLDS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))
