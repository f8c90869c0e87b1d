"""Turning an article's bytes into a Document: decoding, then HTML, Markdown or plain text.

Every failure raises LoadError with a message a person understands; the runner records it as an
EX finding and carries on with the other articles. Problems that still leave a readable article
(bytes that are not valid UTF-8) travel with the Document and become findings of their own.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from pipeline.config import Config
from pipeline.errors import LoadError
from pipeline.extract.document import ExtractedDocument, Problem, RawPage, extract, from_markdown, from_text
from pipeline.ingest.read import RawInput, read_input
from pipeline.ingest.sources import Source

MARKDOWN_SUFFIXES = {".md", ".markdown"}
TEXT_SUFFIXES = {".txt", ".text"}


@dataclass
class Decoded:
    text: str
    encoding: str
    problems: list[Problem]


# File signatures of formats people save by mistake where an article should be.
_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (perhaps a Word or OpenDocument file)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"RIFF", "a media file"),
    (b"\x7fELF", "a program"),
]
_BOMS = [
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _known(encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return codecs.lookup(encoding.strip().strip("\"'")).name
    except LookupError:
        return None


def declared_in_markup(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (`<meta charset>` or the http-equiv form)."""
    m = _META_CHARSET.search(data[:4096])
    return _known(m.group(1).decode("ascii", "replace")) if m else None


def decode(data: bytes, source: str, declared: str | None = None) -> Decoded:
    """Bytes to text: byte-order mark, then the HTTP header, then the page's own `<meta charset>`,
    then UTF-8, then charset-normalizer's detection.

    A page that says it is UTF-8 but holds invalid bytes is still read (the bad bytes become
    U+FFFD) and the Decoded carries an EX004 problem saying how many bytes were replaced.
    """
    if not data.strip():
        raise LoadError(f"{source} is empty: there is no article to audit.")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise LoadError(f"{source} is {kind}, not an HTML, Markdown or text article.")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(encoding, errors="replace"), encoding, [])
    if b"\x00" in data[:4096]:
        raise LoadError(f"{source} is a binary file, not an HTML, Markdown or text article.")
    claimed = _known(declared) or declared_in_markup(data)
    for encoding in filter(None, [claimed, "utf-8"]):
        try:
            return Decoded(data.decode(encoding), encoding, [])
        except (UnicodeDecodeError, LookupError):
            continue
    multibyte = len(_UTF8_MULTIBYTE.findall(data))
    if claimed == "utf-8" and multibyte == 0 and _looks_windows_1252(data):
        # The commonest charset mistake: a page saved from a Windows editor, labelled UTF-8.
        return Decoded(
            data.decode("cp1252"),
            "cp1252",
            [
                Problem(
                    "EX004",
                    f"{source} says it is UTF-8 but is written in Windows-1252 (its curly quotes and dashes "
                    "are not UTF-8); it was read as Windows-1252, so correct the page's charset declaration.",
                )
            ],
        )
    if claimed == "utf-8" or (claimed is None and multibyte >= 1):
        # UTF-8 with some damaged bytes: read it as UTF-8 and say how much was replaced.
        repaired = data.decode("utf-8", errors="replace")
        bad = repaired.count("\ufffd") - data.count("\ufffd".encode())
        said = "says it is UTF-8" if claimed == "utf-8" else "looks like UTF-8"
        plural = "s are" if bad != 1 else " is"
        return Decoded(
            repaired,
            "utf-8",
            [
                Problem(
                    "EX004",
                    f"{source} {said}, but {bad} byte sequence{plural} not valid UTF-8; they were "
                    "replaced with '\ufffd', so some characters in the scored text may be wrong.",
                )
            ],
        )
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or not best.encoding:
        raise LoadError(f"{source} is not valid UTF-8 and its character encoding could not be detected.")
    return Decoded(str(best), best.encoding, [])


def _looks_windows_1252(data: bytes) -> bool:
    """High bytes that are Windows-1252 punctuation (0x80-0x9F: curly quotes, dashes) and all defined."""
    high = {b for b in data if b >= 0x80}
    return bool(high & set(range(0x80, 0xA0))) and not high & {0x81, 0x8D, 0x8F, 0x90, 0x9D}








def extract_input(source: Source, raw: RawInput, config: Config) -> ExtractedDocument:
    """The Document in the bytes; raises LoadError when they hold no readable article."""
    decoded = decode(raw.data, source.location, raw.charset)
    doc = _extract(source.location, decoded.text, raw.suffix, raw.content_type, raw.url, config)
    doc.problems = decoded.problems + doc.problems
    return doc


def load(source: Source, config: Config) -> ExtractedDocument:
    """The Document for one source (file or URL); raises LoadError when there is none."""
    return extract_input(source, read_input(source, config), config)


def _extract(
    source: str, text: str, suffix: str, content_type: str | None, url: str | None, config: Config
) -> ExtractedDocument:
    kind = (content_type or "").split(";")[0].strip().lower()
    if suffix in MARKDOWN_SUFFIXES or kind in ("text/markdown", "text/x-markdown"):
        return from_markdown(source, text, config.extraction)
    if suffix in TEXT_SUFFIXES or kind == "text/plain":
        return from_text(source, text)
    return extract(RawPage(source=source, html=text, url=url), config.extraction)
