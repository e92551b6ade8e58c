"""``python -m signalrnn``: the same commands as the ``signalrnn`` script."""

import sys

from signalrnn.cli import main

sys.exit(main())
