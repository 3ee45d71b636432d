"""UI strings of the club's own pages and theme parts, Russian first. Material translates the rest."""

from __future__ import annotations

from urllib.parse import urlsplit

STRINGS: dict[str, dict[str, str]] = {
    "ru": {
        "sign_in": "Войти",
        "forum": "Форум",
        "feedback": "Обратная связь",
        "feedback.footer": "Вопрос, жалоба или идея? Напишите нам — ответим в личном кабинете.",
        "feedback.about_page": "Спросить об этой странице",
        "join": "Вступить в клуб",
        "account": "Личный кабинет",
        "lock.registered": "Для зарегистрированных",
        "lock.members": "Для участников клуба",
        "teaser.title": "Продолжение — для участников клуба",
        "teaser.registered": "Дальше текст открыт зарегистрированным читателям. Регистрация бесплатна: "
                             "нужны только имя и e-mail.",
        "teaser.members": "Дальше текст открыт участникам клуба: зарегистрируйтесь и укажите в личном "
                          "кабинете компанию и телефон.",
        "teaser.register": "Зарегистрироваться",
        "teaser.signin": "Уже в клубе? Войти",
        "teaser.complete": "Указать компанию и телефон",
        "events.upcoming": "Предстоящие мероприятия",
        "events.past": "Прошедшие мероприятия",
        "events.none": "Новых мероприятий пока нет — подпишитесь на календарь, чтобы не пропустить.",
        "events.calendar": "Подписаться на календарь (iCalendar)",
        "events.online": "онлайн",
        "events.seats": "мест",
        "events.when": "Когда",
        "events.where": "Где",
        "events.capacity": "Вместимость",
        "events.register": "Записаться",
        "events.register_until": "Запись до",
        "events.cancelled": "Мероприятие отменено",
        "events.seats_left": "Свободных мест: {n}",
        "events.full": "Мест нет — запишем в лист ожидания",
        "catalogue.reports": "Отчёты",
        "catalogue.materials": "Материалы",
        "issue.articles": "В этом выпуске",
        "issue.from": "Из выпуска",
        "magazine.issues": "Выпуски журнала",
        "home.benefits": "Что даёт клуб",
        "home.news": "Свежие рассылки",
        "home.events": "Ближайшие мероприятия",
        "home.join": "Вступить в клуб — бесплатно",
        "home.join_note": "Для регистрации достаточно имени и e-mail.",
        "home.sign_in": "Уже участник? Войти",
        "club.pages": "Разделы",
        "feed.rss": "RSS-лента",
        "segments": "Для кого",
        "all_partners": "Всем партнёрам",
        "section.newsletters": "Рассылки",
        "section.magazine": "Корпоративный журнал",
        "section.technical": "Технические материалы",
        "section.analytics": "Аналитика рынка",
        "section.events": "Мероприятия",
        "section.club": "О клубе",
        "tags": "Теги",
        "home": "Главная",
        "archive": "Архив по годам",
        # Newsletter e-mails (themes/mail/): the recipient is signed up already, so the way in is
        # "sign in and ...", not the site teaser's "register".
        "mail.kicker": "Рассылка клуба",
        "mail.greeting": "Здравствуйте, {name}!",
        "mail.read_on_site": "Читать на сайте",
        "mail.read_full": "Открыть страницу на сайте",
        "mail.gate.registered.title": "Продолжение — для зарегистрированных читателей",
        "mail.gate.registered": "Дальше письмо открыто зарегистрированным читателям клуба. Зарегистрируйтесь "
                                "(это бесплатно) или войдите — и прочитайте его целиком на сайте.",
        "mail.gate.members.title": "Продолжение — для участников клуба",
        "mail.gate.members": "Дальше письмо открыто участникам клуба. Войдите на сайт и укажите в личном "
                             "кабинете компанию и телефон: тогда вы прочитаете его целиком, а следующие "
                             "такие письма будут приходить полностью.",
        "mail.register": "Зарегистрироваться",
        "mail.signin": "Войти",
        "mail.complete": "Указать компанию и телефон",
        "mail.why": "Письмо для {recipient}. Вы получили его, потому что подписаны на рассылку: {site}.",
        "mail.audience": "Выпуск для: {labels}.",
        "mail.topics": "Темы: {labels}.",
        "mail.unsubscribe": "Отписаться от рассылки",
        "mail.settings": "Выбрать темы в личном кабинете",
        "privileges.name": "Привилегия",
        "privileges.what": "Что входит",
        "privileges.by": "Кто выполняет",
        "privileges.provides": "Что нужно от партнёра",
        "privileges.cost": "Стоимость, баллов",
        "section.catalogue": "Каталог продукции",
        "catalogue.lines": "Продуктовые линейки",
        "product.sku": "Артикул",
        "product.name": "Модель",
        "product.line": "Линейка",
        "product.flux": "Световой поток, лм",
        "product.power": "Мощность, Вт",
        "product.efficacy": "Световая отдача, лм/Вт",
        "product.cct": "Цветовая температура, K",
        "product.cri": "Индекс цветопередачи, Ra",
        "product.ip": "Степень защиты",
        "product.dimensions": "Габариты, мм",
        "product.price_group": "Ценовая группа",
        "product.price_note": "Цены в каталоге не публикуются: их называет дистрибьютор в ответ на заказ.",
        "product.photometry": "Кривая силы света",
        "product.polar": "Средняя сила света по C-плоскостям, кд/клм; 0° — вниз",
        "product.download": "Скачать фотометрический файл",
        "product.members": "Для участников клуба",
        "product.members_note": "В личном кабинете можно рассчитать освещение помещения с этим светильником "
                                "и отправить заказ дистрибьютору.",
        "product.calculate": "Рассчитать помещение",
        "product.order": "Добавить в заказ",
        "product.more": "Подробнее",
        "product.summary": "{sku}: {flux} лм, {power} Вт, {efficacy} лм/Вт, {cct} K, Ra {cri}, {ip}",
    },
    "en": {
        "sign_in": "Sign in",
        "forum": "Forum",
        "feedback": "Feedback",
        "feedback.footer": "A question, a complaint or an idea? Write to us: the answer comes to your account.",
        "feedback.about_page": "Ask about this page",
        "join": "Join the club",
        "account": "My account",
        "lock.registered": "For registered readers",
        "lock.members": "For club members",
        "teaser.title": "The rest is for club members",
        "teaser.registered": "The rest of this page is open to registered readers. Registration is free: "
                             "just your name and e-mail.",
        "teaser.members": "The rest of this page is open to club members: register and add your company "
                          "and phone in your account.",
        "teaser.register": "Register",
        "teaser.signin": "Already a member? Sign in",
        "teaser.complete": "Add company and phone",
        "events.upcoming": "Upcoming events",
        "events.past": "Past events",
        "events.none": "No upcoming events yet — subscribe to the calendar so you do not miss one.",
        "events.calendar": "Subscribe to the calendar (iCalendar)",
        "events.online": "online",
        "events.seats": "seats",
        "events.when": "When",
        "events.where": "Where",
        "events.capacity": "Capacity",
        "events.register": "Register",
        "events.register_until": "Registration until",
        "events.cancelled": "This event is cancelled",
        "events.seats_left": "Seats left: {n}",
        "events.full": "Full: you can join the waiting list",
        "catalogue.reports": "Reports",
        "catalogue.materials": "Materials",
        "issue.articles": "In this issue",
        "issue.from": "From issue",
        "magazine.issues": "Magazine issues",
        "home.benefits": "What the club gives you",
        "home.news": "Latest newsletters",
        "home.events": "Upcoming events",
        "home.join": "Join the club — it is free",
        "home.join_note": "Your name and e-mail are all we need.",
        "home.sign_in": "Already a member? Sign in",
        "club.pages": "Sections",
        "feed.rss": "RSS feed",
        "segments": "Audience",
        "all_partners": "All partners",
        "section.newsletters": "Newsletters",
        "section.magazine": "Corporate magazine",
        "section.technical": "Technical materials",
        "section.analytics": "Market analytics",
        "section.events": "Events",
        "section.club": "About the club",
        "tags": "Tags",
        "home": "Home",
        "archive": "Archive by year",
        "mail.kicker": "Club newsletter",
        "mail.greeting": "Hello, {name}!",
        "mail.read_on_site": "Read on the site",
        "mail.read_full": "Open the page on the site",
        "mail.gate.registered.title": "The rest is for registered readers",
        "mail.gate.registered": "The rest of this letter is open to the club's registered readers. Register "
                                "(it is free) or sign in, and read it in full on the site.",
        "mail.gate.members.title": "The rest is for club members",
        "mail.gate.members": "The rest of this letter is open to club members. Sign in and add your company "
                             "and phone in your account: then you can read it in full, and letters like this "
                             "one will reach you complete.",
        "mail.register": "Register",
        "mail.signin": "Sign in",
        "mail.complete": "Add company and phone",
        "mail.why": "This letter is for {recipient}. You receive it because you subscribed to the newsletter "
                    "of {site}.",
        "mail.audience": "This issue is for: {labels}.",
        "mail.topics": "Topics: {labels}.",
        "mail.unsubscribe": "Unsubscribe",
        "mail.settings": "Choose topics in your account",
        "privileges.name": "Privilege",
        "privileges.what": "What it is",
        "privileges.by": "Who does it",
        "privileges.provides": "What the partner provides",
        "privileges.cost": "Cost, points",
        "section.catalogue": "Product catalogue",
        "catalogue.lines": "Product lines",
        "product.sku": "SKU",
        "product.name": "Model",
        "product.line": "Line",
        "product.flux": "Luminous flux, lm",
        "product.power": "Power, W",
        "product.efficacy": "Efficacy, lm/W",
        "product.cct": "Colour temperature, K",
        "product.cri": "Colour rendering, Ra",
        "product.ip": "Ingress protection",
        "product.dimensions": "Dimensions, mm",
        "product.price_group": "Price group",
        "product.price_note": "The catalogue shows no prices: the distributor quotes them in answer to an order.",
        "product.photometry": "Light distribution",
        "product.polar": "Mean luminous intensity over the C-planes, cd/klm; 0° points down",
        "product.download": "Download the photometric file",
        "product.members": "For club members",
        "product.members_note": "In your account you can calculate a room's lighting with this luminaire and send "
                                "an order to a distributor.",
        "product.calculate": "Calculate a room",
        "product.order": "Add to an order",
        "product.more": "Details",
        "product.summary": "{sku}: {flux} lm, {power} W, {efficacy} lm/W, {cct} K, Ra {cri}, {ip}",
    },
}


def translator(language: str):
    """A `t(key)` function for the given language, falling back to Russian for unknown languages."""
    table = STRINGS.get(language.split("-")[0], STRINGS["ru"])

    def t(key: str) -> str:
        return table.get(key) or STRINGS["ru"].get(key, key)

    return t


# The language switch (Material's `extra.alternate`): the Russian site at /, the English one at /en/.
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}
LANGUAGE_PREFIX = {"ru": "", "en": "en/"}


def alternates(site_url: str, page_url: str, language: str) -> list[dict[str, str]]:
    """Links to this page in every language (the same page: both sites have the same URLs).

    Blog category pages are named by a label that differs between languages, so their switch goes
    to the section.
    """
    root = "/" + urlsplit(site_url).path.strip("/")
    root = root.rstrip("/") + "/"
    if "/category/" in f"/{page_url}":
        page_url = page_url.split("category/", 1)[0]
    return [{"name": name, "lang": code, "link": f"{root}{LANGUAGE_PREFIX[code]}{page_url}"}
            for code, name in LANGUAGE_NAMES.items()]
