"""yibao: China's basic medical insurance (医保) as code.

Layers, lowest first (a layer imports only the ones below it):
``policy`` → ``rules`` → ``settlement`` → ``accounts`` → ``qa`` → ``cli``/``api``/``web``.
"""

__version__ = "0.1.0"
