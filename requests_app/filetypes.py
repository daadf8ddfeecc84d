"""The one path of every file a person uploads: releases, status-step and appeal
attachments, correction letters and camera photos (maps_app calls it too).

A file is judged by its content, never by its name or the type the browser claims: its
size is checked before it is read, its kind is sniffed from its first bytes, PDFs and
spreadsheets are opened far enough to refuse damaged files and decompression bombs, and
images are decoded and encoded again (which drops anything hidden after or inside them,
their EXIF and location metadata included). It is stored once, under a name made of its
SHA-256 and its kind, and served only through `file_response`: a fixed type, a name the
site chose, `nosniff`, a sandboxing CSP, and no shared caching while it is private.
"""

import csv
import hashlib
import io
import re
import struct
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from email import policy as email_policy
from email.parser import BytesParser

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KINDS = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "tiff": "image/tiff",
    "webp": "image/webp",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "eml": "message/rfc822",
}
IMAGE_KINDS = {"png", "jpeg", "tiff", "webp"}
# Shown in the browser (inside the sandbox); every other kind is downloaded.
INLINE_KINDS = {"pdf", "png", "jpeg", "webp"}
# A file kept from before uploads were checked whose content fits no kind has kind "".
UNKNOWN_TYPE = "application/octet-stream"

# A spreadsheet has a few dozen parts; thousands mean a crafted archive.
ZIP_MAX_ENTRIES = 2000
# Pixels decoded per image (one frame) and in all (every page of a TIFF scan).
IMAGE_MAX_FRAME_PIXELS = 80_000_000
IMAGE_MAX_TOTAL_PIXELS = 500_000_000
IMAGE_MAX_FRAMES = 1000  # pages of a TIFF

_EMAIL_HEADERS = {"from", "to", "subject", "date", "message-id", "received"}
_PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF", "webp": "WEBP"}


class UploadError(Exception):
    """A file that is refused; the message says why and is shown as is."""


@dataclass(frozen=True)
class Policy:
    """What one kind of upload accepts: which kinds, and the setting holding its size limit."""

    kinds: frozenset[str]
    max_bytes_setting: str
    refused: Promise  # the message for any other content

    @property
    def max_bytes(self) -> int:
        return getattr(settings, self.max_bytes_setting)


RELEASE = Policy(
    frozenset({"pdf", "png", "jpeg", "tiff", "csv", "xlsx", "eml"}),
    "RELEASE_MAX_FILE_BYTES",
    gettext_lazy(
        "This file is not a PDF, PNG, JPEG, TIFF, CSV, XLSX or e-mail (.eml) file, "
        "whatever its name says."
    ),
)
# Letters from a police service or a commissioner: status-step and appeal attachments,
# the source of a correction.
LETTER = Policy(
    frozenset({"pdf", "png", "jpeg", "tiff", "webp", "eml"}),
    "EVENT_ATTACHMENT_MAX_BYTES",
    gettext_lazy("This file is not a PDF, an image or an e-mail (.eml), whatever its name says."),
)
PHOTO = Policy(
    frozenset({"jpeg", "png", "webp"}),
    "CAMERA_PHOTO_MAX_BYTES",
    gettext_lazy("The photo must be a JPEG, PNG or WebP image."),
)


# --- What a file is -------------------------------------------------------------------------


def _text(head: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _looks_like_email(data: bytes) -> bool:
    message = BytesParser(policy=email_policy.compat32).parsebytes(data[:65536], headersonly=True)
    names = {name.lower() for name in message}
    return len(names & _EMAIL_HEADERS) >= 2 and bool(names & {"from", "received"})


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines or "\x00" in text:
        return False
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t")
        widths = {len(row) for row in csv.reader(io.StringIO("\n".join(lines)), dialect)}
    except csv.Error:
        return False
    return len(widths) == 1 and widths.pop() > 1


def zip_entry_count(data: bytes) -> int | None:
    """How many parts a ZIP archive says it has, read from its end record before
    `zipfile` parses the whole directory; None when there is no end record."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_558))
    if end < 0 or end + 22 > len(data):
        return None
    (count,) = struct.unpack_from("<H", data, end + 10)
    return count


def _is_xlsx(data: bytes) -> bool:
    count = zip_entry_count(data)
    if count is None or count > ZIP_MAX_ENTRIES:  # 0xFFFF: a ZIP64 archive, never a sheet
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, NotImplementedError):
        return False
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


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
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx" if _is_xlsx(data) else None
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


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.0f}"


# --- Checks by kind -------------------------------------------------------------------------


def pdf_pages(data: bytes) -> int:
    """The page count of a readable PDF; UploadError for a damaged one."""
    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # pypdf raises many kinds on a damaged or hostile file
        raise UploadError(
            _("This PDF is damaged and cannot be opened. Ask the police service for a new copy.")
        ) from None


def _check_xlsx(data: bytes) -> None:
    """Refuse a spreadsheet whose parts unpack to more than FILE_MAX_UNPACKED_BYTES, from
    the sizes its directory declares (extraction also stops reading at that size)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > settings.FILE_MAX_UNPACKED_BYTES:
        raise UploadError(
            _(
                "This spreadsheet unpacks to more than %(mb)s MB, too much to check. "
                "Save it again without the extra data, or send it as a PDF."
            )
            % {"mb": megabytes(settings.FILE_MAX_UNPACKED_BYTES)}
        )


def _too_many_pixels(limit: int) -> UploadError:
    return UploadError(
        _("This image has too many pixels to check (%(mp)s million at most). Send it as a PDF.")
        % {"mp": limit // 1_000_000}
    )


def _clean_image(data: bytes, kind: str, policy: Policy) -> bytes:
    """The image decoded and encoded again in its own format, without its metadata (EXIF,
    location, comments, XMP) or anything hidden after it. Every page of a TIFF is kept."""
    from PIL import Image, ImageOps, ImageSequence, TiffImagePlugin

    out = io.BytesIO()
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 million pixels; the limits below are checked instead.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[kind]])
        with image:
            frames = getattr(image, "n_frames", 1) if kind == "tiff" else 1
            if frames > IMAGE_MAX_FRAMES:
                raise UploadError(
                    _("This image has more than %(pages)s pages. Send it as a PDF.")
                    % {"pages": IMAGE_MAX_FRAMES}
                )
            width, height = image.size
            if width * height > IMAGE_MAX_FRAME_PIXELS:
                raise _too_many_pixels(IMAGE_MAX_FRAME_PIXELS)
            if width * height * frames > IMAGE_MAX_TOTAL_PIXELS:
                raise _too_many_pixels(IMAGE_MAX_TOTAL_PIXELS)
            if kind == "tiff":
                with TiffImagePlugin.AppendingTiffWriter(out) as writer:
                    for frame in ImageSequence.Iterator(image):
                        if frame.size[0] * frame.size[1] > IMAGE_MAX_FRAME_PIXELS:
                            raise _too_many_pixels(IMAGE_MAX_FRAME_PIXELS)
                        page = frame.copy()  # a plain image, without the file's tags
                        page.info = {}
                        page.save(writer, "TIFF", compression="tiff_deflate")
                        writer.newFrame()
            else:
                picture = ImageOps.exif_transpose(image)  # keep it upright once EXIF is gone
                # Nothing of the file's metadata is written again but its transparency.
                picture.info = {k: v for k, v in picture.info.items() if k == "transparency"}
                if kind == "jpeg" and picture.mode not in ("L", "RGB", "CMYK"):
                    picture = picture.convert("RGB")
                if kind == "webp" and picture.mode not in ("RGB", "RGBA"):
                    picture = picture.convert("RGBA")
                options = {"quality": 90} if kind in ("jpeg", "webp") else {}
                picture.save(out, _PILLOW_FORMATS[kind], **options)
    except UploadError:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels(IMAGE_MAX_FRAME_PIXELS) from None
    except Exception:  # Pillow raises many kinds on a damaged or disguised image
        raise UploadError(str(policy.refused)) from None
    return out.getvalue()


@dataclass(frozen=True)
class Checked:
    kind: str
    content: bytes  # what is stored: an image encoded again, other kinds as they came
    pages: int | None = None  # known for a PDF before its text is extracted


def checked(data: bytes, policy: Policy) -> Checked:
    """A file's bytes, checked for `policy`, or UploadError with the reason."""
    kind = sniff(data)
    if kind not in policy.kinds:
        raise UploadError(str(policy.refused))
    if kind == "pdf":
        return Checked(kind, data, pdf_pages(data))
    if kind == "xlsx":
        _check_xlsx(data)
    elif kind in IMAGE_KINDS:
        data = _clean_image(data, kind, policy)
    return Checked(kind, data)


def _read(upload, max_bytes: int) -> bytes:
    """The upload's bytes, its declared size checked first and its real size while reading."""
    size = upload.size or 0
    too_large = UploadError(_("The file is larger than %(mb)s MB.") % {"mb": megabytes(max_bytes)})
    if size > max_bytes:
        raise too_large
    chunks, read = [], 0
    for chunk in upload.chunks():
        read += len(chunk)
        if read > max_bytes:
            raise too_large
        chunks.append(chunk)
    if not read:
        raise UploadError(_("The file is empty."))
    return b"".join(chunks)


# --- Storing --------------------------------------------------------------------------------


def _store(model, file: Checked):
    """Store a file once, keyed by its SHA-256, under a generated name; (row, is it new).
    `model` is StoredFile, or its historical version in a data migration."""
    digest = hashlib.sha256(file.content).hexdigest()
    stored = model.objects.filter(sha256=digest).first()
    if stored is not None:
        return stored, False
    stored = model(sha256=digest, kind=file.kind, size=len(file.content), page_count=file.pages)
    name = f"{digest[:2]}/{digest}.{file.kind or 'bin'}"
    stored.file.save(name, ContentFile(file.content), save=False)
    try:
        with transaction.atomic():
            stored.save()
    except IntegrityError:  # the same file uploaded at the same moment
        stored.file.delete(save=False)
        return model.objects.get(sha256=digest), False
    return stored, True


def orphans_remove(*, older_than) -> list[str]:
    """Delete stored files no row names, written before `older_than` (a datetime): the file
    of an upload whose transaction rolled back, or whose process died before it committed,
    is written before its row commits. Younger files may be an upload still in progress."""
    from .models import StoredFile

    field = StoredFile._meta.get_field("file")
    storage = field.storage
    kept = set(StoredFile.objects.values_list("file", flat=True))
    removed = []
    folders = [field.upload_to.rstrip("/")]
    while folders:
        folder = folders.pop()
        try:
            subfolders, names = storage.listdir(folder)
        except FileNotFoundError:
            continue
        folders += [f"{folder}/{sub}" for sub in subfolders]
        for name in (f"{folder}/{name}" for name in names):
            if name not in kept and storage.get_modified_time(name) < older_than:
                storage.delete(name)
                removed.append(name)
    return removed


def accept(upload, policy: Policy):
    """The one way a person's file is accepted: checked (see the module's docstring) and
    stored once. Returns (StoredFile, whether it is new); raises UploadError. Call inside
    a transaction."""
    from .models import StoredFile

    return _store(StoredFile, checked(_read(upload, policy.max_bytes), policy))


def adopt(model, name: str, policy: Policy):
    """For data migrations: a file stored before uploads came through here, checked and
    stored as a new upload would be (images encoded again), and its row. A file that fails
    the checks keeps its bytes under kind "", so it is only ever downloaded as UNKNOWN_TYPE;
    a file already gone keeps its name (serving it answers 404). The old file stays where
    it was."""
    storage = model._meta.get_field("file").storage
    try:
        with storage.open(name, "rb") as handle:
            data = handle.read()
    except OSError:
        marker = hashlib.sha256(f"missing file {name}".encode()).hexdigest()
        return model.objects.get_or_create(
            sha256=marker, defaults={"kind": "", "size": 0, "file": name}
        )[0]
    try:
        file = checked(data, policy)
    except UploadError:
        file = Checked("", data)
    return _store(model, file)[0]


# --- Serving --------------------------------------------------------------------------------


def file_response(stored, *, name: str, public: bool) -> FileResponse:
    """A stored file as the site serves it: the type of its sniffed kind, a name the site
    chose (`name` plus the kind's extension), never run by the browser, and kept out of
    shared caches while it is private."""
    try:
        handle = stored.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=KINDS.get(stored.kind, UNKNOWN_TYPE),
        as_attachment=stored.kind not in INLINE_KINDS,
        filename=f"{name}.{stored.kind or 'bin'}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
