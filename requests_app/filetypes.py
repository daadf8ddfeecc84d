"""What kind of file an upload is, judged from its content, never from its name."""

import csv
import io
import re
import unicodedata
import zipfile
from email import policy
from email.parser import BytesParser

KINDS = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "tiff": "image/tiff",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "eml": "message/rfc822",
}
IMAGE_KINDS = {"png", "jpeg", "tiff"}
_EMAIL_HEADERS = {"from", "to", "subject", "date", "message-id", "received"}


def _text(head: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _looks_like_email(data: bytes) -> bool:
    message = BytesParser(policy=policy.compat32).parsebytes(data[:65536], headersonly=True)
    names = {name.lower() for name in message}
    return len(names & _EMAIL_HEADERS) >= 2 and bool(names & {"from", "received"})


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines or "\x00" in text:
        return False
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t")
    except csv.Error:
        return False
    widths = {len(row) for row in csv.reader(io.StringIO("\n".join(lines)), dialect)}
    return len(widths) == 1 and widths.pop() > 1


def sniff(data: bytes) -> str | None:
    """The kind of a file (a key of KINDS), or None when it is none we accept."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        return "xlsx" if "[Content_Types].xml" in names and "xl/workbook.xml" in names else None
    text = _text(data[:65536])
    if text is None:
        return None
    if _looks_like_email(data):
        return "eml"
    if _looks_like_csv(text):
        return "csv"
    return None


def safe_name(name: str) -> str:
    """The original name kept as data: no folders, no control characters, at most 200 chars."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    name = re.sub(r"\s+", " ", name)
    return name[:200] or "file"
