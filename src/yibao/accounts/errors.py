"""Errors of the accounts layer: every one names the field it is about, in Chinese."""

from __future__ import annotations


class AccountError(ValueError):
    """An operation was refused; nothing was written. ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}：{message}")


class NotFound(AccountError):
    """The person, account or settlement named does not exist."""


class NotOwner(AccountError):
    """A hospital asked for a settlement that is not its own (or does not exist)."""
