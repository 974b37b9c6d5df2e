"""The directory's reference vocabularies, loaded by `manage.py load_taxonomies` (and the data migration):

- the Italian **needs taxonomy** ("bisogni"): what a person is looking for, two levels;
- the public notice's **action lines** ("linee-azione"): prossimità, cittadinanza attiva, altre azioni;
- the **target groups** used for eligibility (age bands and groups).

Labels are given in every portal language (it, en, fr, es, ar, uk, zh); `label(lang)` falls back to Italian.
Loading is idempotent: rows are matched by code and updated in place, so their `hsds_id` stays stable."""

from __future__ import annotations

from typing import Any

Labels = dict[str, str]


def L(it: str, en: str, fr: str, es: str, ar: str, uk: str, zh: str) -> Labels:  # noqa: N802 - a table helper
    return {"it": it, "en": en, "fr": fr, "es": es, "ar": ar, "uk": uk, "zh": zh}


NEEDS_TAXONOMY = {
    "code": "bisogni",
    "name": "Bisogni (Trama)",
    "description": "Tassonomia dei bisogni per la mappa delle risorse territoriali di Milano.",
    "version": "1.0",
}

# (code, parent code or None, labels)
NEEDS_TERMS: list[tuple[str, str | None, Labels]] = [
    ("casa", None, L("Casa", "Housing", "Logement", "Vivienda", "السكن", "Житло", "住房")),
    ("casa.emergenza", "casa", L("Emergenza abitativa", "Emergency housing", "Hébergement d'urgence",
                                 "Alojamiento de emergencia", "السكن الطارئ", "Екстрене житло", "紧急住房")),
    ("casa.affitto", "casa", L("Sostegno all'affitto", "Rent support", "Aide au loyer", "Ayuda para el alquiler",
                               "دعم الإيجار", "Допомога з орендою", "租房补助")),
    ("casa.ricerca", "casa", L("Ricerca casa", "Finding a home", "Recherche de logement", "Búsqueda de vivienda",
                               "البحث عن سكن", "Пошук житла", "找房")),
    ("lavoro", None, L("Lavoro", "Work", "Emploi", "Empleo", "العمل", "Робота", "就业")),
    ("lavoro.orientamento", "lavoro", L("Orientamento al lavoro", "Job guidance", "Orientation professionnelle",
                                        "Orientación laboral", "التوجيه المهني", "Профорієнтація", "就业指导")),
    ("lavoro.formazione", "lavoro", L("Formazione professionale", "Vocational training",
                                      "Formation professionnelle", "Formación profesional", "التدريب المهني",
                                      "Професійне навчання", "职业培训")),
    ("lavoro.cv", "lavoro", L("Curriculum e colloqui", "CV and job interviews", "CV et entretiens",
                              "Currículum y entrevistas", "السيرة الذاتية والمقابلات", "Резюме та співбесіди",
                              "简历与面试")),
    ("reddito", None, L("Sostegno al reddito", "Income support", "Aide au revenu", "Apoyo a los ingresos",
                        "دعم الدخل", "Підтримка доходу", "收入援助")),
    ("reddito.contributi", "reddito", L("Contributi economici", "Financial aid", "Aides financières",
                                        "Ayudas económicas", "المساعدات المالية", "Фінансова допомога", "经济补助")),
    ("reddito.bollette", "reddito", L("Bollette e spese", "Bills and expenses", "Factures et dépenses",
                                      "Facturas y gastos", "الفواتير والمصاريف", "Рахунки та витрати",
                                      "账单与开支")),
    ("reddito.debiti", "reddito", L("Gestione del debito", "Debt advice", "Gestion des dettes",
                                    "Gestión de deudas", "إدارة الديون", "Допомога з боргами", "债务咨询")),
    ("cibo", None, L("Cibo", "Food", "Alimentation", "Alimentación", "الغذاء", "Харчування", "食物")),
    ("cibo.pacchi", "cibo", L("Pacchi alimentari", "Food parcels", "Colis alimentaires", "Paquetes de alimentos",
                              "السلال الغذائية", "Продуктові набори", "食品包")),
    ("cibo.empori", "cibo", L("Empori solidali", "Community food shops", "Épiceries solidaires",
                              "Tiendas solidarias", "متاجر التضامن", "Соціальні крамниці", "公益超市")),
    ("cibo.mense", "cibo", L("Mense", "Soup kitchens", "Restaurants solidaires", "Comedores sociales",
                             "مطاعم خيرية", "Безкоштовні їдальні", "爱心食堂")),
    ("salute", None, L("Salute", "Health", "Santé", "Salud", "الصحة", "Здоров'я", "健康")),
    ("salute.ambulatori", "salute", L("Ambulatori gratuiti", "Free clinics", "Consultations gratuites",
                                      "Consultorios gratuitos", "عيادات مجانية", "Безкоштовні амбулаторії",
                                      "免费诊所")),
    ("salute.consultori", "salute", L("Consultori familiari", "Family health centres",
                                      "Centres de planification familiale",
                                      "Centros de orientación familiar", "مراكز الاستشارات الأسرية",
                                      "Сімейні консультації", "家庭保健咨询中心")),
    ("salute.iscrizione-ssn", "salute", L("Iscrizione al Servizio sanitario", "Registering with the health service",
                                          "Inscription au service de santé", "Inscripción en el servicio de salud",
                                          "التسجيل في الخدمة الصحية", "Реєстрація в системі охорони здоров'я",
                                          "登记国家医疗服务")),
    ("prima-infanzia", None, L("Prima infanzia 0-6", "Early childhood 0-6", "Petite enfance 0-6",
                               "Primera infancia 0-6", "الطفولة المبكرة 0-6", "Раннє дитинство 0-6",
                               "幼儿 0-6岁")),
    ("prima-infanzia.spazi-mamma-bambino", "prima-infanzia",
     L("Spazi mamma-bambino", "Mother and child spaces", "Espaces mère-enfant", "Espacios madre-hijo",
       "فضاءات الأم والطفل", "Простори для мам і дітей", "母婴空间")),
    ("prima-infanzia.nidi", "prima-infanzia", L("Nidi e scuole dell'infanzia", "Nurseries and preschools",
                                                "Crèches et écoles maternelles", "Guarderías y escuelas infantiles",
                                                "الحضانات ورياض الأطفال", "Ясла та дитячі садки", "托儿所和幼儿园")),
    ("prima-infanzia.gioco", "prima-infanzia", L("Gioco e lettura 0-6", "Play and reading 0-6",
                                                 "Jeu et lecture 0-6", "Juego y lectura 0-6", "اللعب والقراءة 0-6",
                                                 "Ігри та читання 0-6", "游戏与阅读 0-6岁")),
    ("doposcuola", None, L("Doposcuola", "After-school", "Activités périscolaires", "Actividades extraescolares",
                           "أنشطة ما بعد المدرسة", "Позашкільні заняття", "课后托管")),
    ("doposcuola.compiti", "doposcuola", L("Aiuto compiti", "Homework help", "Aide aux devoirs",
                                           "Ayuda con los deberes", "المساعدة في الواجبات المدرسية",
                                           "Допомога з домашніми завданнями", "作业辅导")),
    ("doposcuola.centri-aggregazione", "doposcuola",
     L("Centri di aggregazione giovanile", "Youth centres", "Maisons de jeunes", "Centros juveniles",
       "مراكز الشباب", "Молодіжні центри", "青少年活动中心")),
    ("scuola", None, L("Scuola", "School", "École", "Escuela", "المدرسة", "Школа", "学校")),
    ("scuola.iscrizione", "scuola", L("Iscrizione a scuola", "School enrolment", "Inscription scolaire",
                                      "Matrícula escolar", "التسجيل في المدرسة", "Запис до школи", "入学注册")),
    ("scuola.dispersione", "scuola", L("Contrasto all'abbandono scolastico", "Preventing school drop-out",
                                       "Lutte contre le décrochage scolaire", "Prevención del abandono escolar",
                                       "مكافحة التسرب المدرسي", "Запобігання відсіву зі школи", "防止辍学")),
    ("genitorialita", None, L("Genitorialità", "Parenting", "Parentalité", "Crianza", "الوالدية",
                              "Батьківство", "育儿支持")),
    ("genitorialita.sostegno", "genitorialita", L("Sostegno ai genitori", "Parent support", "Soutien aux parents",
                                                  "Apoyo a madres y padres", "دعم الوالدين", "Підтримка батьків",
                                                  "家长支持")),
    ("genitorialita.nascita", "genitorialita", L("Gravidanza e nascita", "Pregnancy and birth",
                                                 "Grossesse et naissance", "Embarazo y nacimiento",
                                                 "الحمل والولادة", "Вагітність і народження", "孕期与分娩")),
    ("lingua-italiana", None, L("Lingua italiana", "Italian language", "Langue italienne", "Lengua italiana",
                                "اللغة الإيطالية", "Італійська мова", "意大利语")),
    ("lingua-italiana.adulti", "lingua-italiana", L("Italiano per adulti", "Italian for adults",
                                                    "Italien pour adultes", "Italiano para adultos",
                                                    "الإيطالية للبالغين", "Італійська для дорослих",
                                                    "成人意大利语")),
    ("lingua-italiana.mamme", "lingua-italiana", L("Italiano per mamme con bambini",
                                                   "Italian for mothers with children",
                                                   "Italien pour mères avec enfants",
                                                   "Italiano para madres con niños", "الإيطالية للأمهات مع أطفالهن",
                                                   "Італійська для мам з дітьми", "带孩子母亲的意大利语课")),
    ("lingua-italiana.ragazzi", "lingua-italiana", L("Italiano per ragazzi", "Italian for young people",
                                                     "Italien pour les jeunes", "Italiano para jóvenes",
                                                     "الإيطالية للشباب", "Італійська для підлітків",
                                                     "青少年意大利语")),
    ("documenti", None, L("Documenti e assistenza legale", "Documents and legal help", "Documents et aide juridique",
                          "Documentos y asesoría legal", "الوثائق والمساعدة القانونية",
                          "Документи та юридична допомога", "证件与法律援助")),
    ("documenti.permesso", "documenti", L("Permesso di soggiorno", "Residence permit", "Titre de séjour",
                                          "Permiso de residencia", "تصريح الإقامة", "Дозвіл на проживання",
                                          "居留许可")),
    ("documenti.residenza", "documenti", L("Residenza anagrafica", "Registering residence",
                                           "Inscription à l'état civil", "Empadronamiento", "تسجيل الإقامة",
                                           "Реєстрація місця проживання", "户籍登记")),
    ("documenti.sportello-legale", "documenti", L("Sportello legale", "Legal advice desk",
                                                  "Permanence juridique", "Asesoría jurídica",
                                                  "مكتب الاستشارات القانونية", "Юридична консультація",
                                                  "法律咨询处")),
    ("documenti.pratiche", "documenti", L("Aiuto con le pratiche", "Help with paperwork",
                                          "Aide aux démarches administratives", "Ayuda con trámites",
                                          "المساعدة في المعاملات", "Допомога з документами", "办事协助")),
    ("supporto-psicologico", None, L("Supporto psicologico", "Psychological support", "Soutien psychologique",
                                     "Apoyo psicológico", "الدعم النفسي", "Психологічна підтримка", "心理支持")),
    ("supporto-psicologico.ascolto", "supporto-psicologico",
     L("Ascolto e counseling", "Listening and counselling", "Écoute et accompagnement", "Escucha y orientación",
       "الإصغاء والإرشاد", "Вислуховування та консультування", "倾听与咨询")),
    ("supporto-psicologico.violenza", "supporto-psicologico",
     L("Contrasto alla violenza", "Help against violence", "Aide contre les violences", "Ayuda contra la violencia",
       "مكافحة العنف", "Допомога у разі насильства", "反暴力援助")),
    ("sport", None, L("Sport", "Sport", "Sport", "Deporte", "الرياضة", "Спорт", "体育")),
    ("sport.bambini", "sport", L("Sport per bambini e ragazzi", "Sport for children and young people",
                                 "Sport pour enfants et jeunes", "Deporte para niños y jóvenes",
                                 "الرياضة للأطفال والشباب", "Спорт для дітей і молоді", "儿童和青少年体育")),
    ("cultura", None, L("Cultura e tempo libero", "Culture and leisure", "Culture et loisirs", "Cultura y ocio",
                        "الثقافة والترفيه", "Культура та дозвілля", "文化与休闲")),
    ("cultura.biblioteche", "cultura", L("Biblioteche", "Libraries", "Bibliothèques", "Bibliotecas", "المكتبات",
                                         "Бібліотеки", "图书馆")),
    ("cultura.laboratori", "cultura", L("Laboratori", "Workshops", "Ateliers", "Talleres", "ورش العمل",
                                        "Майстер-класи", "工作坊")),
    ("orientamento", None, L("Orientamento ai servizi", "Finding services", "Orientation vers les services",
                             "Orientación sobre servicios", "التوجيه إلى الخدمات", "Орієнтація в послугах",
                             "服务指引")),
    ("orientamento.punti-accesso", "orientamento",
     L("Punti di accesso e sportelli", "Access points and help desks", "Points d'accueil et guichets",
       "Puntos de acceso y ventanillas", "نقاط الاستقبال والمكاتب", "Пункти доступу та приймальні",
       "服务点与咨询窗口")),
    ("orientamento.servizio-sociale", "orientamento",
     L("Servizio sociale", "Social services", "Service social", "Servicios sociales", "الخدمة الاجتماعية",
       "Соціальна служба", "社会服务")),
    ("accoglienza", None, L("Accoglienza", "Reception and shelter", "Accueil et hébergement", "Acogida",
                            "الاستقبال والإيواء", "Прийом і прихисток", "接待与安置")),
    ("accoglienza.migranti", "accoglienza", L("Accoglienza per migranti e rifugiati",
                                              "Reception for migrants and refugees",
                                              "Accueil des migrants et réfugiés", "Acogida de migrantes y refugiados",
                                              "استقبال المهاجرين واللاجئين", "Прийом мігрантів і біженців",
                                              "移民和难民接待")),
    ("accoglienza.senza-dimora", "accoglienza", L("Persone senza dimora", "People experiencing homelessness",
                                                  "Personnes sans abri", "Personas sin hogar", "الأشخاص بلا مأوى",
                                                  "Безпритульні люди", "无家可归者")),
    ("accoglienza.msna", "accoglienza", L("Minori stranieri non accompagnati", "Unaccompanied foreign minors",
                                          "Mineurs étrangers non accompagnés", "Menores extranjeros no acompañados",
                                          "القاصرون الأجانب غير المصحوبين", "Іноземні неповнолітні без супроводу",
                                          "无人陪伴的外国未成年人")),
    ("disabilita", None, L("Disabilità", "Disability", "Handicap", "Discapacidad", "الإعاقة", "Інвалідність",
                           "残障")),
    ("anziani", None, L("Anziani", "Older people", "Personnes âgées", "Personas mayores", "كبار السن",
                        "Літні люди", "老年人")),
    ("digitale", None, L("Digitale", "Digital help", "Numérique", "Ayuda digital", "المساعدة الرقمية",
                         "Цифрова допомога", "数字化帮助")),
    ("digitale.spid", "digitale", L("SPID e servizi online", "SPID and online services", "SPID et services en ligne",
                                    "SPID y servicios en línea", "SPID والخدمات الإلكترونية",
                                    "SPID та онлайн-послуги", "SPID与在线服务")),
]

ACTION_LINES_TAXONOMY = {
    "code": "linee-azione",
    "name": "Linee d'azione dell'avviso",
    "description": "Le linee d'azione dell'avviso pubblico (QuBì) a cui un servizio contribuisce.",
    "version": "1.0",
}

ACTION_LINES_TERMS: list[tuple[str, str | None, Labels]] = [
    ("prossimita", None, L("Prossimità", "Proximity", "Proximité", "Proximidad", "القرب", "Близькість до людей",
                           "近邻服务")),
    ("cittadinanza-attiva", None, L("Cittadinanza attiva", "Active citizenship", "Citoyenneté active",
                                    "Ciudadanía activa", "المواطنة الفاعلة", "Активне громадянство",
                                    "积极公民")),
    ("altre-azioni", None, L("Altre azioni", "Other actions", "Autres actions", "Otras acciones",
                             "إجراءات أخرى", "Інші дії", "其他行动")),
]

# (code, labels, minimum age, maximum age)
TARGET_GROUPS: list[tuple[str, Labels, int | None, int | None]] = [
    ("0-3", L("Bambini 0-3 anni", "Children 0-3", "Enfants 0-3 ans", "Niños 0-3 años", "الأطفال 0-3 سنوات",
              "Діти 0-3 роки", "0-3岁儿童"), 0, 3),
    ("0-6", L("Bambini 0-6 anni", "Children 0-6", "Enfants 0-6 ans", "Niños 0-6 años", "الأطفال 0-6 سنوات",
              "Діти 0-6 років", "0-6岁儿童"), 0, 6),
    ("6-14", L("Ragazzi 6-14 anni", "Children 6-14", "Enfants 6-14 ans", "Niños 6-14 años", "الأطفال 6-14 سنة",
               "Діти 6-14 років", "6-14岁儿童"), 6, 14),
    ("0-18", L("Minori 0-18 anni", "Minors 0-18", "Mineurs 0-18 ans", "Menores 0-18 años", "القاصرون 0-18 سنة",
               "Неповнолітні 0-18 років", "0-18岁未成年人"), 0, 18),
    ("14-25", L("Giovani 14-25 anni", "Young people 14-25", "Jeunes 14-25 ans", "Jóvenes 14-25 años",
                "الشباب 14-25 سنة", "Молодь 14-25 років", "14-25岁青年"), 14, 25),
    ("neomamme", L("Neomamme", "New mothers", "Jeunes mères", "Madres recientes", "الأمهات الجدد",
                   "Молоді мами", "新手妈妈"), None, None),
    ("famiglie", L("Famiglie", "Families", "Familles", "Familias", "العائلات", "Сім'ї", "家庭"), None, None),
    ("minori-stranieri", L("Minori stranieri", "Foreign minors", "Mineurs étrangers", "Menores extranjeros",
                           "القاصرون الأجانب", "Іноземні неповнолітні", "外国未成年人"), 0, 18),
    ("adulti", L("Adulti", "Adults", "Adultes", "Adultos", "البالغون", "Дорослі", "成年人"), 18, None),
    ("anziani", L("Anziani", "Older people", "Personnes âgées", "Personas mayores", "كبار السن", "Літні люди",
                  "老年人"), 65, None),
    ("donne", L("Donne", "Women", "Femmes", "Mujeres", "النساء", "Жінки", "女性"), None, None),
    ("stranieri", L("Persone straniere", "Foreign nationals", "Personnes étrangères", "Personas extranjeras",
                    "الأجانب", "Іноземці", "外籍人士"), None, None),
    ("persone-con-disabilita", L("Persone con disabilità", "People with disabilities", "Personnes handicapées",
                                 "Personas con discapacidad", "الأشخاص ذوو الإعاقة", "Люди з інвалідністю",
                                 "残障人士"), None, None),
]


def load(apps: Any = None) -> dict[str, int]:
    """Create or update the taxonomies, their terms and the target groups; return how many rows were written.

    `apps` is the migration state's registry when called from a data migration, else the live models."""
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    Taxonomy = apps.get_model("directory", "Taxonomy")  # noqa: N806
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")  # noqa: N806
    TargetGroup = apps.get_model("directory", "TargetGroup")  # noqa: N806
    counts = {"taxonomies": 0, "terms": 0, "target_groups": 0}
    for spec, terms in ((NEEDS_TAXONOMY, NEEDS_TERMS), (ACTION_LINES_TAXONOMY, ACTION_LINES_TERMS)):
        taxonomy, _ = Taxonomy.objects.update_or_create(
            code=spec["code"],
            defaults={"name": spec["name"], "description": spec["description"], "version": spec["version"]},
        )
        counts["taxonomies"] += 1
        by_code: dict[str, Any] = {}
        for position, (code, parent_code, labels) in enumerate(terms):
            term, _ = TaxonomyTerm.objects.update_or_create(
                taxonomy=taxonomy,
                code=code,
                defaults={
                    "name": labels["it"],
                    "labels": labels,
                    "parent": by_code[parent_code] if parent_code else None,
                    "position": position,
                },
            )
            by_code[code] = term
            counts["terms"] += 1
    for position, (code, labels, minimum, maximum) in enumerate(TARGET_GROUPS):
        TargetGroup.objects.update_or_create(
            code=code,
            defaults={"name": labels["it"], "labels": labels, "minimum_age": minimum, "maximum_age": maximum,
                      "position": position},
        )
        counts["target_groups"] += 1
    return counts
