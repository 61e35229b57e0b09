"""`python -m pipelines ...`: see pipelines/cli.py."""

import sys
import warnings

# Dagster marks the single-run backfill policy as beta; the warning says nothing to a user of the CLI.
warnings.filterwarnings("ignore", message=".*is currently in beta.*")

from pipelines.cli import main  # noqa: E402

sys.exit(main())
