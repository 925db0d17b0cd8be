"""One module per intent: read the slots, call the rules (never stored prose), fill a Reply.

Each module's ``handle`` gets the Reply, the policy view (the region's, or the national one when
the question names no region) and the slots. A rule that raises because a figure is not recorded
for the region is reported as such, and the rest of the answer still stands.
``yibao.qa.answers.registry.HANDLERS`` maps each intent to its handler; the helpers the
handlers share live in ``yibao.qa.answers.common``.
"""
