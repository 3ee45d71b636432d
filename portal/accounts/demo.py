"""Demo people for `club serve --demo` (`make run`): club staff and the members of four partner companies.

Only on a database without a single person, so a real club never gets these accounts. They all share
one password, printed when `club serve` starts, so whoever tries the demo can sign in as each role.
The companies, names and positions are made up for this project.
"""

from __future__ import annotations

from sqlite_utils import Database

from portal.core import identity, passwords
from portal.core.companies import fill_missing_details, find_or_create_company
from portal.core.settings import Settings

DEMO_PASSWORD = "club-demo-2026"  # noqa: S105 - the demo's, printed by `club serve --demo`, only on a club without people

STAFF = (  # (e-mail, name, role)
    ("admin@lior.example", "Андрей Ветров", "admin"),
    ("olga@lior.example", "Ольга Кураторова", "staff"),
    ("sergey@lior.example", "Сергей Ключников", "staff"),
    ("editor@lior.example", "Марина Строкина", "editor"),
)

# company name, INN, segment, region: the people of each company (e-mail, name, job role, position)
COMPANIES = (
    ("ООО «Свет-Монтаж»", "7707083893", "installers", "central", (
        ("anna@svet-montazh.example", "Анна Светлова", "management", "генеральный директор"),
        ("ivan@svet-montazh.example", "Иван Колесов", "engineering", "главный инженер"),
        ("pavel@svet-montazh.example", "Павел Громов", "purchasing", "снабженец"),
    )),
    ("ООО «Проект Люкс»", "7811234563", "designers", "northwest", (
        ("elena@proekt-lux.example", "Елена Чертёжникова", "engineering", "ведущий проектировщик"),
        ("dmitry@proekt-lux.example", "Дмитрий Лампов", "management", "руководитель бюро"),
    )),
    ("АО «ЭлектроОпт Юг»", "2308123457", "distributors", "south", (
        ("maria@elopt-yug.example", "Мария Оптова", "sales", "менеджер по продажам"),
        ("igor@elopt-yug.example", "Игорь Складов", "purchasing", "начальник отдела закупок"),
    )),
    ("ИП Фонарёв", None, "installers", "volga", (
        ("nikolay@fonarev.example", "Николай Фонарёв", "management", "владелец"),
    )),
)


def seed_demo_people(db: Database, settings: Settings | None = None) -> str | None:
    """Staff and members (confirmed, with company and phone) on a club that has nobody yet."""
    if db.execute("SELECT count(*) FROM users").fetchone()[0]:
        return None
    password_hash = passwords.hash_password(DEMO_PASSWORD)  # one hash: the demo starts in a blink
    for email, name, role in STAFF:
        identity.create_user(db, name=name, email=email, password_hash=password_hash, language="ru",
                             consent=True, confirmed=True, role=role)
    phone = 79_161_000_000
    for company_name, inn, segment, region, people in COMPANIES:
        company = find_or_create_company(db, company_name, inn)
        fill_missing_details(db, company.id, segment, region)
        for email, name, job_role, position in people:
            phone += 17
            user = identity.create_user(db, name=name, email=email, password_hash=password_hash, language="ru",
                                        consent=True, confirmed=True)
            identity.update_profile(db, user.id, identity.ProfileUpdate(
                name=name, company_id=company.id, phone=f"+{phone}", position=position, segment=segment,
                region=region, job_role=job_role))
    members = sum(len(people) for *_rest, people in COMPANIES)
    return (f"demo club: {len(STAFF)} staff and {members} members of {len(COMPANIES)} companies, password "
            f"{DEMO_PASSWORD!r} for all — admin@lior.example (admin), olga@lior.example (manager), "
            "anna@svet-montazh.example (member, her company's representative)")
