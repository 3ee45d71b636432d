"""Demo for `club serve --demo`: privilege requests of the demo companies in different states (one
waiting for the club, one confirmed, one in progress, one done with a commercial proposal as a small PDF,
one rejected with the reason), made by their representatives through the store, so the holds, releases
and debits are real ledger rows. Runs after the points demo; only on a club with no requests yet; nothing
is sent."""

from __future__ import annotations

import time
from contextlib import ExitStack
from importlib import resources

from fpdf import FPDF
from sqlite_utils import Database

from portal.core.companies import find_company
from portal.core.identity import find_user_by_email
from portal.core.settings import Settings
from portal.points import ledger, requests, result_files
from portal.web import uploads

DAY = 86400.0
# company, privilege id, its name and cost (as content/club/privileges.md), the task, days ago, the states after
# "requested" (with each one's note)
DEMO = (
    ("Свет-Монтаж", "kommercheskoe-predlozhenie", "Коммерческое предложение", 1500,
     "Нужно КП для реконструкции освещения в бизнес-центре «Садовая, 14»: 6 этажей open space, переговорные "
     "и холл. Заказчик хочет снизить счета за электричество и уложиться в бюджет 4 млн ₽. Планы этажей "
     "пришлём в ответ на письмо.", 24,
     (("confirmed", ""), ("in_progress", "Маркетолог Ирина собирает подбор"),
      ("done", "Предложение во вложении: два варианта, базовый и с датчиками присутствия."))),
    ("Свет-Монтаж", "kopirayting", "Копирайтинг", 1200,
     "Десять карточек товаров для раздела «Трековые системы» на нашем сайте svet-montazh.example: "
     "описание, область применения, преимущества. Доступ к CMS выдадим.", 6, (("confirmed", ""),)),
    ("Свет-Монтаж", "raschet-osveshcheniya", "Расчёт освещения вне очереди", 800,
     "Склад 1 200 м², высота потолков 9 м, нужна освещённость 200 лк в проходах. Планы во вложении к письму "
     "менеджеру.", 1, ()),
    ("Проект Люкс", "mesto-na-seminare", "Место на семинаре сверх квоты", 600,
     "Хотим отправить на февральский семинар по светодизайну ещё одного дизайнера — Марину Орлову.", 9,
     (("rejected", "Квота февральского семинара уже добрана. Запишем Марину на мартовский — без баллов, "
                   "по обычной квоте."),)),
)


def result_pdf(company: str, task: str) -> bytes:
    """A one-page commercial proposal (a demo file; Cyrillic through the bundled DejaVu font)."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_title("Коммерческое предложение")
    with ExitStack() as stack:
        fonts = resources.files("club_themes").joinpath("portal", "fonts")
        for style, file in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):
            pdf.add_font("DejaVu", style, str(stack.enter_context(resources.as_file(fonts.joinpath(file)))))
        pdf.add_page()
        pdf.set_font("DejaVu", "B", 18)
        pdf.multi_cell(0, 10, f"Коммерческое предложение для {company}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 11)
        pdf.multi_cell(0, 6, f"Задача: {task}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        for line in ("Вариант 1. Панели 36 Вт вместо люминесцентных: экономия энергии 52 %, окупаемость 2,5 года.",
                     "Вариант 2. То же с датчиками присутствия в переговорных и холле: экономия 61 %, "
                     "окупаемость 3 года.", "Срок поставки — 3 недели; монтаж силами партнёра."):
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())


def seed_demo_requests(db: Database, settings: Settings | None = None) -> str | None:
    if db.execute("SELECT count(*) FROM points_requests").fetchone()[0]:
        return None  # seeded already
    made = 0
    for number, (name, ident, title, cost, task, days, steps) in enumerate(DEMO):
        company = find_company(db, name)
        if company is None or company.representative_id is None:
            continue  # not the demo club
        manager = company.account_manager_id or find_user_id(db, "olga@lior.example")
        at = time.time() - days * DAY
        try:
            request_id = requests.create(db, company_id=company.id, privilege_id=ident, privilege_name=title,
                                         cost=cost, task=task, by_id=company.representative_id,
                                         nonce=f"demo-request-{number:04d}", now=at)
        except ledger.NotEnoughPoints:
            continue
        for seq, (state, note) in enumerate(steps, start=1):
            at += DAY * min(2, days / 4)
            files = []
            if state == "done" and settings is not None:
                data = result_pdf(company.name, task)
                files = uploads.save(settings, result_files.POLICY,
                                     [uploads.Upload("КП-Садовая-14.pdf", "application/pdf", data)])
            requests.change(db, request_id, state, seen_seq=seq, by_id=manager, now=at, note=note, files=files)
        made += 1
    return f"points: {made} demo privilege requests" if made else None


def find_user_id(db: Database, email: str) -> int | None:
    user = find_user_by_email(db, email)
    return user.id if user else None
