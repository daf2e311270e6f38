"""Arabic stop words: the stopwords-iso list, normalised like tokens, plus news function words.

The stopwords-iso Arabic list (MIT) ships as data/stopwords_ar.txt: importing stopwordsiso loads
every language's list (7 MB in each batch worker, for 480 words). Regenerate it with
``python -m arnews.stopwords`` (stopwordsiso installed).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .normalize import DEFAULT_STEPS, Normalizer

# Words stopwords-iso lacks that carry no topic in news prose (particles, auxiliaries,
# and the clitic-attached forms that simple word tokenisation leaves whole).
_EXTRA = """
في من على إلى عن مع أن إن كان كانت يكون تكون التي الذي الذين اللذين اللتين هذا هذه ذلك تلك هؤلاء
وفي ومن وعلى وإلى وعن ومع وأن وإن وكان وكانت والتي والذي وهذا وهذه وذلك وقد ولا ولم ولن وما وهو وهي
كما قد لم لن لا ما ثم أو أم بل حتى إذا إذ لقد فقد وقد بعد قبل عند بين حيث خلال أي كل بعض غير سوى
منذ لدى نحو حول ضد عبر لكن لكنه ولكن أيضا أيضاً فيه فيها منه منها عليه عليها إليه إليها به بها له لها لهم
هو هي هم هن نحن أنا أنت أنتم يتم تم وتم ليس ليست عام جدا إلا الا ان او وان بأن لأن كأن بان لان
""".split()


@lru_cache(maxsize=8)
def stopwords(steps: tuple[str, ...] = DEFAULT_STEPS) -> frozenset[str]:
    """Stop words normalised with `steps`, so they match Token.norm."""
    norm = Normalizer(steps)
    return frozenset(norm(w) for w in (*_iso_list(), *_EXTRA))


ISO_LIST = Path(__file__).resolve().parent / "data" / "stopwords_ar.txt"


def _iso_list() -> list[str]:
    return ISO_LIST.read_text(encoding="utf-8").split()


if __name__ == "__main__":
    import stopwordsiso

    ISO_LIST.write_text("\n".join(sorted(stopwordsiso.stopwords("ar"))) + "\n", encoding="utf-8")
