"""``python tests/cli_launcher.py ARGS``: the real ``python -m tracker ARGS`` at the tests' cheap
key-derivation cost.

It replaces keyfile's DEFAULT_KDF and KDF_FLOOR in this child process, as the ``cheap_kdf``
fixture does in-process, then runs tracker's own ``__main__`` (argv, exit code, stdout and
stderr are the program's). Production code is unchanged, and nothing in the environment or
settings lowers the cost: only this test file does. tests/cli_support.py says which tests still
run ``python -m tracker`` unmodified, at the production cost.
"""

import os
import runpy
import sys

from support import CHEAP_KDF  # found through sys.path[0], this file's folder

from tracker.store import keyfile

# As under ``python -m``, the working directory comes first on the path, not tests/.
sys.path[0] = os.getcwd()
keyfile.DEFAULT_KDF = keyfile.KDF_FLOOR = CHEAP_KDF
runpy.run_module("tracker", run_name="__main__", alter_sys=True)
