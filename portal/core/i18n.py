"""The portal's words in Russian (default) and English. Templates call `t(key, **values)`.

The machinery and the shared words (layout, form fields, errors, HTTP statuses) live here; each
capability brings its own table (`words.py`, declared in its capability) and registers it.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request

LANGUAGES = ("ru", "en")
LANG_COOKIE = "club_lang"

STRINGS: dict[str, tuple[str, str]] = {
    "nav.home": ("Главная", "Home"),
    "nav.account": ("Кабинет", "My account"),
    "nav.login": ("Войти", "Sign in"),
    "nav.register": ("Вступить в клуб", "Join the club"),
    "nav.logout": ("Выйти", "Sign out"),
    "nav.staff": ("Участники", "Members"),
    "lang.switch": ("English", "Русский"),
    "shell.forum": ("Форум", "Forum"),  # the site's header words (site_builder/i18n.py), on portal pages
    "shell.feedback": ("Обратная связь", "Feedback"),
    "csrf.field": ("Проверочный код формы", "Form check code"),
    "field.name": ("Имя и фамилия", "Full name"),
    "field.email": ("E-mail", "E-mail"),
    "field.password": ("Пароль", "Password"),
    "field.new_password": ("Новый пароль", "New password"),
    "field.password_hint": ("Не короче 8 символов. Длинная фраза надёжнее сложного слова.",
                            "At least 8 characters. A long phrase beats a complicated word."),
    "field.company": ("Компания", "Company"),
    "field.inn": ("ИНН компании (необязательно)", "Company tax number, INN (optional)"),
    "field.phone": ("Телефон", "Phone"),
    "field.position": ("Должность", "Position"),
    "field.segment": ("Кто вы", "Your business"),
    "field.region": ("Регион", "Region"),
    "field.topics": ("Интересные темы", "Topics of interest"),
    "field.language": ("Язык писем и кабинета", "Language of e-mails and the cabinet"),
    "field.choose": ("— выберите —", "— choose —"),
    "field.consent": ("Согласен на обработку персональных данных в соответствии с 152-ФЗ "
                      "для участия в клубе", "I consent to the processing of my personal data (Russian law "
                      "152-FZ) for club membership"),
    "field.newsletters": ("Присылать рассылки клуба: новости, акции, мероприятия, журнал (можно отключить в кабинете)",
                          "Send me the club's newsletters: news, promotions, events, the magazine (you can turn "
                          "them off in your account)"),
    "error.form": ("Проверьте выделенные поля.", "Please check the marked fields."),
    "error.name_required": ("Укажите имя и фамилию.", "Enter your full name."),
    "error.name_too_long": ("Имя слишком длинное (до 200 символов).", "The name is too long (200 characters max)."),
    "error.email_invalid": ("Это не похоже на адрес e-mail, например ivan@company.ru.",
                            "This does not look like an e-mail address, e.g. ann@company.com."),
    "error.consent_required": ("Без согласия на обработку данных мы не можем вас зарегистрировать.",
                               "We cannot register you without your consent to data processing."),
    "error.company_required": ("Укажите компанию, чтобы открыть закрытые материалы.",
                               "Enter your company to open the closed materials."),
    "error.phone_invalid": ("Не удалось разобрать номер. Пример: +7 912 345-67-89.",
                            "We could not read this number. Example: +7 912 345-67-89."),
    "error.phone_required": ("Укажите телефон, чтобы открыть закрытые материалы.",
                             "Enter your phone to open the closed materials."),
    "error.inn_invalid": ("ИНН не сходится по контрольной сумме: проверьте цифры (10 или 12).",
                          "The INN fails its checksum: check the digits (10 or 12)."),
    "error.choice_invalid": ("Выберите значение из списка.", "Choose a value from the list."),
    "error.login_failed": ("Неверный e-mail или пароль.", "Wrong e-mail or password."),
    "error.not_confirmed": ("Адрес ещё не подтверждён. Мы отправили новое письмо со ссылкой.",
                            "Your address is not confirmed yet. We sent a new message with the link."),
    "error.throttled": ("Слишком много попыток. Попробуйте через {seconds} с.",
                        "Too many attempts. Try again in {seconds} s."),
    "error.password_wrong": ("Неверный пароль.", "Wrong password."),
    "level.registered": ("Зарегистрирован", "Registered"),
    "level.member": ("Участник клуба", "Club member"),
    "level.staff": ("Сотрудник клуба", "Club staff"),
    "level.unconfirmed": ("Адрес не подтверждён", "Address not confirmed"),
    "http.400": ("Запрос не удалось разобрать", "The request could not be read"),
    "http.403": ("Доступ запрещён", "Forbidden"),
    "http.404": ("Страница не найдена", "Page not found"),
    "http.405": ("Метод не поддерживается", "Method not allowed"),
    "http.413": ("Слишком большой запрос", "Request too large"),
    "http.429": ("Слишком много запросов", "Too many requests"),
    "http.500": ("Что-то пошло не так", "Something went wrong"),
    "http.503": ("Сайт обновляется", "The site is being updated"),
    "reason.csrf": ("Форма устарела или открыта с другого сайта. Вернитесь, обновите страницу и отправьте снова.",
                    "The form has expired or came from another site. Go back, reload the page and send it again."),
    "reason.cross_site": ("Запрос пришёл с другого сайта и отклонён.", "The request came from another site."),
    "reason.too_large": ("Отправлено слишком много данных.", "Too much data was sent."),
    "reason.bad_form": ("Форма пришла повреждённой. Обновите страницу и попробуйте снова.",
                        "The form arrived damaged. Reload the page and try again."),
    "reason.default": ("Вернитесь на главную страницу клуба.", "Go back to the club's home page."),
    "reason.staff_only": ("Эта страница — для сотрудников клуба.", "This page is for the club's staff."),
    "reason.rank": ("Это может сделать только сотрудник с более высокой ролью.",
                    "Only staff with a higher role can do this."),
    "error.home": ("На главную", "Home page"),
    "nav.staff_home": ("Сотрудникам", "Staff"),
    "guard.members_title": ("Только для участников клуба", "For club members only"),
    "guard.members_only": ("Эта страница открывается участникам клуба: укажите в профиле компанию и телефон — "
                           "это займёт минуту, и вы вернётесь сюда.",
                           "This page is for club members: add your company and phone to your profile — it "
                           "takes a minute, and you will come back here."),
}

# Who registered each key: a second table naming a taken key is an error, not a silent overwrite.
_OWNERS: dict[str, str] = dict.fromkeys(STRINGS, "core")


def register_words(table: Mapping[str, tuple[str, str]], owner: str) -> None:
    """Add a capability's words (each key once in the whole portal; the capability registry calls this)."""
    taken = sorted(key for key in table if _OWNERS.get(key, owner) != owner)
    if taken:
        raise ValueError(f"{owner}: word keys already registered by others: {', '.join(taken)}")
    for key, pair in table.items():
        if len(pair) != len(LANGUAGES) or not all(isinstance(text, str) and text for text in pair):
            raise ValueError(f"{owner}: {key!r} needs a text in each of {', '.join(LANGUAGES)}")
        STRINGS[key], _OWNERS[key] = pair, owner


def translate(language: str, key: str, **values: object) -> str:
    pair = STRINGS.get(key)
    if pair is None:
        return key
    text = pair[1] if language == "en" else pair[0]
    return text.format(**values) if values else text


def pick_language(request: Request, default: str, user_language: str | None = None) -> str:
    """Explicit choice (?lang=, then the cookie) first, then the member's profile, then the default."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE), user_language):
        if candidate in LANGUAGES:
            return candidate
    return default
