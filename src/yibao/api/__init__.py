"""HTTP API (FastAPI). ``app.create_api`` builds it; :mod:`yibao.asgi` adds the web pages."""
