"""The catalogue in front matter: every bad input names file:line and how to fix it; entries and catalogue.json."""

import pytest

from site_builder.catalogue import catalogue_entries
from site_builder.content import load_site
from site_builder.contract.catalogue import GAMMAS, catalogue_path, read_catalogue, write_catalogue

from .photometry_files import eulumdat
from .test_model import problems

HEAD = "---\ntitle: «Цех-М»\nsummary: Промышленные светильники.\nproducts:\n"  # the first item starts on line 5
ITEM = ("  - sku: CM-150-60-740\n    name: Цех-М 150 Вт, 60°\n    flux: 22800\n    power: 150\n    cct: 4000\n"
        "    cri: 80\n    ip: IP65\n    dimensions: 420×420×160\n    price_group: D\n")  # lines 5-13
SECOND = ITEM.replace("CM-150-60-740", "CM-100-60-740").replace("22800", "14800").replace("150\n", "100\n")
BODY = "---\nПодвесные светильники для цехов.\n"


def line(project, items: str, name: str = "tsekh-m.md", head: str = HEAD) -> None:
    project.write(f"catalogue/{name}", head + items + BODY)


def test_a_product_loads_with_its_efficacy(project):
    line(project, ITEM + SECOND)
    page = load_site(project.config()).by_rel()["catalogue/tsekh-m.md"]
    first, second = page.extra["products"]
    assert (first.sku, first.name, first.flux_lm, first.power_w, first.cct_k, first.cri, first.ip) == (
        "CM-150-60-740", "Цех-М 150 Вт, 60°", 22800, 150.0, 4000, 80, "IP65")
    assert first.dimensions_mm == (420, 420, 160) and first.efficacy == 152.0 and first.available
    assert (second.sku, second.efficacy, second.line) == ("CM-100-60-740", 148.0, 14)
    assert page.url == "catalogue/tsekh-m/" and page.kind == "catalogue"


@pytest.mark.parametrize("written", ['"1195x180x50"', "1195 × 180 × 50", "[1195, 180, 50]", '"1195X180X50"'])
def test_dimensions_take_x_or_the_multiplication_sign_or_a_list(project, written):
    line(project, ITEM.replace("420×420×160", written))
    [product] = load_site(project.config()).by_rel()["catalogue/tsekh-m.md"].extra["products"]
    assert product.dimensions_mm == (1195, 180, 50)


def test_ip_is_written_in_capitals_and_power_may_be_a_fraction(project):
    line(project, ITEM.replace("IP65", "ip 65").replace("power: 150", "power: 149.5"))
    [product] = load_site(project.config()).by_rel()["catalogue/tsekh-m.md"].extra["products"]
    assert (product.ip, product.power_w, product.efficacy) == ("IP65", 149.5, 152.5)


BAD = [
    (ITEM.replace("    flux: 22800\n", ""), 5, "the product has no `flux`; add `flux: 4000` (in lm)"),
    (ITEM.replace("    name: Цех-М 150 Вт, 60°\n", ""), 5, "the product has no `name`"),
    (ITEM.replace("sku: CM-150-60-740\n", "sku: ''\n"), 5, "the product has no `sku`"),
    (ITEM.replace("    price_group: D\n", ""), 5, "the product has no `price_group`"),
    (ITEM.replace("    ip: IP65\n", ""), 5, "the product has no `ip`"),
    (ITEM.replace("    dimensions: 420×420×160\n", ""), 5, "the product has no `dimensions`"),
    (ITEM.replace("    cct: 4000\n", ""), 5, "the product has no `cct`"),
    (ITEM.replace("flux: 22800", "flux: 0"), 7, "`flux: 0` is out of range: it must be from 1 to 500000 lm"),
    (ITEM.replace("flux: 22800", "flux: 600000"), 7, "`flux: 600000` is out of range"),
    (ITEM.replace("flux: 22800", 'flux: "22 800"'), 7, "`flux` must be a whole number of lm, got '22 800'"),
    (ITEM.replace("flux: 22800", "flux: 22800.5"), 7, "`flux` must be a whole number of lm"),
    (ITEM.replace("power: 150", "power: 0.05"), 8, "`power: 0.05` is out of range: it must be from 0.1 to 5000 W"),
    (ITEM.replace("power: 150", "power: 6000"), 8, "`power: 6000` is out of range"),
    (ITEM.replace("power: 150", "power: 150W"), 8, "`power` must be a number of W, got '150W'"),
    (ITEM.replace("cct: 4000", "cct: 400"), 9, "`cct: 400` is out of range: it must be from 1000 to 20000 K"),
    (ITEM.replace("cct: 4000", "cct: 25000"), 9, "`cct: 25000` is out of range"),
    (ITEM.replace("cri: 80", "cri: 101"), 10, "`cri: 101` is out of range: it must be from 0 to 100"),
    (ITEM.replace("cri: 80", "cri: true"), 10, "`cri` must be a whole number, got True"),
    (ITEM.replace("ip: IP65", "ip: 65"), 11, "`ip: 65` is not a degree of protection"),
    (ITEM.replace("ip: IP65", "ip: IP6"), 11, "`ip: IP6` is not a degree of protection"),
    (ITEM.replace("420×420×160", "420-420-160"), 12, "`dimensions: 420-420-160` must be two or three whole"),
    (ITEM.replace("420×420×160", "420"), 12, "`dimensions: 420` must be two or three whole"),
    (ITEM.replace("420×420×160", "0×420"), 12, "`dimensions: 0×420` must be two or three whole"),
    (ITEM.replace("sku: CM-150-60-740", "sku: ЦМ-150"), 5, "SKU 'ЦМ-150' must be latin letters and digits"),
    (ITEM.replace("sku: CM-150-60-740", "sku: CM 150"), 5, "SKU 'CM 150' must be latin letters and digits"),
    (ITEM.replace("flux: 22800", "flux: 42800"), 7, "efficacy 285 lm/W (flux 42800 lm / power 150 W) is above a "
                                                    "plausible 250 lm/W"),
    (ITEM + "    available: да\n", 14, "`available` must be true or false"),
    (ITEM + "    photometry: curve.pdf\n", 14, "`photometry: curve.pdf` must be an EULUMDAT (.ldt) or IES (.ies)"),
    (ITEM + "    flx: 1\n", 14, 'unknown product key `flx` (did you mean "flux"?); a product takes: sku, name'),
    ("  CM-150\n", 4, "a catalogue page lists its line's products: add `products:`"),
    ("  - CM-150\n", 5, "each product must be a mapping of sku, name, flux"),
]


@pytest.mark.parametrize(("items", "at", "message"), BAD, ids=[m[:40] for _, _, m in BAD])
def test_bad_products(project, items, at, message):
    line(project, items)
    errors = problems(project)
    assert errors == [e for e in errors if e.startswith("content/catalogue/tsekh-m.md:")]
    assert any(e.startswith(f"content/catalogue/tsekh-m.md:{at}: {message}") for e in errors), errors
    assert len(errors) == 1, errors


def test_a_line_page_without_products_is_an_error(project):
    project.write("catalogue/pusto.md", "---\ntitle: Пусто\n---\nТекст.\n")
    [error] = problems(project)
    assert error.startswith("content/catalogue/pusto.md:1: a catalogue page lists its line's products")


def test_products_belong_to_catalogue_pages(project):
    project.write("technical/a.md", HEAD + ITEM + BODY)
    assert any("unknown front matter key `products`" in e for e in problems(project))


def test_the_catalogue_is_public(project):
    line(project, ITEM, head=HEAD.replace("products:", "access: members\nproducts:"))
    errors = problems(project)
    assert any(e.startswith("content/catalogue/tsekh-m.md:4: the catalogue is public") for e in errors), errors


def test_a_duplicate_sku_names_the_other_file_and_line(project):
    line(project, SECOND + ITEM)  # the item on line 14
    line(project, SECOND.replace("CM-100-60-740", "cm-150-60-740"), name="drugaya.md")  # files in name order
    [error] = problems(project)
    assert error.startswith("content/catalogue/tsekh-m.md:14: duplicate SKU 'CM-150-60-740': "
                            "content/catalogue/drugaya.md:5 has 'cm-150-60-740' already; a SKU names one product")


def test_a_duplicate_sku_in_one_file(project):
    line(project, ITEM + SECOND + ITEM)
    [error] = problems(project)
    assert error.startswith("content/catalogue/tsekh-m.md:23: duplicate SKU 'CM-150-60-740': "
                            "content/catalogue/tsekh-m.md:5 has")


def test_a_missing_photometric_file_is_named_with_a_suggestion(project):
    (project.content / "catalogue/photometry").mkdir(parents=True)
    (project.content / "catalogue/photometry/tsekh-m-150.ldt").write_text(eulumdat(), encoding="ascii")
    line(project, ITEM + "    photometry: photometry/tsekh-m-15.ldt\n")
    [error] = problems(project)
    assert error.startswith("content/catalogue/tsekh-m.md:5: CM-150-60-740: photometric file "
                            "`photometry/tsekh-m-15.ldt` not found (no content/catalogue/photometry/tsekh-m-15.ldt) "
                            '(did you mean "catalogue/photometry/tsekh-m-150.ldt"?)')


def test_a_broken_photometric_file_names_its_own_line(project):
    text = eulumdat().split("\r\n")
    text[2] = "7"
    (project.content / "catalogue/photometry").mkdir(parents=True)
    (project.content / "catalogue/photometry/a.ldt").write_text("\r\n".join(text), encoding="ascii")
    line(project, ITEM + "    photometry: photometry/a.ldt\n" + SECOND + "    photometry: photometry/a.ldt\n")
    errors = problems(project)
    assert errors[0].startswith("content/catalogue/photometry/a.ldt:3: symmetry indicator Isym must be 0, 1, 2, 3 "
                                "or 4, got 7 (the photometric file of CM-100-60-740, content/catalogue/tsekh-m.md:15)")
    assert len(errors) == 2  # each product that uses it


def test_entries_and_catalogue_json(project, tmp_path):
    (project.content / "catalogue/photometry").mkdir(parents=True)
    (project.content / "catalogue/photometry/a.ldt").write_text(eulumdat(), encoding="ascii")
    hidden = SECOND.replace("CM-100-60-740", "CM-OLD") + "    available: false\n"
    line(project, ITEM + "    photometry: photometry/a.ldt\n" + SECOND + hidden)
    entries = catalogue_entries(load_site(project.config()))
    assert [e.sku for e in entries] == ["CM-150-60-740", "CM-100-60-740"]  # the hidden one is not offered
    first = entries[0]
    assert (first.line, first.line_name, first.page) == ("tsekh-m", "«Цех-М»", "/catalogue/tsekh-m/cm-150-60-740/")
    assert first.efficacy_lm_w == 152.0 and first.photometry.file == "/catalogue/photometry/a.ldt"
    assert len(first.photometry.cd_per_klm) == len(GAMMAS) and entries[1].photometry is None
    write_catalogue(catalogue_path(tmp_path), entries)
    assert list(read_catalogue(catalogue_path(tmp_path)).values()) == entries


def test_a_hidden_product_still_reserves_its_sku(project):
    line(project, ITEM + ITEM.replace("    flux:", "    available: false\n    flux:"))
    [error] = problems(project)
    assert "duplicate SKU 'CM-150-60-740'" in error
