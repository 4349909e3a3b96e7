"""Attachments of a case (scans, photos, documents): what a file is, told from its first bytes
and never from its name, and the write that stores it.

Allowed: PDF, JPEG, PNG, GIF, WebP, Word and Excel (docx/xlsx: a zip holding
`[Content_Types].xml` and the `word/` or `xl/` part, without macros; doc/xls: the OLE compound
file header). Everything else, executables, scripts, HTML and other zips included, is refused."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NAME_MAX = 200


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str


PDF = FileType("application/pdf", ".pdf")
JPEG = FileType("image/jpeg", ".jpg")
PNG = FileType("image/png", ".png")
GIF = FileType("image/gif", ".gif")
WEBP = FileType("image/webp", ".webp")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
DOC = FileType("application/msword", ".doc")
XLS = FileType("application/vnd.ms-excel", ".xls")


def max_bytes() -> int:
    return int(getattr(settings, "COMPLAINT_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _office_zip(file: IO[bytes]) -> FileType | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names or any(name.lower().endswith("vbaproject.bin") for name in names):
        return None
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def sniff(file: IO[bytes], name: str = "") -> FileType | None:
    """The type of an uploaded file from its content, or None when it is not allowed. The name
    only tells a legacy Word file from a legacy Excel one (both are OLE compound files)."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    found: FileType | None = None
    if head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif head.startswith((b"GIF87a", b"GIF89a")):
        found = GIF
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        found = WEBP
    elif head.startswith(OLE_HEADER):
        found = XLS if PurePath(name).suffix.lower() in {".xls", ".et"} else DOC
    elif head.startswith(b"PK\x03\x04"):
        found = _office_zip(file)
        file.seek(0)
    return found


def display_file_name(name: str) -> str:
    """The name shown for a file: its last path part, without control characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(char for char in base if char.isprintable()).strip()
    if len(base) > NAME_MAX:
        suffix = PurePath(base).suffix[:10]
        base = base[: NAME_MAX - len(suffix)] + suffix
    return base or "file"


def check_upload(file: UploadedFile) -> FileType:
    """Size and type of an upload; a ValidationError on `file` otherwise."""
    size = file.size or 0
    if size <= 0:
        raise ValidationError({"file": [ValidationError(_("文件为空。"), code="empty")]})
    limit = max_bytes()
    if size > limit:
        raise ValidationError(
            {
                "file": [
                    ValidationError(
                        _("文件超过 %(mb)s MB 的上限。") % {"mb": f"{limit / 1024 / 1024:g}"}, code="attachment_size"
                    )
                ]
            }
        )
    found = sniff(file, file.name or "")
    if found is None:
        raise ValidationError(
            {
                "file": [
                    ValidationError(
                        _("不支持的文件类型：只接受 PDF、JPEG、PNG、GIF、WebP 图片和 Word、Excel 文件。"),
                        code="attachment_type",
                    )
                ]
            }
        )
    return found
