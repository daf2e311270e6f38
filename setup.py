"""The compiled parts of arnews.

Two kinds, both optional: where there is no C compiler (or no Cython) the install still
succeeds and every module below runs as the plain Python it is written in.

- CYTHON: plain Python modules that Cython compiles as they are (pure-Python mode). The
  .py file is the one source; compiling only makes it faster.
- C: loops written in C alone, with no Python twin.

After editing a module listed here in a source checkout, rebuild in place:
    python setup.py build_ext --inplace -q
(tests/test_compiled.py fails while a compiled module is older than its source).
"""
from setuptools import Extension, setup

CYTHON: list[str] = [
    "arnews/entities/features.py",  # the NER feature assembly (training and tagging)
    "arnews/entities/viterbi.py",  # the NER row table
]

C = [
    Extension("arnews.entities._ctagger", ["arnews/entities/_ctagger.c"], optional=True),
    Extension("arnews._ctokenize", ["arnews/_ctokenize.c"], optional=True),
    Extension("arnews.morphology._cmorph", ["arnews/morphology/_cmorph.c"], optional=True),
]


def cython_extensions() -> list[Extension]:
    if not CYTHON:
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:  # pip installs Cython for the build (pyproject.toml); a bare setup.py may not have it
        return []
    exts = cythonize(CYTHON, language_level=3, quiet=True,
                     compiler_directives={"binding": True, "embedsignature": True})
    for ext in exts:
        ext.optional = True
    return exts


setup(ext_modules=C + cython_extensions())
