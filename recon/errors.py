"""The exception hierarchy.

InputError and its subclasses reject one input file (the run goes on); ConfigError stops the run
(exit 2). Discrepancies in the data are never exceptions: checks return Finding values.
"""
from __future__ import annotations

MAX_VALUE_SHOWN = 200   # characters of a rejected value shown in a message (a line may be megabytes)


class ReconError(Exception):
    """Base of every error recon raises on purpose."""


class InputError(ReconError):
    """One input file cannot be read; it is rejected and the run continues.

    Rendered as ``path:line: message`` then indented ``value:``, ``rule:``, ``hint:`` lines.
    """

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        page: int | None = None,
        value: str | None = None,
        rule: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.page = page
        self.value = value
        self.rule = rule
        self.hint = hint

    def __str__(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where += f":{self.line}"
        if self.page is not None:
            where += f" (page {self.page})"
        head = f"{where}: {self.message}" if where else self.message
        parts = [head]
        if self.value is not None:
            shown = self.value if len(self.value) <= MAX_VALUE_SHOWN else self.value[:MAX_VALUE_SHOWN] + "..."
            parts.append(f"  value: {shown!r}" + (f" ({len(self.value):,} characters)" if shown is not self.value else ""))
        if self.rule:
            parts.append(f"  rule: {self.rule}")
        if self.hint:
            parts.append(f"  hint: {self.hint}")
        return "\n".join(parts)


class UnknownFormat(InputError):
    """No importer recognises the file."""


class AmbiguousFormat(InputError):
    """More than one importer claims the file."""


class ParseError(InputError):
    """The file is of a known kind but its content is malformed."""


class MissingField(InputError):
    """A required field is absent."""


class ConfigError(ReconError):
    """A user or author configuration mistake (recon.toml, a profile): stop, exit 2."""

    def __init__(self, message: str, path: str | None = None, key: str | None = None,
                 line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.key = key
        self.line = line

    def __str__(self) -> str:
        where = self.path or "config"
        if self.line is not None:
            where += f":{self.line}"
        key = f" [{self.key}]" if self.key else ""
        return f"{where}:{key} {self.message}"
