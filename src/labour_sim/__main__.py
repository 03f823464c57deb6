"""``python -m labour_sim``: the command line, the same as the ``labour-sim`` script."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
