"""Development helpers that need this repository's checkout: not part of the installed ``ctr-enrichment``.

``dynalite`` starts the local DynamoDB-compatible server from ``node_modules``, ``fault_proxy`` delays or breaks
its connections, and ``demo`` is ``make demo``. The tests, the benchmark and the demo import them from the
checkout (the repository root on ``sys.path``).
"""
