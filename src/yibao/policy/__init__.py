"""The law as data: regions, the parameter catalogue, dated and cited packs, and the resolver.

Modules: ``regions`` (GB/T 2260 registry), ``schema`` (kinds, sources, versions, packs),
``loader`` (YAML with exact decimals), ``resolve`` (region × parameter × date → value),
``check`` (validate all packs). Import from the modules themselves.
"""
