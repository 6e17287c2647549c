"""Errors shown to users: each names the file, sheet, row and column, and says what to fix."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from .privacy import scrub


@dataclass
class Location:
    """Where something is in the raw input. Rows are 1-based as in Excel; columns are letters."""

    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def describe(self, lang: str = "en") -> str:
        """'file X, sheet 'Y', row 3, column D' ('berkas X, lembar 'Y', baris 3, kolom D' in Indonesian)."""
        from .vocab.messages import say

        parts = [say("where_file", lang, file=self.file)] if self.file else []
        if self.sheet:
            parts.append(say("where_sheet", lang, sheet=self.sheet))
        if self.row is not None:
            parts.append(say("where_row", lang, row=self.row))
        if self.column:
            parts.append(say("where_column", lang, column=self.column))
        return ", ".join(parts)

    def to_dict(self) -> dict:
        """The parts that are set (as a stored input error keeps them)."""
        return {k: v for k, v in asdict(self).items() if v not in ("", None)}


class InputError(Exception):
    """Raw input that cannot be used at all. The CLI prints it and exits with code 2.

    Made from a template (``from_key``: vocab/input_errors.csv), it is rendered in the language it
    is shown in (``render(lang)``); ``str()`` gives it in ``lang`` (English unless given). An error
    made from a text already in its language (``message``, ``fix``) shows that text.
    """

    exit_code = 2

    def __init__(self, message: str = "", location: Location | None = None, fix: str = "", lang: str = "en",
                 *, key: str = "", params: dict | None = None):
        self.key = key
        self.params = dict(params or {})
        self.location = location or Location()
        self.lang = lang   # of str(): the command line's own messages follow --lang
        self.message, self.fix = self.text("en") if key else (message, fix)
        super().__init__(self.__str__())

    @classmethod
    def from_key(cls, key: str, location: Location | None = None, **params) -> "InputError":
        """The input error of the template ``key`` (vocab/input_errors.csv) at ``location``."""
        return cls(location=location, key=key, params=params)

    @classmethod
    def from_dict(cls, stored: dict) -> "InputError":
        """An input error from ``to_dict``."""
        return cls(stored.get("message", ""), Location(**stored.get("location", {})), stored.get("fix", ""),
                   key=stored.get("key", ""), params=stored.get("params", {}))

    @classmethod
    def from_stored(cls, code: str, params: str, message: str = "") -> "InputError":
        """An input error from the ``code`` and ``params`` columns of input_errors.csv (``message`` when no code)."""
        if not code:
            return cls(message)
        values = json.loads(params) if params else {}
        location = values.pop("location", {})
        return cls(location=Location(**location), key=code, params=values)

    def to_dict(self) -> dict:
        """The error as data (JSON): its template key and parameters, or its text when it has no key."""
        text = {"key": self.key, "params": self.params} if self.key else {"message": self.message, "fix": self.fix}
        return {**text, "location": self.location.to_dict()}

    def stored_params(self) -> dict:
        """The ``params`` of input_errors.csv: the template's parameters and the location."""
        return {**self.params, "location": self.location.to_dict()}

    def text(self, lang: str) -> tuple[str, str]:
        """The message and what to do, in ``lang``."""
        if not self.key:
            return self.message, self.fix
        from .vocab.input_errors import error_text

        return error_text(self.key, self.params, lang)

    def render(self, lang: str = "en") -> str:
        """'<where>: <message>' and the 'What to do' line, in ``lang``."""
        from .vocab.messages import say

        message, fix = self.text(lang)
        where = self.location.describe(lang)
        text = f"{where}: {message}" if where else message
        return scrub(f"{text}\n{say('what_to_do', lang, fix=fix)}" if fix else text)  # a second line of defence

    def __str__(self) -> str:
        return self.render(self.lang)
