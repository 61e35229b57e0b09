"""`python -m pipelines ...`: see pipelines/cli.py."""

import sys

from pipelines.cli import main

sys.exit(main())
