"""``python -m bench.linkage [--quick]``: the linkage benchmark alone (``python -m bench --only
linkage``); its results cannot be rendered beside another run's."""

import sys

from bench.__main__ import main

sys.exit(main(["--only", "linkage", *sys.argv[1:]]))
