"""The catalogue in the built site: the demo's lines and products, their pages and catalogue.json, English
labels, the fail-closed build and `club serve`'s rebuilds."""

import html
import json
import posixpath
import re

import pytest
from babel.numbers import format_decimal

from site_builder.build import check
from site_builder.catalogue_pages import polar_path
from site_builder.contract import CATALOGUE
from site_builder.contract.catalogue import read_catalogue
from site_builder.devserver import DevBuilder
from site_builder.errors import ContentErrors

from .photometry_files import eulumdat
from .test_catalogue import BODY, HEAD, ITEM, SECOND

pytestmark = pytest.mark.slow
LINES = {"trek-pro-2": "«Трек-Про 2»", "ofis-layn": "«Офис-Лайн»", "ofis-layn-2": "«Офис-Лайн 2»",
         "tsekh-m": "«Цех-М»", "magistral": "«Магистраль»"}


def page_of(root, url: str) -> str:
    return (root / "public" / url.strip("/") / "index.html").read_text(encoding="utf-8")


def links(text: str) -> list[str]:
    return re.findall(r'href="([^"#]+)"', text)


def target(url: str, link: str) -> str:
    """The public file a relative link of the page at `url` opens."""
    path = posixpath.normpath(posixpath.join(url.strip("/"), link))
    return path if posixpath.splitext(path)[1] else path + "/index.html"


def test_the_demo_catalogue_has_the_promised_lines_and_products(demo):
    products = read_catalogue(demo.site / CATALOGUE)
    assert 30 <= len(products) <= 60
    lines = {p.line: p.line_name for p in products.values()}
    assert LINES.items() <= lines.items() and len(lines) >= 6
    assert len({p.photometry.file for p in products.values() if p.photometry}) >= 5
    assert all(90 <= p.efficacy_lm_w <= 170 and p.cri in (70, 80, 90, 95) for p in products.values())
    assert "OL-595-830-O" not in products  # `available: false`
    assert not (demo.site / "public/catalogue/ofis-layn/ol-595-830-o").exists()


def test_every_product_has_its_page_with_its_numbers_and_links(demo):
    for product in read_catalogue(demo.site / CATALOGUE).values():
        text = page_of(demo.site, product.page)
        for shown in (product.sku, format_decimal(product.flux_lm, locale="ru"),
                      format_decimal(product.efficacy_lm_w, locale="ru"), product.ip, product.price_group,
                      "×".join(map(str, product.dimensions_mm)), f"/tools/room/?sku={product.sku}",
                      f"/orders/cart/add?sku={product.sku}", html.escape(product.line_name, quote=False)):
            assert shown in text, (product.sku, shown)
        for link in links(text.split('<div class="club-product"', 1)[1].split("</div>", 1)[0]):
            if not link.startswith("/"):  # the portal's own links are absolute
                assert (demo.site / "public" / target(product.page, link)).is_file(), (product.sku, link)
        if product.photometry:
            assert polar_path(product.photometry.cd_per_klm) in text
            assert (demo.site / "public" / product.photometry.file.lstrip("/")).is_file()


def test_each_line_page_shows_the_editors_text_and_its_table(demo):
    products = list(read_catalogue(demo.site / CATALOGUE).values())
    text = page_of(demo.site, "/catalogue/tsekh-m/")
    assert "Литой корпус из алюминия" in text
    rows = re.findall(r'<tr id="([^"]+)"><td><a href="([^"]+)">([^<]+)</a>', text)
    assert [sku for _, _, sku in rows] == [p.sku for p in products if p.line == "tsekh-m"]
    for _, link, _ in rows:
        assert (demo.site / "public" / target("/catalogue/tsekh-m/", link)).is_file()


def test_the_section_lists_the_lines_and_the_technical_materials_link_to_it(demo):
    section = page_of(demo.site, "/catalogue/")
    for slug, name in LINES.items():
        assert f'href="{slug}/"' in section and html.escape(name, quote=False) in section
    assert "Каталог продукции" in page_of(demo.site, "/")  # a navigation tab
    for url in ("/technical/", "/technical/magistral-lineyka/"):
        found = [target(url, link) for link in links(page_of(demo.site, url)) if "catalogue" in link]
        assert found and all((demo.site / "public" / path).is_file() for path in found), url


def small_catalogue(project, photometry: bool = True) -> None:
    (project.content / "catalogue/photometry").mkdir(parents=True, exist_ok=True)
    (project.content / "catalogue/photometry/a.ldt").write_text(eulumdat(), encoding="ascii")
    extra = "    photometry: photometry/a.ldt\n" if photometry else ""
    project.write("catalogue/tsekh-m.md", HEAD + ITEM + extra + SECOND + BODY)


def test_english_labels(project):
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("language: ru", "language: en"))
    small_catalogue(project)
    project.build(jobs=1)
    text = page_of(project.site, "/catalogue/tsekh-m/cm-150-60-740/")
    for label in ("Luminous flux, lm", "Efficacy, lm/W", "Price group", "Calculate a room", "Add to an order",
                  "Download the photometric file", "The catalogue shows no prices", "22,800"):
        assert label in text, label
    assert "Product lines" in page_of(project.site, "/catalogue/")
    assert "Colour rendering, Ra" in page_of(project.site, "/catalogue/tsekh-m/")
    assert "Product catalogue" in page_of(project.site, "/")


def test_a_catalogue_error_publishes_nothing(project):
    small_catalogue(project)
    project.build(jobs=1)
    before = (project.site / CATALOGUE).read_bytes()
    project.write("catalogue/tsekh-m.md", HEAD + ITEM.replace("    flux: 22800\n", "") + BODY)
    with pytest.raises(ContentErrors, match=r"content/catalogue/tsekh-m.md:5: the product has no `flux`"):
        project.build(jobs=1)
    assert (project.site / CATALOGUE).read_bytes() == before
    assert (project.site / "public/catalogue/tsekh-m/cm-100-60-740/index.html").is_file()


def test_serve_rebuilds_a_line_body_fast_and_a_product_change_in_full(project):
    small_catalogue(project)
    dev = DevBuilder(project.config(), progress=lambda _: None)
    assert dev.rebuild()
    path = project.content / "catalogue/tsekh-m.md"
    path.write_text(path.read_text(encoding="utf-8").replace("для цехов", "для складов"), encoding="utf-8")
    assert dev._can_be_dirty(check(project.config()), {path.resolve()})  # the products are unchanged
    assert dev.rebuild({path.resolve()})
    text = page_of(project.site, "/catalogue/tsekh-m/")
    assert "для складов" in text and 'href="cm-150-60-740/"' in text  # the table stays on a dirty rebuild
    path.write_text(path.read_text(encoding="utf-8").replace("flux: 14800", "flux: 15100"), encoding="utf-8")
    assert dev.rebuild({path.resolve()})
    assert read_catalogue(project.site / CATALOGUE)["CM-100-60-740"].flux_lm == 15100
    assert "15\u00a0100" in page_of(project.site, "/catalogue/tsekh-m/cm-100-60-740/")
    data = json.loads((project.site / CATALOGUE).read_text(encoding="utf-8"))
    assert [p["sku"] for p in data["products"]] == ["CM-150-60-740", "CM-100-60-740"]
