"""Small real documents for upload tests, built in memory."""

import io
import struct
import zipfile
import zlib


def pdf(pages: list[str]) -> bytes:
    """A valid PDF with one line of text per page (Helvetica), readable by pypdf."""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        None,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for text in pages:
        content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(f"<< /Length {len(content)} >>\nstream\n{content.decode()}\nendstream")
        stream_number = len(objects)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {stream_number} 0 R >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def image(kind: str = "PNG", size=(4, 3), **options) -> bytes:
    """A small real image in a Pillow format (PNG, JPEG, WEBP, TIFF); `options` go to save()."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 40)).save(out, kind, **options)
    return out.getvalue()


PNG = image("PNG")

CSV = b"camera,location,vendor\n1,King St W,Genetec\n2,Queen St E,Genetec\n"

EML = (
    b"From: FOI Office <foi@police.example>\r\nTo: volunteer@example.org\r\n"
    b"Subject: Your request 26-001\r\nDate: Mon, 16 Nov 2026 10:00:00 -0500\r\n\r\n"
    b"Please find attached the ALPR retention schedule: hits 365 days.\r\n"
)


def xlsx(strings: list[str]) -> bytes:
    shared = "".join(f"<si><t>{s}</t></si>" for s in strings)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"{shared}</sst>",
        )
    return out.getvalue()


def jpeg_with_secrets() -> bytes:
    """A real JPEG carrying what must not survive an upload: EXIF with a GPS position, a
    comment holding a script, and HTML after the end of the image."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010E] = "Alice's driveway"  # ImageDescription
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (43.0, 39.0, 1.5), 3: "W", 4: (79.0, 23.0, 0.0)})
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (1, 2, 3)).save(
        out, "JPEG", exif=exif, comment=b"<script>alert(1)</script>"
    )
    return out.getvalue() + b"<html><script>alert(2)</script></html>"


def pdf_stream_bomb(pages: int, unpacked: int) -> bytes:
    """A small valid PDF whose pages all draw one compressed stream that unpacks to
    `unpacked` bytes of text operators."""
    op = b"BT /F1 12 Tf 72 720 Td (ab) Tj ET\n"
    stream = zlib.compress(op * (unpacked // len(op)), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, written once the pages are numbered
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    kids = []
    for _page in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def xlsx_bomb(unpacked: int) -> bytes:
    """A spreadsheet whose shared strings unpack to `unpacked` bytes (a few KB on disk per MB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        body = b"<si><t>" + b"A" * (unpacked - 100) + b"</t></si>"
        archive.writestr(
            "xl/sharedStrings.xml",
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + body
            + b"</sst>",
        )
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )
