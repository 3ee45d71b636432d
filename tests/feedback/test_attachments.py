"""Attachments: the type comes from the first bytes and must agree with the extension."""

import pytest

from portal.feedback.attachments import UploadProblem, check_upload, clean_filename, sniff
from tests.feedback.files import GIF, JPEG, PDF, PNG, TEXT, WEBP


@pytest.mark.parametrize(("data", "expected"), [(PNG, "image/png"), (PDF, "application/pdf"), (GIF, "image/gif"),
                                                (WEBP, "image/webp"), (JPEG, "image/jpeg"), (TEXT, None),
                                                (b"RIFF\x00\x00\x00\x00WAVE", None), (b"", None)])
def test_sniffing_reads_the_content(data, expected):
    assert sniff(data) == expected


def test_real_files_with_their_own_extensions_pass():
    assert check_upload("схема.png", PNG).content_type == "image/png"
    assert check_upload("Счёт.PDF", PDF).content_type == "application/pdf"
    assert check_upload("фото.jpeg", JPEG).content_type == "image/jpeg"


@pytest.mark.parametrize(("name", "data", "key"), [
    ("scan.png", PDF, "feedback.error.file_mismatch"),     # a PDF dressed as a picture
    ("photo.jpg", TEXT, "feedback.error.file_mismatch"),   # a text renamed
    ("report.pdf", PNG, "feedback.error.file_mismatch"),
    ("page.html", b"<html>", "feedback.error.file_type"),
    ("drawing.svg", b"<svg/>", "feedback.error.file_type"),
    ("noext", PNG, "feedback.error.file_type"),
    ("empty.png", b"", "feedback.error.file_empty"),
])
def test_files_that_are_not_what_they_say_are_refused(name, data, key):
    with pytest.raises(UploadProblem) as caught:
        check_upload(name, data)
    assert caught.value.key == key and caught.value.values["name"] == name


def test_file_names_lose_folders_and_control_characters():
    assert clean_filename("C:\\Users\\anna\\фото 1.png") == "фото 1.png"
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("a\r\nb\x00.png") == "a b .png"  # NUL becomes a space, as in every one-line field
    assert clean_filename("..") == "file"
    assert len(clean_filename("д" * 500 + ".pdf")) == 120 and clean_filename("д" * 500 + ".pdf").endswith(".pdf")
