"""Words of the points capability (ru, en)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "points.title": ("Баллы", "Points"),
    # --- the privilege catalogue (pts-catalog): /account/points/privileges ---
    "points.privileges.title": ("Привилегии", "Privileges"),
    "points.privileges.lead": ("Баллы компании можно потратить на эти привилегии. Их выполняет завод; "
                               "от вас нужно то, что указано в столбце «Что нужно от вас».",
                               "The company's points buy these privileges. The manufacturer does the work; "
                               "what it needs from you is in the column \"What you provide\"."),
    "points.privileges.name": ("Привилегия", "Privilege"),
    "points.privileges.by": ("Кто выполняет", "Who does it"),
    "points.privileges.provides": ("Что нужно от вас", "What you provide"),
    "points.privileges.cost": ("Стоимость, баллов", "Cost, points"),
    "points.privileges.request": ("Заказать", "Request"),
    "points.privileges.on_site": ("Каталог привилегий на сайте", "The privilege catalogue on the site"),
    "points.privileges.none": ("Каталог привилегий пока пуст.", "The privilege catalogue is empty for now."),
    "points.privileges.only_representative": (
        "Заказывать привилегии может только представитель вашей компании — {name}.",
        "Only your company's representative, {name}, can request privileges."),
    "points.privileges.no_representative": (
        "Заказывать привилегии может только представитель компании, указанный в договоре; у вашей компании "
        "его пока нет — напишите вашему менеджеру клуба.",
        "Only the company's representative named in the contract can request privileges; your company has "
        "none yet: write to your club manager."),
}
