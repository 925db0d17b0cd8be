"""Settlement: a claim → the national platform's ``setlinfo`` with a step-by-step trace.

``engine.settle`` is the pure scalar reference; ``batch`` settles Arrow tables vectorised.
"""
