"""The portal's words in Russian (default) and English. Templates call `t(key, **values)`."""

from __future__ import annotations

from starlette.requests import Request

LANGUAGES = ("ru", "en")
LANG_COOKIE = "club_lang"

STRINGS: dict[str, tuple[str, str]] = {
    # layout
    "nav.home": ("Главная", "Home"),
    "nav.account": ("Кабинет", "My account"),
    "nav.login": ("Войти", "Sign in"),
    "nav.register": ("Вступить в клуб", "Join the club"),
    "nav.logout": ("Выйти", "Sign out"),
    "nav.staff": ("Участники", "Members"),
    "lang.switch": ("English", "Русский"),
    "csrf.field": ("Проверочный код формы", "Form check code"),
    # registration
    "register.title": ("Вступить в клуб", "Join the club"),
    "register.lead": ("Регистрация бесплатна: достаточно имени и e-mail.",
                      "Joining is free: your name and e-mail are enough."),
    "register.benefits": ("Что даёт клуб", "What the club gives you"),
    "register.benefit1": ("Новости первыми: новинки, акции и изменения в нормативах.",
                          "News first: new products, promotions and changes in regulations."),
    "register.benefit2": ("Закрытая аналитика рынка — после того как вы укажете компанию и телефон.",
                          "Closed market analytics — once you add your company and phone."),
    "register.benefit3": ("Форум участников, мероприятия клуба и бонусная программа для компании.",
                          "The members' forum, club events and the company bonus programme."),
    "register.submit": ("Зарегистрироваться", "Register"),
    "register.have_account": ("Уже в клубе?", "Already a member?"),
    "register.check_mail_title": ("Проверьте почту", "Check your e-mail"),
    "register.check_mail": ("Мы отправили письмо на {email}. Откройте ссылку из письма, чтобы подтвердить адрес, "
                            "и войдите.",
                            "We sent a message to {email}. Open the link in it to confirm your address, "
                            "then sign in."),
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
    # errors in forms
    "error.form": ("Проверьте выделенные поля.", "Please check the marked fields."),
    "error.name_required": ("Укажите имя и фамилию.", "Enter your full name."),
    "error.name_too_long": ("Имя слишком длинное (до 200 символов).", "The name is too long (200 characters max)."),
    "error.email_invalid": ("Это не похоже на адрес e-mail, например ivan@company.ru.",
                            "This does not look like an e-mail address, e.g. ann@company.com."),
    "error.consent_required": ("Без согласия на обработку данных мы не можем вас зарегистрировать.",
                               "We cannot register you without your consent to data processing."),
    "password.too_short": ("Пароль короче 8 символов.", "The password is shorter than 8 characters."),
    "password.too_long": ("Пароль длиннее 1024 символов.", "The password is longer than 1024 characters."),
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
    # login / logout
    "login.title": ("Вход в клуб", "Sign in"),
    "login.submit": ("Войти", "Sign in"),
    "login.forgot": ("Забыли пароль?", "Forgot your password?"),
    "login.no_account": ("Ещё не в клубе?", "Not a member yet?"),
    "login.external": ("Войти через {name}", "Sign in with {name}"),
    "login.or": ("или", "or"),
    "logout.title": ("Выход", "Sign out"),
    "logout.lead": ("Выйти из клуба на этом устройстве?", "Sign out on this device?"),
    "logout.done": ("Вы вышли из клуба.", "You have signed out."),
    # confirmation
    "confirm.title": ("Подтверждение адреса", "Confirm your address"),
    "confirm.lead": ("Нажмите кнопку, чтобы подтвердить адрес {email}.", "Press the button to confirm {email}."),
    "confirm.submit": ("Подтвердить адрес", "Confirm my address"),
    "confirm.done": ("Адрес подтверждён. Теперь войдите.", "Address confirmed. Now sign in."),
    "token.invalid": ("Ссылка неверна или устарела. Запросите новую.",
                      "The link is wrong or has expired. Ask for a new one."),
    "token.used": ("Эта ссылка уже использована.", "This link has been used already."),
    # reset
    "reset.title": ("Восстановление пароля", "Reset your password"),
    "reset.lead": ("Укажите e-mail, с которым вы в клубе. Мы пришлём ссылку для нового пароля.",
                   "Enter the e-mail you joined with. We will send a link to set a new password."),
    "reset.submit": ("Прислать ссылку", "Send the link"),
    "reset.sent": ("Если адрес {email} есть в клубе, письмо со ссылкой уже в пути. Ссылка действует 2 часа.",
                   "If {email} belongs to a member, a message with the link is on its way. "
                   "The link works for 2 hours."),
    "reset.new_title": ("Новый пароль", "New password"),
    "reset.new_submit": ("Сохранить пароль", "Save the password"),
    "reset.done": ("Пароль изменён. Все остальные сеансы завершены.", "Password changed. All other sessions ended."),
    # cabinet
    "cabinet.title": ("Личный кабинет", "My account"),
    "cabinet.hello": ("Здравствуйте, {name}!", "Hello, {name}!"),
    "level.registered": ("Зарегистрирован", "Registered"),
    "level.member": ("Участник клуба", "Club member"),
    "level.staff": ("Сотрудник клуба", "Club staff"),
    "level.unconfirmed": ("Адрес не подтверждён", "Address not confirmed"),
    "cabinet.become_member": ("Укажите компанию и телефон в профиле — и откроются закрытая аналитика и форум.",
                              "Add your company and phone in the profile to open the closed analytics and forum."),
    "cabinet.suspended": ("Участие приостановлено сотрудниками клуба: {reason}",
                          "Your membership was suspended by the club staff: {reason}"),
    "cabinet.sections": ("Закрытые разделы", "Members' sections"),
    "cabinet.profile": ("Профиль", "Profile"),
    "cabinet.edit_profile": ("Изменить профиль", "Edit the profile"),
    "cabinet.newsletters": ("Рассылки", "Newsletters"),
    "cabinet.sessions": ("Сеансы", "Sessions"),
    "cabinet.this_device": ("это устройство", "this device"),
    "cabinet.sign_out_session": ("Завершить", "End"),
    "cabinet.sign_out_everywhere": ("Выйти на всех других устройствах", "Sign out on all other devices"),
    "cabinet.sessions_ended": ("Сеансов завершено: {count}.", "Sessions ended: {count}."),
    "cabinet.data": ("Мои данные", "My data"),
    "cabinet.export": ("Скачать мои данные (JSON)", "Download my data (JSON)"),
    "cabinet.delete": ("Удалить аккаунт", "Delete my account"),
    "cabinet.saved": ("Сохранено.", "Saved."),
    "cabinet.last_seen": ("последняя активность", "last active"),
    "list.news": ("Новости и новинки", "News and new products"),
    "list.promo": ("Акции и конкурсы", "Promotions and contests"),
    "list.events": ("Мероприятия клуба", "Club events"),
    "list.magazine": ("Корпоративный журнал", "Corporate magazine"),
    "newsletters.save": ("Сохранить подписки", "Save subscriptions"),
    "profile.title": ("Профиль", "Profile"),
    "profile.lead": ("Компания и телефон открывают закрытую аналитику и форум участников.",
                     "Company and phone open the closed analytics and the members' forum."),
    "profile.save": ("Сохранить", "Save"),
    "delete.title": ("Удаление аккаунта", "Delete the account"),
    "delete.lead": ("Мы удалим ваш профиль, подписки и сеансы. Это нельзя отменить. Данные компании останутся "
                    "у её других участников.",
                    "We will erase your profile, subscriptions and sessions. This cannot be undone. Your "
                    "company's record stays with its other members."),
    "delete.submit": ("Удалить навсегда", "Delete for good"),
    "delete.done": ("Аккаунт удалён.", "The account has been deleted."),
    "delete.password_hint": ("Для подтверждения введите пароль.", "Enter your password to confirm."),
    # teaser (next step on a gated page)
    "teaser.title": ("Материал для участников клуба", "For club members"),
    "teaser.complete": ("Укажите компанию и телефон в профиле — и материал откроется полностью.",
                        "Add your company and phone in your profile and the full text opens."),
    "teaser.complete_button": ("Заполнить профиль", "Complete the profile"),
    "teaser.suspended": ("Участие приостановлено; закрытые материалы недоступны.",
                         "Your membership is suspended; closed materials are not available."),
    # staff
    "staff.title": ("Участники клуба", "Club members"),
    "staff.search": ("Найти", "Search"),
    "staff.suspend": ("Приостановить", "Suspend"),
    "staff.unsuspend": ("Возобновить", "Restore"),
    "staff.reason": ("Причина", "Reason"),
    # errors
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
    "oidc.failed": ("Не удалось войти через внешний сервис. Попробуйте ещё раз.",
                    "External sign-in failed. Please try again."),
    "oidc.expired": ("Вход через внешний сервис занял слишком много времени. Начните заново.",
                     "The external sign-in took too long. Please start again."),
    "oidc.state": ("Ответ внешнего сервиса не относится к этому браузеру. Начните вход заново.",
                   "The provider's answer does not belong to this browser. Please start again."),
    "oidc.denied": ("Вы отменили вход во внешнем сервисе.", "You cancelled the sign-in at the provider."),
    "oidc.refused": ("Внешний сервис отказал во входе.", "The provider refused the sign-in."),
    "oidc.exchange": ("Внешний сервис не подтвердил вход. Попробуйте позже.",
                      "The provider did not confirm the sign-in. Try again later."),
    "oidc.invalid_token": ("Ответ внешнего сервиса не прошёл проверку подписи.",
                           "The provider's answer failed verification."),
    "oidc.unavailable": ("Внешний сервис входа сейчас недоступен.", "The sign-in provider is unavailable right now."),
    "oidc.email_taken": ("В клубе уже есть аккаунт с этим адресом. Войдите с паролем и привяжите внешний вход "
                         "в кабинете.", "The club already has an account with this address. Sign in with your "
                         "password and link the external sign-in in your account."),
    "oidc.consent_note": ("Продолжая, вы соглашаетесь на обработку персональных данных (152-ФЗ).",
                          "By continuing you consent to the processing of your personal data (152-FZ)."),
    "cabinet.link_external": ("Привязать вход через {name}", "Link sign-in with {name}"),
    "error.home": ("На главную", "Home page"),
}


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
