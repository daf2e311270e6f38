"""Arabic stop words: the stopwords-iso list, normalised like tokens, plus news function words."""
from __future__ import annotations

from functools import lru_cache

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
    import stopwordsiso

    norm = Normalizer(steps)
    return frozenset(norm(w) for w in (*stopwordsiso.stopwords("ar"), *_EXTRA))
