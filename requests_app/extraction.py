"""Text and page counts from released files, for search and for citing pages."""

import csv
import io
import zipfile
from email import policy
from email.parser import BytesParser
from xml.etree import ElementTree

from .filetypes import IMAGE_KINDS


class ExtractionError(Exception):
    pass


def _pdf(data: bytes) -> tuple[str, int]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise ExtractionError(f"The PDF could not be read: {error}") from error
    # A form feed between pages keeps page boundaries for later citation.
    return "\f".join(pages), len(pages)


def pdf_check(data: bytes) -> int:
    """The page count of a readable PDF; raises ExtractionError for a damaged one."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise ExtractionError(str(error)) from error


def _csv(data: bytes) -> str:
    text = data.decode("utf-8-sig", errors="replace")
    return "\n".join(" ".join(row) for row in csv.reader(io.StringIO(text)))


def _eml(data: bytes) -> str:
    message = BytesParser(policy=policy.default).parsebytes(data)
    parts = [
        f"{name}: {message[name]}" for name in ("From", "To", "Date", "Subject") if message[name]
    ]
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        parts.append(body.get_content())
    return "\n".join(parts)


def _xlsx(data: bytes) -> str:
    namespace = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/sharedStrings.xml" not in archive.namelist():
                return ""
            root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
    except (zipfile.BadZipFile, ElementTree.ParseError) as error:
        raise ExtractionError(f"The spreadsheet could not be read: {error}") from error
    return "\n".join("".join(t.text or "" for t in si.iter(f"{namespace}t")) for si in root)


def extract(kind: str, data: bytes) -> tuple[str, int | None, str]:
    """(text, page count, note) for a file of a known kind; raises ExtractionError."""
    if kind == "pdf":
        text, pages = _pdf(data)
        note = "" if text.strip() else "The PDF has no text layer (a scan?); OCR is not done."
        return text, pages, note
    if kind in IMAGE_KINDS:
        return "", 1, "Images are kept as they are: OCR is not done, so there is no text to search."
    if kind == "csv":
        return _csv(data), None, ""
    if kind == "eml":
        return _eml(data), None, ""
    if kind == "xlsx":
        return _xlsx(data), None, "Only the spreadsheet's text cells are searchable."
    raise ExtractionError(f"No extractor for {kind} files.")
