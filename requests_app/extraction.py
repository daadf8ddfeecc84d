"""Text and page counts from released files, for search and for citing pages.

Released files come from outside and may be hostile, so every reader here is bounded
(docs/reliability.md): a deadline checked between pages and parts, at most
EXTRACTION_MAX_PAGES pages and EXTRACTION_MAX_CHARS characters kept, PDF streams and
spreadsheet parts unpacked only up to a limit, and no XML with a DTD. The task that calls
`extract` also has Celery time limits, which stop a single step that runs too long.
"""

import io
import logging
import time
import zipfile
from email import policy
from email.parser import BytesParser
from xml.etree import ElementTree

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from .filetypes import IMAGE_KINDS

logger = logging.getLogger(__name__)

# One PDF stream is unpacked to at most this many bytes, and parsed into at most this many
# tokens (about two seconds of work): a page past either is skipped, not the whole file.
PDF_STREAM_MAX_BYTES = 10_000_000
PDF_STREAM_MAX_TOKENS = 1_000_000
_XLSX = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class ExtractionError(Exception):
    """The text could not be extracted; the message is recorded on the file."""


class ExtractionTimeout(ExtractionError):
    pass


def _timeout(seconds: float) -> ExtractionTimeout:
    return ExtractionTimeout(
        f"Text extraction stopped after {seconds:.0f} seconds: the file is too complex to "
        "search. It is kept and can still be opened."
    )


class _Clock:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise _timeout(self.seconds)


def _pdf(data: bytes, clock: _Clock) -> tuple[str, int, list[str]]:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import PyPdfError

    limits = dict.fromkeys(
        (
            "zlib_maximum_output_length",
            "lzw_maximum_output_length",
            "run_length_maximum_output_length",
            "brotli_maximum_output_length",
            "array_based_stream_maximum_output_length",
        ),
        PDF_STREAM_MAX_BYTES,
    )
    with apply_configuration(stream_parsing_work_maximum_count=PDF_STREAM_MAX_TOKENS, **limits):
        try:
            reader = PdfReader(io.BytesIO(data))
            count = len(reader.pages)
        except (PyPdfError, ValueError, KeyError, TypeError, RecursionError) as error:
            raise ExtractionError(f"The PDF could not be read: {error}") from error
        pages, skipped, chars = [], [], 0
        for index in range(min(count, settings.EXTRACTION_MAX_PAGES)):
            clock.check()
            try:
                text = reader.pages[index].extract_text() or ""
            except SoftTimeLimitExceeded:
                raise
            except Exception:  # a page past the limits, or one pypdf cannot parse
                logger.info("page %s of a PDF skipped", index + 1, exc_info=True)
                skipped.append(str(index + 1))
                text = ""
            pages.append(text)
            chars += len(text)
            if chars >= settings.EXTRACTION_MAX_CHARS:
                break
    notes = []
    if skipped and len(skipped) == count:
        raise ExtractionError("No page of this PDF could be read: each is too large or damaged.")
    if skipped:
        notes.append(f"Page(s) {', '.join(skipped)} could not be read (too large or damaged).")
    if len(pages) < count:
        notes.append(f"Only the first {len(pages)} of {count} pages are searchable.")
    # A form feed between pages keeps page boundaries for later citation.
    return "\f".join(pages), count, notes


def _eml(data: bytes) -> str:
    message = BytesParser(policy=policy.default).parsebytes(data)
    parts = [
        f"{name}: {message[name]}" for name in ("From", "To", "Date", "Subject") if message[name]
    ]
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        parts.append(body.get_content())
    return "\n".join(parts)


def _xlsx(data: bytes, clock: _Clock) -> str:
    """The shared strings (text cells), read at most FILE_MAX_UNPACKED_BYTES far, whatever
    sizes the archive declares."""
    limit = settings.FILE_MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/sharedStrings.xml" not in archive.namelist():
                return ""
            with archive.open("xl/sharedStrings.xml") as part:
                xml = part.read(limit + 1)
    except (zipfile.BadZipFile, ValueError, NotImplementedError, OSError) as error:
        raise ExtractionError(f"The spreadsheet could not be read: {error}") from error
    if len(xml) > limit:
        raise ExtractionError(
            f"The spreadsheet's text unpacks to more than {limit // 1_000_000} MB; "
            "it was not extracted."
        )
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:  # entity expansion is never in a real sheet
        raise ExtractionError("The spreadsheet declares XML entities; it was not extracted.")
    strings, chars = [], 0
    try:
        for number, (_event, element) in enumerate(ElementTree.iterparse(io.BytesIO(xml))):
            if number % 10_000 == 0:
                clock.check()
            if element.tag == f"{_XLSX}si":
                text = "".join(t.text or "" for t in element.iter(f"{_XLSX}t"))
                strings.append(text)
                chars += len(text)
                element.clear()
                if chars >= settings.EXTRACTION_MAX_CHARS:
                    break
    except ElementTree.ParseError as error:
        raise ExtractionError(f"The spreadsheet could not be read: {error}") from error
    return "\n".join(strings)


def _extract(kind: str, data: bytes, clock: _Clock) -> tuple[str, int | None, list[str]]:
    if kind == "pdf":
        text, pages, notes = _pdf(data, clock)
        if not text.strip() and not notes:
            notes.append("The PDF has no text layer (a scan?); OCR is not done.")
        return text, pages, notes
    if kind in IMAGE_KINDS:
        return "", 1, ["Images have no text to search: OCR is not done."]
    if kind == "csv":
        return data.decode("utf-8-sig", errors="replace"), None, []
    if kind == "eml":
        try:
            return _eml(data), None, []
        except Exception as error:  # the e-mail parser raises many kinds on a broken message
            raise ExtractionError(f"The e-mail could not be read: {error}") from error
    if kind == "xlsx":
        return _xlsx(data, clock), None, ["Only the spreadsheet's text cells are searchable."]
    raise ExtractionError(f"No extractor for {kind or 'unknown'} files.")


def extract(kind: str, data: bytes, *, seconds: float) -> tuple[str, int | None, str]:
    """(text, page count, note) for a file of a known kind, within `seconds` and the
    limits above; raises ExtractionError (ExtractionTimeout when time ran out)."""
    clock = _Clock(seconds)
    try:
        text, pages, notes = _extract(kind, data, clock)
    except SoftTimeLimitExceeded:  # the task's own limit, in a step too long to check
        raise _timeout(seconds) from None
    text = text.replace("\x00", "")
    if len(text) > settings.EXTRACTION_MAX_CHARS:
        text = text[: settings.EXTRACTION_MAX_CHARS]
        notes.append(f"Only the first {settings.EXTRACTION_MAX_CHARS:,} characters are searchable.")
    return text, pages, " ".join(notes)
