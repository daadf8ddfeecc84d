"""Small real documents for upload tests, built in memory."""

import io
import zipfile


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
