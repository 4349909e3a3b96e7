"""Reading the small text files administrators bring: CSV saved by Excel, typed by hand, or
piped into a command."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def decode_upload(data: bytes) -> str | None:
    """UTF-8 (with or without BOM), else GB18030, which is what Excel saves "CSV" as on Chinese
    Windows. None when it is neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def read_command_input(file: str) -> bytes:
    """The bytes of `file`, or of standard input for `-`, for a management command."""
    if file == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(file).read_bytes()
    except OSError as exc:
        raise CommandError(_("无法读取文件%(file)s：%(error)s") % {"file": file, "error": exc.strerror}) from None
