"""Pictures made safe: metadata (GPS) gone, upright, scaled, re-encoded; bombs and damaged files refused."""

import io

import pytest
from PIL import Image, ImageDraw

from portal.web import images
from tests.forum.pictures import GPS_IFD, MAKE, ORIENTATION, bomb, jpeg, opened, png


def test_gps_and_every_other_exif_tag_are_removed():
    original = opened(jpeg(gps=True)).getexif()
    assert GPS_IFD in original and MAKE in original  # the test photo really carries them
    done = images.process(jpeg(gps=True), "image/jpeg")
    for data in (done.full.data, done.thumb.data):
        kept = opened(data)
        assert dict(kept.getexif()) == {} and "exif" not in kept.info and "icc_profile" not in kept.info
        assert b"PhoneMaker" not in data


def test_the_camera_orientation_is_applied_to_the_pixels():
    done = images.process(jpeg((300, 200), orientation=6), "image/jpeg")  # 6: turned 90 degrees
    assert (done.full.width, done.full.height) == (200, 300)
    assert opened(done.full.data).size == (200, 300)


def test_large_pictures_are_scaled_to_1600_with_a_small_thumbnail():
    done = images.process(jpeg((4000, 3000)), "image/jpeg")
    assert (done.full.width, done.full.height) == (1600, 1200) and opened(done.full.data).size == (1600, 1200)
    assert max(done.thumb.width, done.thumb.height) == images.THUMB_SIDE


def test_small_pictures_keep_their_size_and_type():
    done = images.process(png((40, 30)), "image/png")
    assert (done.full.width, done.full.height) == (40, 30) and opened(done.full.data).format == "PNG"


@pytest.mark.parametrize("kind, fmt", [("image/webp", "WEBP"), ("image/gif", "GIF"), ("image/jpeg", "JPEG")])
def test_each_kind_is_encoded_again_as_itself(kind, fmt):
    out = io.BytesIO()
    Image.new("RGBA" if fmt != "JPEG" else "CMYK", (64, 48)).save(out, fmt)
    assert opened(images.process(out.getvalue(), kind).full.data).format == fmt


def test_an_animated_gif_keeps_its_frames_but_not_what_follows_them():
    frames = []
    for i in range(3):
        frame = Image.new("RGB", (90, 40), "white")
        ImageDraw.Draw(frame).rectangle((i * 30, 0, i * 30 + 20, 20), fill="red")
        frames.append(frame.convert("P"))
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], comment=b"secret note")
    polyglot = out.getvalue() + b"<script>alert(1)</script>"
    done = images.process(polyglot, "image/gif")
    assert opened(done.full.data).n_frames == 3
    assert b"<script>" not in done.full.data and b"secret note" not in done.full.data


def test_a_decompression_bomb_is_refused_before_decoding():
    with pytest.raises(images.ImageProblem) as refused:
        images.process(bomb(), "image/png")
    assert refused.value.reason == "too_large"


@pytest.mark.parametrize("data, kind", [(b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg"),
                                        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png"),
                                        (jpeg(), "image/png")])  # a JPEG is not read as a PNG
def test_damaged_or_mislabelled_pictures_are_refused(data, kind):
    with pytest.raises(images.ImageProblem) as refused:
        images.process(data, kind)
    assert refused.value.reason == "damaged"


def test_orientation_tag_is_checked_on_real_files():
    assert opened(jpeg(orientation=6)).getexif()[ORIENTATION] == 6
