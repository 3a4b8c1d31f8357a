"""``python -m ctr_enrichment_tools replay ...``, the same as the ``ctr-enrichment`` console script."""

from __future__ import annotations

import sys

from ctr_enrichment_tools.cli import main

sys.exit(main())
