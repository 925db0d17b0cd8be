"""Entry point: import every command module so it registers on the shared app."""

from yibao.cli import account, ask, batch, check, policy, serve, settle  # noqa: F401
from yibao.cli.app import app

__all__ = ["app"]

if __name__ == "__main__":  # pragma: no cover
    app()
