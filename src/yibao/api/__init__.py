"""HTTP API (FastAPI) and the Chinese web UI. ``create_app`` builds the application."""
