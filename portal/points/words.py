"""Words of the points capability (ru, en)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "points.title": ("Баллы", "Points"),
    # --- pts-ledger: the ledger, the cabinet page, the staff page, the expiry letter ---
    "points.available": ("Доступно", "Available"),
    "points.available_short": ("баллов доступно", "points available"),
    "points.held": ("В резерве по заявкам", "Held for requests"),
    "points.total": ("Всего, с резервом", "Total, with held"),
    "points.expiring": ("Сгорит в ближайшие {days} дн.", "Expiring within {days} days"),
    "points.expiring_notice": ("{amount} баллов сгорят в ближайшие {days} дн.: сначала сгорают самые старые.",
                               "{amount} points expire within {days} days: the oldest expire first."),
    "points.expiring_card": ("Скоро сгорят: {amount}", "Expiring soon: {amount}"),
    "points.next_expiry": ("Ближайшее сгорание", "Next expiry"),
    "points.expires_on": ("действуют до", "valid until"),
    "points.history": ("История", "History"),
    "points.no_history": ("Начислений и списаний пока не было.", "No points earned or spent yet."),
    "points.newer": ("Новее", "Newer"),
    "points.older": ("Старее", "Older"),
    "points.open": ("Баллы компании", "Company points"),
    "points.th.when": ("Когда", "When"),
    "points.th.what": ("Что", "What"),
    "points.th.amount": ("Баллы", "Points"),
    "points.th.reason": ("Основание", "Reason"),
    "points.th.who": ("Кто", "By"),
    "points.kind.earn": ("Начислено", "Earned"),
    "points.kind.hold": ("Резерв по заявке", "Held for a request"),
    "points.kind.release": ("Резерв снят", "Hold returned"),
    "points.kind.debit": ("Списано по заявке", "Spent on a request"),
    "points.kind.expire": ("Сгорело", "Expired"),
    "points.kind.adjust": ("Корректировка", "Adjustment"),
    "points.kind.reverse": ("Сторно", "Reversal"),
    "points.you_represent": ("Вы — представитель компании: вы можете тратить баллы.",
                             "You are the company's representative: you spend its points."),
    "points.representative_is": ("Тратить баллы может представитель компании: {name}.",
                                 "The company's representative spends its points: {name}."),
    "points.no_representative": ("Представитель компании, который тратит баллы, пока не назначен — "
                                 "напишите вашему менеджеру клуба.",
                                 "Nobody represents the company yet to spend its points: write to your club "
                                 "manager."),
    "points.rules": ("Баллы действуют {months} мес. с даты начисления, первыми сгорают самые старые.",
                     "Points are valid for {months} months from when they were earned; the oldest expire first."),
    "points.how_to_get": ("Баллы начисляются компании-участнику за закупки. Укажите в профиле компанию и телефон "
                          "— и баллы вашей компании появятся здесь.",
                          "Points are earned by member companies for their purchases. Add your company and phone "
                          "to your profile, and your company's points appear here."),
    "points.fill_profile": ("Заполнить профиль", "Complete your profile"),
    "points.staff.nav": ("Баллы", "Points"),
    "points.staff.title": ("Баллы компаний", "Company points"),
    "points.staff.find": ("Компания: название, ИНН или #номер", "Company: name, INN or #id"),
    "points.staff.find_hint": ("Название пишется как угодно: «ООО „Свет-Монтаж“» и «свет монтаж» — одна компания.",
                               "Any spelling of the name works: 'LLC Svet-Montazh' and 'svet montazh' are one "
                               "company."),
    "points.staff.search": ("Найти", "Find"),
    "points.staff.not_found": ("Компания «{q}» не найдена.", "No company '{q}'."),
    "points.staff.card": ("Карточка компании", "Company card"),
    "points.staff.inn": ("ИНН", "INN"),
    "points.staff.adjust": ("Начислить или списать вручную", "Grant or take by hand"),
    "points.staff.direction": ("Действие", "Action"),
    "points.staff.grant": ("Начислить", "Grant"),
    "points.staff.take": ("Списать", "Take"),
    "points.staff.amount": ("Баллов", "Points"),
    "points.staff.reason": ("Основание", "Reason"),
    "points.staff.reason_hint": ("Его видят все сотрудники компании: например, «Награда года» или «Ошибка в "
                                 "начислении за октябрь».",
                                 "Everyone in the company sees it: e.g. 'Award of the year' or 'October accrual "
                                 "corrected'."),
    "points.staff.save": ("Записать", "Save"),
    "points.staff.saved": ("Записано.", "Saved."),
    "points.error.amount": ("Укажите целое число баллов больше нуля.", "Enter a whole number of points above zero."),
    "points.error.reason": ("Укажите основание.", "Give a reason."),
    "points.error.not_enough": ("Столько списать нельзя: доступно только {available}.",
                                "Cannot take that many: only {available} available."),
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
    # The monthly accrual's line in the history (its stored reason is for the command line's report)
    "points.reason.accrual": ("Закупки за {month}", "Purchases in {month}"),
    # --- pts-match: the staff page for lines kept aside (unknown INN) and points for event attendance ---
    "points.unmatched.nav": ("Нераспознанные ИНН", "Unknown INNs"),
    "points.unmatched.title": ("Отгрузки с нераспознанным ИНН", "Shipments with an unknown INN"),
    "points.unmatched.lead": ("Строки выгрузки, ИНН которых не совпал ни с одной компанией клуба, ждут здесь. "
                              "Привяжите ИНН к компании — строки перейдут к ней, а следующие выгрузки с этим ИНН "
                              "сразу пойдут туда же.",
                              "Lines of the shipments file whose INN matched no club company wait here. Attach an "
                              "INN to a company: its lines go to it, and later files with this INN follow."),
    "points.unmatched.none": ("Нераспознанных ИНН нет: все строки выгрузок привязаны к компаниям.",
                              "No unknown INNs: every line of the shipments files belongs to a company."),
    "points.unmatched.more": ("Показаны первые {count} ИНН (больше всего строк); полный список — "
                              "`club points unmatched`.",
                              "The first {count} INNs (the most lines) are shown; the full list: "
                              "`club points unmatched`."),
    "points.unmatched.th.inn": ("ИНН", "INN"),
    "points.unmatched.th.lines": ("Строк", "Lines"),
    "points.unmatched.th.sum": ("Сумма, ₽", "Amount, RUB"),
    "points.unmatched.th.dates": ("Даты", "Dates"),
    "points.unmatched.th.where": ("Где в файлах", "Where in the files"),
    "points.unmatched.bad_inn": ("ИНН не проходит проверку контрольных цифр", "The INN fails its check digits"),
    "points.unmatched.company": ("Компания: название, ИНН или #номер", "Company: name, INN or #id"),
    "points.unmatched.confirm": ("Да, привязать к этой компании", "Yes, attach to this company"),
    "points.unmatched.attach": ("Привязать", "Attach"),
    "points.unmatched.done": ("ИНН {inn}: {lines} стр. на {sum} ₽ привязано к компании {name}.",
                              "INN {inn}: {lines} line(s), {sum} RUB, attached to {name}."),
    "points.unmatched.done_no_company": ("ИНН {inn}: привязано {lines} стр. на {sum} ₽ (с тех пор ИНН "
                                         "привязали заново).",
                                         "INN {inn}: {lines} line(s), {sum} RUB attached (the INN has been "
                                         "matched again since)."),
    "points.unmatched.month.next": ("{month}: баллы за эти строки начислятся при ближайшем ежемесячном "
                                    "начислении.",
                                    "{month}: these lines count in the next monthly accrual."),
    "points.unmatched.month.command": ("{month}: этот месяц ежемесячное начисление уже не проверяет — "
                                       "попросите администратора выполнить `club points accrue --month {month}`.",
                                       "{month}: the monthly accrual no longer looks at this month — ask an "
                                       "administrator to run `club points accrue --month {month}`."),
    "points.unmatched.month.accrued": ("{month}: за этот месяц компании баллы уже начислены; с этими строками месяц "
                                       "стоит на {missing} балл. больше. Разницу допишет следующее начисление за "
                                       "этот месяц (`club points accrue --month {month}`; за прошлый месяц "
                                       "ежемесячное начисление делает это само).",
                                       "{month}: the company was accrued for this month already; with these lines "
                                       "the month is worth {missing} more points. The next accrual of the month "
                                       "adds the difference (`club points accrue --month {month}`; the monthly "
                                       "job does so for the previous month)."),
    "points.unmatched.month.accrued_unknown": ("{month}: за этот месяц компании баллы уже начислены; разницу допишет "
                                               "следующее начисление за этот месяц, когда будет исправлено правило "
                                               "начисления в mkdocs.yml (сейчас в нём ошибка).",
                                               "{month}: the company was accrued for this month already; the next "
                                               "accrual of the month adds the difference once the accrual rule in "
                                               "mkdocs.yml is fixed (it is wrong now)."),
    "points.unmatched.error.empty": ("Укажите компанию: название, ИНН или #номер.",
                                     "Name the company: its name, INN or #id."),
    "points.unmatched.error.no_company": ("Компания «{q}» не найдена.", "No company '{q}'."),
    "points.unmatched.error.confirm": ("Проверьте и отметьте «Да, привязать к этой компании».",
                                       "Check, then tick 'Yes, attach to this company'."),
    "points.unmatched.error.gone": ("Строк с ИНН {inn} больше нет среди нераспознанных — вероятно, их только что "
                                    "привязал кто-то другой. Ничего не изменено (вы указали «{q}»).",
                                    "No lines with INN {inn} are kept aside any more: someone has probably just "
                                    "attached them. Nothing was changed (you entered '{q}')."),
    "points.unmatched.warn.other_inn": ("У компании {name} в карточке другой ИНН: {inn}.",
                                        "{name} has another INN on record: {inn}."),
    "points.unmatched.warn.bad_inn": ("ИНН {inn} не проходит проверку контрольных цифр.",
                                      "INN {inn} fails its check digits."),
    "points.reason.event": ("Участие в мероприятии «{title}»", "Attended the event '{title}'"),
    # --- the dealer scorecard (h-score): staff /staff/points/<id>/scorecard and /staff/points/scorecard/,
    # the partner's /account/points/scorecard ---
    "points.score.title": ("Оценка компании", "Company scorecard"),
    "points.score.open": ("Оценка компании и бюджет на маркетинг", "Company scorecard and marketing budget"),
    "points.score.overview": ("Оценка компаний", "Company scorecards"),
    "points.score.year": ("Год оценки", "Scored year"),
    "points.score.criterion": ("Критерий", "Criterion"),
    "points.score.score": ("Балл", "Score"),
    "points.score.of": ("из", "of"),
    "points.score.weight": ("Вес", "Weight"),
    "points.score.weighted": ("Балл × вес", "Score × weight"),
    "points.score.note": ("Комментарий", "Note"),
    "points.score.not_scored": ("не оценено", "not scored"),
    "points.score.save": ("Сохранить оценку", "Save the scores"),
    "points.score.history": ("История оценок", "Score history"),
    "points.score.no_history": ("Вручную эту компанию за этот год ещё не оценивали.",
                                "Nobody has scored this company by hand for this year yet."),
    "points.score.total": ("Сумма баллов", "Total"),
    "points.score.coefficient": ("Коэффициент", "Coefficient"),
    "points.score.budget_for": ("Лимит софинансирования маркетинга на {year} год",
                                "Co-funded marketing budget cap for {year}"),
    "points.score.source.turnover": ("из отгрузок: закупки за год", "from shipments: the year's purchases"),
    "points.score.source.years": ("из данных: полных лет с нами", "from data: full years with us"),
    "points.score.source.manual": ("оценивает менеджер", "scored by the manager"),
    "points.score.turnover_value": ("Закупки за {year} год: {amount} ₽", "Purchases in {year}: {amount} ₽"),
    "points.score.years_value": ("С нами с {since}: полных лет — {years}", "With us since {since}: {years} full years"),
    "points.score.years_none": ("Отгрузок пока не было", "No shipments yet"),
    "points.score.formula": (
        "Сумма баллов — сумма «балл × вес» по всем критериям. Коэффициент растёт от {low} (ни одного балла) до "
        "{high} (высший балл по каждому критерию) пропорционально сумме и округляется до сотых; лимит — "
        "коэффициент × {base} ₽.",
        "The total is the sum of score × weight over the criteria. The coefficient rises from {low} (no points) "
        "to {high} (every criterion at its top) in proportion to the total, rounded to hundredths; the cap is "
        "the coefficient × {base} ₽."),
    "points.score.sort": ("Порядок", "Order"),
    "points.score.sort.total": ("по сумме баллов", "by total"),
    "points.score.sort.name": ("по названию", "by name"),
    "points.score.csv": ("Скачать CSV", "Download CSV"),
    "points.score.csv.company": ("Компания", "Company"),
    "points.score.no_companies": ("Компаний пока нет.", "No companies yet."),
    "points.score.error.unknown": ("Критерия «{criterion}» в оценке нет — обновите страницу: список критериев "
                                   "мог измениться.",
                                   "The scorecard has no criterion '{criterion}': reload the page, the criteria "
                                   "may have changed."),
    "points.score.error.choose": ("Выберите балл: комментарий без балла не сохраняется.",
                                  "Choose a score: a note without a score is not saved."),
    "points.score.error.range": ("Балл — целое число от 0 до {top}.", "A score is a whole number from 0 to {top}."),
    "points.score.broken": ("Оценка компаний сейчас недоступна: её настройки с ошибкой.",
                            "The scorecard is unavailable for now: its settings are wrong."),
    "points.score.broken_staff": ("Исправьте extra.club.points.scorecard в mkdocs.yml и перезапустите портал.",
                                  "Fix extra.club.points.scorecard in mkdocs.yml and restart the portal."),
    "points.score.lead": ("По оценке за {year} год завод софинансирует маркетинг вашей компании в {budget_year} "
                          "году в пределах {budget} ₽ — при условии, что столько же вкладывает ваша компания.",
                          "On the {year} scorecard the manufacturer co-funds your company's marketing in "
                          "{budget_year} up to {budget} ₽, provided your company invests as much."),
    "points.score.raise": ("Что повысит балл", "What would raise it"),
    "points.score.raise.top": ("Наивысший балл.", "The top score."),
    "points.score.raise.turnover": ("Балл {score} — от {start} ₽ закупок за год: не хватило {missing} ₽.",
                                    "Score {score} from {start} ₽ of purchases a year: {missing} ₽ short."),
    "points.score.so_far": ("В {year} году уже закуплено на {amount} ₽.", "Bought in {year} so far: {amount} ₽."),
    "points.score.raise.years": ("Балл {score} — при стаже с нами от {years} г.: с {date}.",
                                 "Score {score} from {years} full years with us: from {date}."),
    "points.score.raise.years_first": ("Отсчёт начнётся с первой отгрузки.",
                                       "The count starts with the first shipment."),
    "points.score.raise.manual": ("Балл {score}: {text}", "Score {score}: {text}"),
    "points.score.raise.manual_plain": ("Балл {score} — спросите вашего менеджера клуба, что для этого нужно.",
                                        "Score {score}: ask your club manager what it takes."),
    "points.score.partner_note": ("Оценку по ручным критериям ставит ваш менеджер клуба; если что-то изменилось, "
                                  "напишите ему.",
                                  "Your club manager scores the manual criteria; if something has changed, write "
                                  "to them."),
    # --- tiers and the purchase analytics (h-tiers): /account/points/ tier section, /account/points/purchases ---
    "points.tier.title": ("Уровень партнёра", "Partner tier"),
    "points.tier.card": ("Уровень: {name}", "Tier: {name}"),
    "points.tier.purchases": ("Закупки за 12 месяцев ({start} — {end})", "Purchases over 12 months ({start} – {end})"),
    "points.tier.gives": ("Что даёт уровень", "What the tier gives"),
    "points.tier.to_next": ("До уровня «{name}» осталось {amount} ₽ закупок.",
                            "{amount} roubles of purchases more to reach {name}."),
    "points.tier.progress": ("Путь к уровню «{name}»", "Progress to {name}"),
    "points.tier.top": ("Это высший уровень клуба.", "This is the club's top tier."),
    "points.tier.all": ("Все уровни", "All tiers"),
    "points.tier.th.name": ("Уровень", "Tier"),
    "points.tier.th.from": ("Порог: закупки за 12 месяцев, ₽", "Threshold: purchases over 12 months, roubles"),
    "points.tier.th.gives": ("Что даёт", "What it gives"),
    "points.tier.yours": ("ваш уровень", "your tier"),
    "points.tier.hint": ("Считаются отгрузки за 12 полных месяцев до текущего, за вычетом возвратов; уровень "
                         "пересчитывается 1-го числа каждого месяца, как и выписка по баллам.",
                         "Shipments over the 12 full months before the current one count, returns deducted; the "
                         "tier is recalculated on the 1st of each month, like the points statement."),
    "points.purchases.title": ("Закупки компании", "Company purchases"),
    "points.purchases.open": ("Аналитика закупок", "Purchase analytics"),
    "points.purchases.lead": ("Отгрузки по данным учёта завода, за вычетом возвратов: по месяцам и товарным группам, "
                              "в сравнении с теми же месяцами год назад.",
                              "Shipments from the manufacturer's accounts, returns deducted: by month and product "
                              "group, against the same months a year before."),
    "points.purchases.period": ("Период", "Period"),
    "points.purchases.last_12": ("Последние 12 месяцев", "Last 12 months"),
    "points.purchases.group": ("Товарная группа", "Product group"),
    "points.purchases.all_groups": ("Все группы", "All groups"),
    "points.purchases.show": ("Показать", "Show"),
    "points.purchases.chart": ("Закупки по месяцам и те же месяцы год назад", "Purchases by month and the same "
                               "months a year before"),
    "points.purchases.chart_desc": ("Столбцы по месяцам: тёмные — выбранный период, светлые — год назад. "
                                    "Те же числа — в таблице ниже.",
                                    "Bars by month: dark for the chosen period, light for a year before. The same "
                                    "numbers are in the table below."),
    "points.purchases.legend_now": ("Выбранный период", "Chosen period"),
    "points.purchases.legend_before": ("Год назад", "A year before"),
    "points.purchases.bar": ("{month}: {amount} ₽", "{month}: {amount} roubles"),
    "points.purchases.month": ("Месяц", "Month"),
    "points.purchases.total": ("Итого", "Total"),
    "points.purchases.last_year": ("Год назад", "A year before"),
    "points.purchases.change": ("Изменение, %", "Change, %"),
    "points.purchases.share": ("Доля, %", "Share, %"),
    "points.purchases.no_group": ("Без группы", "No group"),
    "points.purchases.roubles": ("Суммы — в рублях.", "Amounts in roubles."),
    "points.purchases.none": ("В этом периоде закупок нет.", "No purchases in this period."),
    "points.purchases.so_far": ("Текущий месяц — по сегодняшний день.", "The current month so far."),
    "points.purchases.window": ("Последние 12 месяцев — это 12 полных месяцев до текущего, как в расчёте уровня.",
                                "The last 12 months are the 12 full months before the current one, as for the "
                                "tier."),
    "points.purchases.csv": ("Скачать CSV", "Download CSV"),
    "points.purchases.xlsx": ("Скачать XLSX", "Download XLSX"),
    "points.purchases.error.period": ("Выберите период из списка: последние 12 месяцев или год с {first} по {last}.",
                                      "Choose a period from the list: the last 12 months or a year from {first} "
                                      "to {last}."),
    "points.purchases.error.group": ("Товарной группы «{group}» в закупках компании нет — выберите группу из списка.",
                                     "The company has no purchases in the product group '{group}': choose one "
                                     "from the list."),
    # --- pts-requests: privilege requests (request_pages, staff_requests, the timeline) ---
    "points.state.requested": ("Отправлена", "Sent"),
    "points.state.confirmed": ("Подтверждена", "Confirmed"),
    "points.state.in_progress": ("В работе", "In progress"),
    "points.state.done": ("Выполнена", "Done"),
    "points.state.rejected": ("Отклонена", "Rejected"),
    "points.state.cancelled": ("Отозвана", "Withdrawn"),
    "points.requests.title": ("Заявки на привилегии", "Privilege requests"),
    "points.requests.open_title": ("Открытые заявки", "Open requests"),
    "points.requests.all": ("Все заявки компании", "All the company's requests"),
    "points.requests.none": ("Заявок пока не было.", "No requests yet."),
    "points.requests.new": ("Заявка на привилегию", "Request a privilege"),
    "points.requests.lead": ("Опишите задачу: что нужно сделать, для какого объекта или сайта, к какому сроку. "
                             "Стоимость резервируется сразу, как только вы отправите заявку.",
                             "Describe the task: what is to be done, for which project or site, by when. "
                             "The cost is reserved as soon as you send the request."),
    "points.requests.task": ("Описание задачи", "The task"),
    "points.requests.task_hint": ("До {limit} символов.", "Up to {limit} characters."),
    "points.requests.send": ("Отправить заявку", "Send the request"),
    "points.requests.after": ("Менеджер клуба рассмотрит заявку в течение двух рабочих дней. Если клуб её "
                              "отклонит или вы отзовёте её до подтверждения, баллы сразу вернутся.",
                              "A club manager looks at the request within two working days. If the club "
                              "rejects it, or you withdraw it before it is confirmed, the points come back at once."),
    "points.requests.number": ("Заявка №{number}", "Request #{number}"),
    "points.requests.th.number": ("№", "#"),
    "points.requests.th.privilege": ("Привилегия", "Privilege"),
    "points.requests.th.company": ("Компания", "Company"),
    "points.requests.th.cost": ("Баллов", "Points"),
    "points.requests.th.state": ("Статус", "State"),
    "points.requests.th.created": ("Создана", "Created"),
    "points.requests.th.age": ("Ждёт", "Waiting"),
    "points.requests.th.by": ("Кто", "By"),
    "points.requests.th.note": ("Комментарий", "Note"),
    "points.requests.age_days": ("{days} дн.", "{days} d"),
    "points.requests.requested_by": ("Заказал(а)", "Requested by"),
    "points.requests.history": ("Ход заявки", "What happened"),
    "points.requests.results": ("Результат", "The result"),
    "points.requests.cancel": ("Отозвать заявку", "Withdraw the request"),
    "points.requests.cancel_hint": ("Пока клуб не подтвердил заявку, её можно отозвать: баллы сразу вернутся.",
                                    "Until the club confirms the request you may withdraw it: the points come "
                                    "back at once."),
    "points.requests.notice.sent": ("Заявка отправлена, баллы зарезервированы.",
                                    "The request is sent; the points are reserved."),
    "points.requests.notice.cancelled": ("Заявка отозвана, баллы вернулись.",
                                         "The request is withdrawn; the points are back."),
    "points.requests.filter": ("Показать", "Show"),
    "points.requests.filter.open": ("Открытые", "Open"),
    "points.requests.filter.all": ("Все", "All"),
    "points.requests.of_company": ("Заявки компании", "The company's requests"),
    "points.requests.staff.empty": ("Заявок в этом статусе нет.", "No requests in this state."),
    "points.requests.staff.actions": ("Что дальше", "Next step"),
    "points.requests.staff.confirm": ("Подтвердить", "Confirm"),
    "points.requests.staff.start": ("Взять в работу", "Start the work"),
    "points.requests.staff.done": ("Выполнено", "Done"),
    "points.requests.staff.reject": ("Отклонить", "Reject"),
    "points.requests.staff.note": ("Комментарий (его увидит компания)", "Note (the company sees it)"),
    "points.requests.staff.reason": ("Причина (её увидит компания)", "Reason (the company sees it)"),
    "points.requests.staff.files": ("Файлы результата", "Result files"),
    "points.requests.staff.files_hint": ("PDF, DOCX, XLSX, PNG, JPG или ZIP; до {count} файлов, всего до {mb} МБ.",
                                         "PDF, DOCX, XLSX, PNG, JPG or ZIP; up to {count} files, {mb} MB in all."),
    "points.requests.staff.done_hint": ("Резерв будет списан окончательно.", "The held points are spent for good."),
    "points.requests.staff.reject_hint": ("Резерв сразу вернётся компании.", "The held points go back at once."),
    "points.requests.staff.closed": ("Заявка закрыта: действий больше нет.", "The request is closed: nothing more "
                                     "to do."),
    "points.requests.staff.nav": ("Заявки на привилегии", "Privilege requests"),
    "points.requests.error.task": ("Опишите задачу.", "Describe the task."),
    "points.requests.error.task_long": ("Описание длиннее {limit} символов — сократите его.",
                                        "The description is longer than {limit} characters: shorten it."),
    "points.requests.error.not_enough": ("Не хватает баллов: привилегия стоит {cost}, доступно {available}.",
                                         "Not enough points: the privilege costs {cost}, {available} available."),
    "points.requests.error.withdrawn": ("Эту привилегию больше не предлагают: заявку отправить нельзя.",
                                        "This privilege is no longer offered: the request cannot be sent."),
    "points.requests.error.stale": ("Заявку уже изменили: сейчас она в статусе «{state}». Проверьте и повторите.",
                                    "The request has already changed: it is \"{state}\" now. Check and try again."),
    "points.requests.error.reason": ("Укажите причину отказа.", "Give the reason for the rejection."),
    "points.requests.error.note_long": ("Комментарий длиннее {limit} символов.", "The note is longer than {limit} "
                                        "characters."),
    "points.requests.error.file_type": ("«{name}»: такие файлы не принимаются (PDF, DOCX, XLSX, PNG, JPG, ZIP).",
                                        "'{name}': files of this type are not accepted (PDF, DOCX, XLSX, PNG, JPG, "
                                        "ZIP)."),
    "points.requests.error.file_empty": ("«{name}»: файл пустой.", "'{name}': the file is empty."),
    "points.requests.error.file_mismatch": ("«{name}»: содержимое не совпадает с расширением файла.",
                                            "'{name}': the content does not match the file's extension."),
    "points.requests.error.too_many_files": ("Не больше {limit} файлов.", "At most {limit} files."),
    "points.requests.error.too_big": ("Файлы вместе больше {limit} МБ.", "The files add up to more than {limit} MB."),
    "timeline.points_request_requested": ("Заявка на привилегию", "Privilege requested"),
    "timeline.points_request_confirmed": ("Заявка на привилегию подтверждена", "Privilege request confirmed"),
    "timeline.points_request_in_progress": ("Заявка на привилегию в работе", "Privilege request in progress"),
    "timeline.points_request_done": ("Привилегия выполнена", "Privilege delivered"),
    "timeline.points_request_rejected": ("Заявка на привилегию отклонена", "Privilege request rejected"),
    "timeline.points_request_cancelled": ("Заявка на привилегию отозвана", "Privilege request withdrawn"),
    # --- the staff dashboard's points panel and the partner health table (portal/points/figures.py) ---
    "points.dash.title": ("Баллы", "Points"),
    "points.dash.earned": ("Начислено", "Earned"),
    "points.dash.spent": ("Потрачено на привилегии", "Spent on privileges"),
    "points.dash.expired": ("Сгорело", "Expired"),
    "points.dash.outstanding": ("Обязательства: баллы у компаний", "Liability: points companies hold"),
    "points.dash.outstanding_note": ("На конец периода, с резервом по заявкам", "At the period's end, held included"),
    "points.dash.expiring": ("Сгорит в следующие 90 дней", "Expiring in the next 90 days"),
    "points.health.purchases": ("Закупки за 12 мес., ₽", "Purchases, 12 months, ₽"),
    "points.health.trend": ("Динамика закупок, %", "Purchases trend, %"),
    "points.health.balance": ("Баллы", "Points"),
}
