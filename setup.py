"""The compiled parts of arnews.

Two kinds:

- CYTHON: plain Python modules that Cython compiles as they are (pure-Python mode). The
  .py file is the one source; compiling only makes it faster, so it is optional: without
  Cython or a C compiler they run as the plain Python they are written in.
- C: loops written in C alone, with no Python twin (the NER tagger's emission sums and
  Viterbi: the loops where C buys most). Required: installing arnews needs
  a C compiler.

After editing a module listed here in a source checkout, rebuild in place:
    python setup.py build_ext --inplace -q
(tests/test_compiled.py fails while a compiled module is older than its source).
"""
from setuptools import Extension, setup

CYTHON: list[str] = [
    "arnews/tokenize.py",  # the tokens stage's chunk loop
    "arnews/morphology/lean.py",  # the prefix/stem/suffix combination of every new word
    "arnews/morphology/backend.py",  # the in-context choice, per word of running text
    "arnews/entities/features.py",  # the NER feature assembly (training and tagging)
    "arnews/entities/viterbi.py",  # the NER row table
]

C = [
    Extension("arnews.entities._ctagger", ["arnews/entities/_ctagger.c"]),
]


def cython_extensions() -> list[Extension]:
    if not CYTHON:
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:  # pip installs Cython for the build (pyproject.toml); a bare setup.py may not have it
        return []
    # (build_dir: the generated .c files go under build/, not beside the sources in the package)
    exts = cythonize(CYTHON, language_level=3, quiet=True, build_dir="build/cython",
                     compiler_directives={"binding": True, "embedsignature": True})
    for ext in exts:
        ext.optional = True
    return exts


setup(ext_modules=C + cython_extensions())
