"""Uploaded files (portal/web/uploads.py): the type comes from the content and must agree with the
extension the form's policy allows for it."""

import io
import zipfile

import pytest

from portal.feedback.attachments import POLICY as FEEDBACK
from portal.points.result_files import POLICY as RESULTS
from portal.web.uploads import DOCX, XLSX, UploadProblem, clean_filename, sniff
from portal.web.uploads import check_upload as check_with
from tests.feedback.files import GIF, JPEG, PDF, PNG, TEXT, WEBP


def check_upload(name, data):
    return check_with(FEEDBACK, name, data)


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


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


def test_office_files_are_told_apart_by_their_inner_parts():
    docx, xlsx, other = zipped("word/document.xml"), zipped("xl/workbook.xml"), zipped("readme.txt")
    assert (sniff(docx), sniff(xlsx), sniff(other), sniff(b"PK\x03\x04broken")) == (DOCX, XLSX, "application/zip",
                                                                                     None)
    assert check_with(RESULTS, "КП.docx", docx).content_type == DOCX
    with pytest.raises(UploadProblem) as caught:
        check_with(RESULTS, "таблица.xlsx", docx)  # a Word file dressed as a spreadsheet
    assert caught.value.key == "points.requests.error.file_mismatch"


def test_each_form_takes_only_its_own_kinds_and_names_its_words():
    with pytest.raises(UploadProblem) as caught:
        check_with(RESULTS, "анимация.gif", GIF)  # feedback takes GIFs; request results do not
    assert caught.value.key == "points.requests.error.file_type"
    assert check_upload("анимация.gif", GIF).content_type == "image/gif"
    assert RESULTS.accept == ".pdf,.png,.jpg,.jpeg,.zip,.docx,.xlsx"


def test_text_and_drawings_are_told_by_their_content():
    from portal.forum.files import POLICY as FORUM
    from portal.web.uploads import DWG
    assert check_with(FORUM, "смета.csv", "Артикул;Кол-во\r\nLX-12;4\r\n".encode("cp1251")).content_type == "text/csv"
    assert check_with(FORUM, "заметки.txt", "Шина DALI: 2 провода.\n".encode()).content_type == "text/plain"
    assert check_with(FORUM, "щит.dwg", b"AC1032\x00\x00\x00").content_type == DWG
    for name, data in [("x.txt", b"<html><script>1</script>"), ("x.csv", b"a,b\x00c"), ("x.txt", PDF),
                       ("x.txt", b"\x1b[31m"), ("x.dwg", b"AC9999"), ("x.txt", PNG)]:
        with pytest.raises(UploadProblem) as caught:
            check_with(FORUM, name, data)
        assert caught.value.key == "forum.file.file_mismatch", name
