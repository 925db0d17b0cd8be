"""The law as functions: pure ``(facts, policy view) → Decision`` rules.

No I/O, no clock: the date is a fact. Every number a rule uses is read through ``Cited`` so that
the Decision's ``basis`` lists the pack entries and their sources.
"""
