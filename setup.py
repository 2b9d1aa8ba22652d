"""Build config beyond pyproject.toml: the optional compiled aligner, key gate,
page analysis and sentence split.

``claimnotes._aligner`` (server/claimnotes/_aligner.c) speeds up aligner.align,
``claimnotes._retrieval`` (server/claimnotes/_retrieval.c) ClaimIndex's key gate,
``claimnotes._units`` (server/claimnotes/_units.c) textnorm.scan and terms.sentence_units,
and ``claimnotes._sentences`` (server/claimnotes/_sentences.c) sentences.split_sentences;
all are plain C against the CPython API (no numpy headers: arrays come through the
buffer protocol). ``optional=True``: where they cannot be compiled (no C compiler
or Python headers), the install goes on with a warning and the Python code serves,
with the same results.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("claimnotes._aligner", ["server/claimnotes/_aligner.c"], optional=True),
                   Extension("claimnotes._retrieval", ["server/claimnotes/_retrieval.c"], optional=True),
                   Extension("claimnotes._units", ["server/claimnotes/_units.c"], optional=True),
                   Extension("claimnotes._sentences", ["server/claimnotes/_sentences.c"], optional=True)])
