"""The English catalog is complete and compiled: a string left untranslated, marked fuzzy
(which gettext ignores) or changed without recompiling would show Chinese in the English UI."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


def entries(po: Path) -> list[tuple[str, str, list[str]]]:
    """(msgid, msgstr, flags) of every entry but the header, from a .po file."""
    result = []
    for block in po.read_text().split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        flags = [flag.strip() for line in lines if line.startswith("#,") for flag in line[2:].split(",")]
        parts: dict[str, str] = {}
        key = None
        for line in lines:
            match = re.match(r"^(msgid|msgstr|msgctxt|msgid_plural|msgstr\[\d+\]) (\".*\")$", line)
            if match:
                key = match.group(1)
                parts[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                parts[key] += ast.literal_eval(line)
        if parts.get("msgid"):
            result.append((parts["msgid"], parts.get("msgstr", parts.get("msgstr[0]", "")), flags))
    return result


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_string_is_translated_and_none_is_fuzzy(domain):
    found = entries(LOCALE / f"{domain}.po")
    assert found
    assert [msgid for msgid, msgstr, _ in found if not msgstr] == []
    assert [msgid for msgid, _, flags in found if "fuzzy" in flags] == []


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_compiled_catalog_matches_the_source(domain):
    with (LOCALE / f"{domain}.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [msgid for msgid, msgstr, _ in entries(LOCALE / f"{domain}.po") if compiled.gettext(msgid) != msgstr]
    assert stale == [], "run `make messages` (compilemessages) after editing the .po files"
