"""Errors shown to users: each names the file, sheet, row and column, and says what to fix."""
from __future__ import annotations

from dataclasses import dataclass

from .privacy import scrub


@dataclass
class Location:
    """Where something is in the raw input. Rows are 1-based as in Excel; columns are letters."""

    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def describe(self) -> str:
        parts = [f"file {self.file}"] if self.file else []
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


class InputError(Exception):
    """Raw input that cannot be used at all. The CLI prints it and exits with code 2."""

    exit_code = 2

    def __init__(self, message: str, location: Location | None = None, fix: str = "", lang: str = "en"):
        self.message = message
        self.location = location or Location()
        self.fix = fix
        self.lang = lang   # of the 'What to do' line: the command line's own messages follow --lang
        super().__init__(self.__str__())

    def __str__(self) -> str:
        from .vocab.messages import say

        where = self.location.describe()
        text = f"{where}: {self.message}" if where else self.message
        return scrub(f"{text}\n{say('what_to_do', self.lang, fix=self.fix)}" if self.fix else text)  # a second line of defence

