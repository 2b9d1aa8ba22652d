"""Build config beyond pyproject.toml: the optional compiled aligner.

``claimnotes._aligner`` (server/claimnotes/_aligner.c, plain C against the CPython
API) speeds up aligner.align. ``optional=True``: where it cannot be compiled (no C
compiler or Python headers), the install goes on with a warning and the pure-Python
aligner serves, with the same results.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("claimnotes._aligner", ["server/claimnotes/_aligner.c"], optional=True)])
