"""Uploaded pictures made safe to show: opened by Pillow within a pixel budget, turned upright, stripped of
every piece of metadata, scaled down and encoded again, with a thumbnail.

Why re-encode rather than pass the bytes on: a photo from a phone carries EXIF with the GPS position of the
installer's site (a customer's address) and often the device's serial number; a file that is a valid image
and something else too (a polyglot: a GIF that is also a script, a JPEG with an archive appended) loses the
something else when only its pixels are written out again (ASVS 5.0 5.2.2, 5.3.x; 14.2.x for the location).
Pillow decodes lazily, so the size in the header is checked before any pixel is decoded: a 20-KB PNG that
claims 50,000 x 50,000 pixels (a decompression bomb) is refused without allocating them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

MAX_PIXELS = 40_000_000      # a 48-MP phone photo is 48M: too much; 40M (e.g. 7,700 x 5,200) is plenty
MAX_FRAMES = 200             # an animated GIF's frames, each decoded: the budget counts them all
FULL_SIDE = 1600             # the longest side shown in a post
THUMB_SIDE = 480             # the longest side of the picture in the post's gallery
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}


class ImageProblem(Exception):
    """Not a picture Pillow can safely read: `reason` is "damaged" or "too_large"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Picture:
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Processed:
    full: Picture
    thumb: Picture


def process(data: bytes, content_type: str, full_side: int = FULL_SIDE, thumb_side: int = THUMB_SIDE) -> Processed:
    """The picture and its thumbnail, re-encoded in the type it came in; ImageProblem when it cannot be."""
    # Pillow's own bomb check (a warning above 89 M pixels, an error above twice that) runs in open(); ours,
    # stricter, runs right after, before any pixel is decoded. No warnings.catch_warnings here: it changes
    # process-wide state, and pictures are processed in several threads at once.
    try:
        image = Image.open(io.BytesIO(data), formats=[FORMATS[content_type]])
        frames = getattr(image, "n_frames", 1)
        if image.width * image.height * min(frames, MAX_FRAMES) > MAX_PIXELS or frames > MAX_FRAMES:
            raise ImageProblem("too_large")
        return _encode(image, content_type, full_side, thumb_side)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageProblem("too_large") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, KeyError) as exc:
        raise ImageProblem("damaged") from exc


def _encode(image: Image.Image, content_type: str, full_side: int, thumb_side: int) -> Processed:
    if content_type == "image/gif" and getattr(image, "n_frames", 1) > 1:
        frames = [_clean(frame.copy(), full_side) for frame in ImageSequence.Iterator(image)]
        full = _save(frames[0], "GIF", append_images=frames[1:], duration=image.info.get("duration", 100),
                     loop=image.info.get("loop", 0))
        thumb = _clean(frames[0].copy(), thumb_side)
        return Processed(full, _save(thumb, "GIF"))
    picture = _clean(image, full_side)
    thumb = picture.copy()
    thumb.thumbnail((thumb_side, thumb_side), Image.Resampling.LANCZOS)
    return Processed(_save(picture, FORMATS[content_type]), _save(thumb, FORMATS[content_type]))


def _clean(image: Image.Image, side: int) -> Image.Image:
    """Upright (EXIF orientation applied), no larger than `side`, with no metadata left to write out."""
    image.load()
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
    upright.thumbnail((side, side), Image.Resampling.LANCZOS)
    upright.info = {k: v for k, v in upright.info.items() if k == "transparency"}  # EXIF, XMP, ICC, comments go
    return upright


def _save(image: Image.Image, kind: str, **options: object) -> Picture:
    out = io.BytesIO()
    if kind == "JPEG":
        image = image.convert("RGB") if image.mode != "RGB" and image.mode != "L" else image
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif kind == "WEBP":
        image.save(out, "WEBP", quality=85)
    elif kind == "GIF" and options.get("append_images"):
        image.save(out, "GIF", save_all=True, optimize=False, **options)
    else:
        image.save(out, kind, optimize=True)
    return Picture(out.getvalue(), image.width, image.height)
