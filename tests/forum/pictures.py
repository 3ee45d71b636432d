"""Files for the forum upload tests, made with Pillow here (nothing binary in the repository)."""

import io

from PIL import Image

GPS_IFD, ORIENTATION, MAKE = 0x8825, 0x0112, 0x010F
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def jpeg(size=(300, 200), *, gps: bool = False, orientation: int | None = None, colour=(200, 40, 40)) -> bytes:
    """A JPEG photo, optionally with a GPS position (a customer's site) and a camera orientation tag."""
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (10, 120, 200, 255)).save(out, "PNG")
    return out.getvalue()


def bomb() -> bytes:
    """A small PNG that claims 30,000 x 30,000 pixels (900 M): a decompression bomb."""
    out = io.BytesIO()
    Image.new("1", (30_000, 30_000)).save(out, "PNG")
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))
