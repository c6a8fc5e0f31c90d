"""How the people index orders and files names, as a German reader expects.

The keys are plain lower-case text the database orders by, with an index: the same
order on SQLite and PostgreSQL whatever the database's collation, since a key of the
letters a–z and digits sorts alike in all of them.

- Umlauts as in DIN 5007-2, the German rule for lists of names: ä, ö, ü sort as ae,
  oe, ue and ß as ss ("Müller" beside "Mueller", "Gärtner" under G). Case does not
  count.
- Other accents are dropped ("Émile" as "emile"); letters without an accent to drop
  take their base letters ("Øberg" as "oberg", "Łukasz" as "lukasz").
- Spaces, hyphens and apostrophes do not count ("Harder-Nowka" as "hardernowka").
- A German nobility particle goes behind the name, as in German name lists and
  catalogues: "von Weizsäcker" files under W, "von der Leyen" under L.

A name is filed under the first letter of its key (``initial``): a–z, or ``OTHER``
for a key that begins with a digit or a letter of another script.
"""

import string
import unicodedata

# The letter bar's letters, and the bucket of names that begin with none of them.
LETTERS = string.ascii_lowercase
OTHER = "#"
KEY_LENGTH = 200

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_BASE_LETTERS = str.maketrans(
    {"æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_PARTICLES = {"von", "vom", "zu", "zum", "zur"}
_PARTICLE_FOLLOWERS = {"der", "dem", "den", "und", "zu", "zum", "zur"}


def sort_key(text):
    """``text`` as the index sorts it: "Mühlbach" → "muehlbach"."""
    text = unicodedata.normalize("NFC", text).lower().translate(_UMLAUTS).translate(_BASE_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)  # "é" → "e" and a combining accent
    return "".join(char for char in decomposed if char.isalnum())[:KEY_LENGTH]


def family_sort_key(family_name):
    """The family name's key, a leading "von", "zu", "von der" … left out."""
    words = family_name.split()
    start = 0
    if len(words) > 1 and words[0] in _PARTICLES:
        start = 1
        while start < len(words) - 1 and words[start] in _PARTICLE_FOLLOWERS:
            start += 1
    return sort_key(" ".join(words[start:]))


def initial(key):
    """The letter a key is filed under: its first letter a–z, else ``OTHER``."""
    first = key[:1]
    return first if first and first in LETTERS else OTHER


def index_keys(given_name, family_name):
    """The fields of a person's ``IndexEntry``: initial and the keys of both names."""
    family_key = family_sort_key(family_name)
    return {
        "initial": initial(family_key),
        "family_name_key": family_key,
        "given_name_key": sort_key(given_name),
    }
