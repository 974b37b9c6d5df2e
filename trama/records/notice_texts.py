"""The text of the information notice and consent form, version 2026-11, in each language a family may read.

Why data and not gettext: this is legal content (GDPR arts. 12–14: what the family is told before agreeing), not
interface text. Each language's text is part of a versioned notice: the consent records the version and the
language the family read, so the words behind that pair must never change once used — while gettext catalogues
change with every release, fall back silently to Italian for a missing entry, and follow the operator's interface
language rather than the family's. A new wording is a new version in NOTICE_VERSIONS (trama/records/notice.py),
and a test checks that every language has every key and the same placeholders.

Placeholders: {organisation} (the controller), {contact} (how to reach it and its data protection officer),
{retention_years}. Plain language, second person, short sentences; GDPR terms as used in each language's official
version of the Regulation.
"""

from __future__ import annotations

from typing import Final

TEXTS_2026_11: Final[dict[str, dict[str, str]]] = {
    "it": {
        "title": "Informativa sul trattamento dei dati personali e modulo di consenso",
        "intro": "Questo foglio spiega quali informazioni su di te e sulla tua famiglia raccogliamo, perché, con chi "
                 "le condividiamo e quali sono i tuoi diritti. Puoi fare domande prima di firmare. Se non firmi, "
                 "continuiamo ad aiutarti: cambia solo con chi possiamo condividere le tue informazioni.",
        "controller_heading": "Chi è responsabile dei tuoi dati",
        "controller_text": "Il titolare del trattamento è {organisation}. Per domande, per esercitare i tuoi diritti "
                           "o per parlare con il responsabile della protezione dei dati (RPD/DPO): {contact}.",
        "contact_missing": "chiedi all'operatore che ti segue il recapito del titolare e del responsabile della "
                           "protezione dei dati",
        "purposes_heading": "Perché usiamo i tuoi dati (finalità)",
        "purpose.services_in_network": "Accompagnarti con i servizi della rete di welfare del quartiere, senza "
                                       "doverti far ripetere la tua storia.",
        "purpose.share_named_organisations": "Condividere le informazioni con le organizzazioni indicate qui sotto, "
                                             "per esempio quando ti inviamo a un loro servizio.",
        "purpose.share_municipal_network": "Condividere le informazioni con le organizzazioni della rete del "
                                           "Municipio indicata qui sotto.",
        "purpose.monitoring_statistics": "Monitoraggio e statistiche: contare in forma anonima quante persone "
                                         "aiutiamo e con quali risultati. Nelle statistiche non compare il tuo nome.",
        "purpose.follow_up_contact": "Ricontattarti più avanti per chiederti come va.",
        "categories_heading": "Quali dati (categorie)",
        "category.identity": "Identità: nome, data di nascita, composizione della famiglia.",
        "category.contacts": "Contatti: telefono, e-mail.",
        "category.needs_and_plan": "Bisogni e progetto: ciò di cui hai bisogno, ciò che desideri, le tue risorse, "
                                   "il progetto che costruiamo insieme.",
        "category.notes": "Note degli operatori.",
        "category.health": "Salute e disabilità (categoria particolare di dati).",
        "category.legal_migration": "Posizione giuridica e migratoria: documenti, residenza, cittadinanza "
                                    "(categoria particolare di dati).",
        "special_text": "Salute, disabilità e posizione giuridica sono dati particolarmente delicati: li usiamo solo "
                        "con il tuo consenso esplicito o quando la legge lo prevede, li conserviamo cifrati e li "
                        "vede solo chi ne ha bisogno.",
        "recipients_heading": "Con chi condividiamo i dati",
        "recipients_text": "Solo con le organizzazioni o la rete indicate nel modulo, e solo per le categorie di dati "
                           "che scegli. Il Comune può ricevere dati anche senza consenso quando la legge gli affida "
                           "compiti di assistenza sociale (per esempio la legge 328/2000): in quel caso viene "
                           "registrato il motivo. Non vendiamo i tuoi dati e non li trasferiamo fuori dall'Unione "
                           "europea.",
        "basis_heading": "Su quale base",
        "basis_text": "Il tuo consenso (articoli 6.1.a e 9.2.a del Regolamento generale sulla protezione dei dati, "
                      "GDPR), oppure un obbligo di legge o un compito di interesse pubblico quando indicato.",
        "retention_heading": "Per quanto tempo",
        "retention_text": "Conserviamo i dati per tutto il tempo in cui ti accompagniamo e, dopo la chiusura, per "
                          "{retention_years} anni; poi li rendiamo anonimi. Se revochi il consenso, le organizzazioni "
                          "destinatarie smettono subito di vederli.",
        "rights_heading": "I tuoi diritti",
        "rights_text": "Hai diritto di accesso ai tuoi dati e di riceverne una copia (art. 15 GDPR), di rettifica "
                       "(art. 16), di cancellazione (art. 17), di limitazione del trattamento (art. 18), di essere "
                       "informato delle rettifiche e cancellazioni (art. 19), alla portabilità dei dati (art. 20), "
                       "di opposizione (art. 21) e di non essere sottoposto a decisioni basate unicamente su un "
                       "trattamento automatizzato (art. 22): nessuna decisione su di te è presa da un computer.",
        "complaint_text": "Puoi anche presentare un reclamo al Garante per la protezione dei dati personali "
                          "(www.garanteprivacy.it).",
        "withdraw_heading": "Come revocare il consenso",
        "withdraw_text": "Puoi revocare il consenso in ogni momento, del tutto o in parte, dicendolo all'operatore o "
                         "scrivendo a {contact}. La revoca vale da subito; non cancella ciò che è stato fatto prima.",
        "form_heading": "Modulo di consenso",
        "form_household": "Nucleo",
        "form_person": "Persona interessata",
        "form_whole_household": "Tutto il nucleo familiare",
        "form_purposes": "Acconsento alle finalità",
        "form_categories": "Per queste categorie di dati",
        "form_organisations": "Organizzazioni destinatarie",
        "form_networks": "Rete destinataria",
        "form_none": "nessuna",
        "form_given_on": "Data del consenso",
        "form_expires_on": "Valido fino al",
        "form_no_expiry": "fino a revoca",
        "form_given_by": "Il consenso è espresso da",
        "given_by.person": "la persona interessata",
        "given_by.parent": "un genitore (per un minore)",
        "given_by.guardian": "il tutore",
        "given_by.legal_representative": "un altro rappresentante legale",
        "form_given_by_name": "Nome e cognome di chi firma",
        "form_evidence": "Titolo del rappresentante (es. decreto di nomina)",
        "form_signature": "Firma",
        "form_operator": "Operatore che raccoglie il consenso (nome e firma)",
        "form_place_date": "Luogo e data",
        "form_version": "Informativa versione {version}, lingua: italiano",
        "form_withdrawn": "Consenso revocato il",
    },
    "en": {
        "title": "Privacy notice and consent form",
        "intro": "This sheet explains what information about you and your family we collect, why, who we share it "
                 "with and what your rights are. You can ask questions before signing. If you do not sign, we keep "
                 "helping you: only who we may share your information with changes.",
        "controller_heading": "Who is responsible for your data",
        "controller_text": "The controller is {organisation}. For questions, to exercise your rights or to speak "
                           "with the data protection officer (DPO): {contact}.",
        "contact_missing": "ask the worker who supports you for the contact details of the controller and of the "
                           "data protection officer",
        "purposes_heading": "Why we use your data (purposes)",
        "purpose.services_in_network": "Supporting you with the services of the neighbourhood welfare network, "
                                       "without you having to tell your story again.",
        "purpose.share_named_organisations": "Sharing the information with the organisations named below, for "
                                             "example when we refer you to one of their services.",
        "purpose.share_municipal_network": "Sharing the information with the organisations of the Municipio "
                                           "network named below.",
        "purpose.monitoring_statistics": "Monitoring and statistics: counting anonymously how many people we help "
                                         "and with what results. Your name does not appear in the statistics.",
        "purpose.follow_up_contact": "Contacting you again later to ask how things are going.",
        "categories_heading": "Which data (categories)",
        "category.identity": "Identity: name, date of birth, who is in the family.",
        "category.contacts": "Contact details: phone, e-mail.",
        "category.needs_and_plan": "Needs and plan: what you need, what you wish for, your strengths, the plan we "
                                   "build together.",
        "category.notes": "Workers' notes.",
        "category.health": "Health and disability (special category of data).",
        "category.legal_migration": "Legal and migration status: documents, residence, citizenship (special "
                                    "category of data).",
        "special_text": "Health, disability and legal status are especially sensitive: we use them only with your "
                        "explicit consent or where the law provides for it, we store them encrypted and only those "
                        "who need them can see them.",
        "recipients_heading": "Who we share the data with",
        "recipients_text": "Only with the organisations or the network named in the form, and only for the "
                           "categories of data you choose. The Comune may receive data without consent when the law "
                           "gives it social-care duties (for example Law 328/2000): in that case the reason is "
                           "recorded. We do not sell your data and do not transfer it outside the European Union.",
        "basis_heading": "On what legal basis",
        "basis_text": "Your consent (Articles 6(1)(a) and 9(2)(a) of the General Data Protection Regulation, GDPR), "
                      "or a legal obligation or a task in the public interest where stated.",
        "retention_heading": "For how long",
        "retention_text": "We keep the data for as long as we support you and, after the case is closed, for "
                          "{retention_years} years; then we make it anonymous. If you withdraw your consent, the "
                          "recipient organisations stop seeing it immediately.",
        "rights_heading": "Your rights",
        "rights_text": "You have the right of access to your data and to a copy of it (Art. 15 GDPR), to "
                       "rectification (Art. 16), to erasure (Art. 17), to restriction of processing (Art. 18), to be "
                       "told about rectifications and erasures (Art. 19), to data portability (Art. 20), to object "
                       "(Art. 21) and not to be subject to a decision based solely on automated processing (Art. 22): "
                       "no decision about you is taken by a computer.",
        "complaint_text": "You can also lodge a complaint with the Italian data protection authority, the Garante per "
                          "la protezione dei dati personali (www.garanteprivacy.it).",
        "withdraw_heading": "How to withdraw your consent",
        "withdraw_text": "You can withdraw your consent at any time, fully or in part, by telling the worker or by "
                         "writing to {contact}. Withdrawal takes effect immediately; it does not undo what was done "
                         "before.",
        "form_heading": "Consent form",
        "form_household": "Household",
        "form_person": "Person concerned",
        "form_whole_household": "The whole household",
        "form_purposes": "I consent to the purposes",
        "form_categories": "For these categories of data",
        "form_organisations": "Recipient organisations",
        "form_networks": "Recipient network",
        "form_none": "none",
        "form_given_on": "Date of consent",
        "form_expires_on": "Valid until",
        "form_no_expiry": "until withdrawn",
        "form_given_by": "Consent is given by",
        "given_by.person": "the person concerned",
        "given_by.parent": "a parent (for a minor)",
        "given_by.guardian": "the guardian",
        "given_by.legal_representative": "another legal representative",
        "form_given_by_name": "Full name of the person signing",
        "form_evidence": "Authority of the representative (e.g. court appointment)",
        "form_signature": "Signature",
        "form_operator": "Worker collecting the consent (name and signature)",
        "form_place_date": "Place and date",
        "form_version": "Notice version {version}, language: English",
        "form_withdrawn": "Consent withdrawn on",
    },
    "fr": {
        "title": "Note d'information sur le traitement des données personnelles et formulaire de consentement",
        "intro": "Cette feuille explique quelles informations sur vous et votre famille nous recueillons, pourquoi, "
                 "avec qui nous les partageons et quels sont vos droits. Vous pouvez poser des questions avant de "
                 "signer. Si vous ne signez pas, nous continuons à vous aider : seul change avec qui nous pouvons "
                 "partager vos informations.",
        "controller_heading": "Qui est responsable de vos données",
        "controller_text": "Le responsable du traitement est {organisation}. Pour toute question, pour exercer vos "
                           "droits ou pour parler au délégué à la protection des données (DPD/DPO) : {contact}.",
        "contact_missing": "demandez à l'intervenant qui vous suit les coordonnées du responsable du traitement et "
                           "du délégué à la protection des données",
        "purposes_heading": "Pourquoi nous utilisons vos données (finalités)",
        "purpose.services_in_network": "Vous accompagner avec les services du réseau d'aide sociale du quartier, "
                                       "sans que vous ayez à raconter à nouveau votre histoire.",
        "purpose.share_named_organisations": "Partager les informations avec les organisations indiquées ci-dessous, "
                                             "par exemple quand nous vous orientons vers l'un de leurs services.",
        "purpose.share_municipal_network": "Partager les informations avec les organisations du réseau du Municipio "
                                           "indiqué ci-dessous.",
        "purpose.monitoring_statistics": "Suivi et statistiques : compter de façon anonyme combien de personnes nous "
                                         "aidons et avec quels résultats. Votre nom n'apparaît pas dans les "
                                         "statistiques.",
        "purpose.follow_up_contact": "Vous recontacter plus tard pour savoir comment ça va.",
        "categories_heading": "Quelles données (catégories)",
        "category.identity": "Identité : nom, date de naissance, composition de la famille.",
        "category.contacts": "Coordonnées : téléphone, e-mail.",
        "category.needs_and_plan": "Besoins et projet : ce dont vous avez besoin, ce que vous souhaitez, vos "
                                   "ressources, le projet que nous construisons ensemble.",
        "category.notes": "Notes des intervenants.",
        "category.health": "Santé et handicap (catégorie particulière de données).",
        "category.legal_migration": "Situation juridique et migratoire : documents, résidence, nationalité "
                                    "(catégorie particulière de données).",
        "special_text": "La santé, le handicap et la situation juridique sont des données particulièrement "
                        "sensibles : nous ne les utilisons qu'avec votre consentement explicite ou quand la loi le "
                        "prévoit, nous les conservons chiffrées et seules les personnes qui en ont besoin peuvent les "
                        "voir.",
        "recipients_heading": "Avec qui nous partageons les données",
        "recipients_text": "Uniquement avec les organisations ou le réseau indiqués dans le formulaire, et uniquement "
                           "pour les catégories de données que vous choisissez. La Commune (Comune) peut recevoir des "
                           "données sans consentement quand la loi lui confie des missions d'aide sociale (par "
                           "exemple la loi 328/2000) : dans ce cas, le motif est enregistré. Nous ne vendons pas vos "
                           "données et ne les transférons pas hors de l'Union européenne.",
        "basis_heading": "Sur quelle base juridique",
        "basis_text": "Votre consentement (articles 6, paragraphe 1, point a) et 9, paragraphe 2, point a) du "
                      "règlement général sur la protection des données, RGPD), ou une obligation légale ou une "
                      "mission d'intérêt public quand c'est indiqué.",
        "retention_heading": "Pendant combien de temps",
        "retention_text": "Nous conservons les données tant que nous vous accompagnons et, après la clôture du "
                          "dossier, pendant {retention_years} ans ; ensuite nous les rendons anonymes. Si vous retirez "
                          "votre consentement, les organisations destinataires cessent immédiatement de les voir.",
        "rights_heading": "Vos droits",
        "rights_text": "Vous avez le droit d'accès à vos données et d'en recevoir une copie (art. 15 RGPD), le droit "
                       "de rectification (art. 16), le droit à l'effacement (art. 17), le droit à la limitation du "
                       "traitement (art. 18), le droit d'être informé des rectifications et effacements (art. 19), le "
                       "droit à la portabilité des données (art. 20), le droit d'opposition (art. 21) et le droit de "
                       "ne pas faire l'objet d'une décision fondée exclusivement sur un traitement automatisé "
                       "(art. 22) : aucune décision vous concernant n'est prise par un ordinateur.",
        "complaint_text": "Vous pouvez aussi introduire une réclamation auprès de l'autorité italienne de protection "
                          "des données, le Garante per la protezione dei dati personali (www.garanteprivacy.it).",
        "withdraw_heading": "Comment retirer votre consentement",
        "withdraw_text": "Vous pouvez retirer votre consentement à tout moment, en tout ou en partie, en le disant à "
                         "l'intervenant ou en écrivant à {contact}. Le retrait prend effet immédiatement ; il ne "
                         "remet pas en cause ce qui a été fait avant.",
        "form_heading": "Formulaire de consentement",
        "form_household": "Foyer",
        "form_person": "Personne concernée",
        "form_whole_household": "Tout le foyer",
        "form_purposes": "Je consens aux finalités",
        "form_categories": "Pour ces catégories de données",
        "form_organisations": "Organisations destinataires",
        "form_networks": "Réseau destinataire",
        "form_none": "aucune",
        "form_given_on": "Date du consentement",
        "form_expires_on": "Valable jusqu'au",
        "form_no_expiry": "jusqu'au retrait",
        "form_given_by": "Le consentement est donné par",
        "given_by.person": "la personne concernée",
        "given_by.parent": "un parent (pour un mineur)",
        "given_by.guardian": "le tuteur",
        "given_by.legal_representative": "un autre représentant légal",
        "form_given_by_name": "Nom et prénom du signataire",
        "form_evidence": "Qualité du représentant (par ex. décision de nomination)",
        "form_signature": "Signature",
        "form_operator": "Intervenant qui recueille le consentement (nom et signature)",
        "form_place_date": "Lieu et date",
        "form_version": "Note d'information version {version}, langue : français",
        "form_withdrawn": "Consentement retiré le",
    },
    "ar": {
        "title": "إشعار بشأن معالجة البيانات الشخصية واستمارة الموافقة",
        "intro": "توضح هذه الورقة المعلومات التي نجمعها عنك وعن عائلتك، ولماذا نجمعها، ومع من نشاركها، وما هي "
                 "حقوقك. يمكنك طرح الأسئلة قبل التوقيع. إذا لم توقّع، فسنواصل مساعدتك: الشيء الوحيد الذي يتغير هو "
                 "الجهات التي يمكننا مشاركة معلوماتك معها.",
        "controller_heading": "من المسؤول عن بياناتك",
        "controller_text": "المتحكم في البيانات هو {organisation}. للاستفسار أو لممارسة حقوقك أو للتحدث مع مسؤول "
                           "حماية البيانات (DPO): {contact}.",
        "contact_missing": "اطلب من الأخصائي الذي يتابعك بيانات الاتصال بالمتحكم في البيانات وبمسؤول حماية "
                           "البيانات",
        "purposes_heading": "لماذا نستخدم بياناتك (الأغراض)",
        "purpose.services_in_network": "مرافقتك بخدمات شبكة الرعاية الاجتماعية في الحي، دون أن تضطر إلى رواية "
                                       "قصتك من جديد.",
        "purpose.share_named_organisations": "مشاركة المعلومات مع المنظمات المذكورة أدناه، مثلاً عندما نحيلك إلى "
                                             "إحدى خدماتها.",
        "purpose.share_municipal_network": "مشاركة المعلومات مع منظمات شبكة البلدية الفرعية (Municipio) المذكورة "
                                           "أدناه.",
        "purpose.monitoring_statistics": "المتابعة والإحصاء: عدّ الأشخاص الذين نساعدهم والنتائج بشكل مجهول الهوية. "
                                         "لا يظهر اسمك في الإحصاءات.",
        "purpose.follow_up_contact": "الاتصال بك لاحقاً لنسألك عن أحوالك.",
        "categories_heading": "أي بيانات (الفئات)",
        "category.identity": "الهوية: الاسم، تاريخ الميلاد، أفراد الأسرة.",
        "category.contacts": "بيانات الاتصال: الهاتف، البريد الإلكتروني.",
        "category.needs_and_plan": "الاحتياجات والخطة: ما تحتاجه، وما ترغب فيه، ومواردك، والخطة التي نبنيها معاً.",
        "category.notes": "ملاحظات الأخصائيين.",
        "category.health": "الصحة والإعاقة (فئة خاصة من البيانات).",
        "category.legal_migration": "الوضع القانوني ووضع الهجرة: الوثائق، الإقامة، الجنسية (فئة خاصة من البيانات).",
        "special_text": "الصحة والإعاقة والوضع القانوني بيانات حساسة بشكل خاص: لا نستخدمها إلا بموافقتك الصريحة أو "
                        "عندما ينص القانون على ذلك، ونحفظها مشفّرة، ولا يراها إلا من يحتاج إليها.",
        "recipients_heading": "مع من نشارك البيانات",
        "recipients_text": "فقط مع المنظمات أو الشبكة المذكورة في الاستمارة، وفقط لفئات البيانات التي تختارها. "
                           "يمكن للبلدية (Comune) أن تتلقى بيانات دون موافقة عندما يكلّفها القانون بمهام الرعاية "
                           "الاجتماعية (مثل القانون 328/2000): وفي هذه الحالة يُسجَّل السبب. نحن لا نبيع بياناتك "
                           "ولا ننقلها خارج الاتحاد الأوروبي.",
        "basis_heading": "على أي أساس قانوني",
        "basis_text": "موافقتك (المادة 6(1)(أ) والمادة 9(2)(أ) من اللائحة العامة لحماية البيانات، GDPR)، أو التزام "
                      "قانوني أو مهمة تُنفَّذ للمصلحة العامة عندما يُذكر ذلك.",
        "retention_heading": "إلى متى",
        "retention_text": "نحتفظ بالبيانات طوال فترة مرافقتنا لك، وبعد إغلاق الملف لمدة {retention_years} سنوات، ثم "
                          "نجعلها مجهولة الهوية. إذا سحبت موافقتك، تتوقف المنظمات المتلقية عن رؤيتها فوراً.",
        "rights_heading": "حقوقك",
        "rights_text": "لك الحق في الوصول إلى بياناتك والحصول على نسخة منها (المادة 15 من GDPR)، وفي تصحيحها "
                       "(المادة 16)، وفي محوها (المادة 17)، وفي تقييد معالجتها (المادة 18)، وفي إبلاغك بالتصحيح "
                       "والمحو (المادة 19)، وفي نقل البيانات (المادة 20)، وفي الاعتراض (المادة 21)، وفي ألا تخضع "
                       "لقرار قائم فقط على المعالجة الآلية (المادة 22): لا يتخذ أي حاسوب قراراً بشأنك.",
        "complaint_text": "يمكنك أيضاً تقديم شكوى إلى هيئة حماية البيانات الإيطالية Garante per la protezione dei "
                          "dati personali ‏(www.garanteprivacy.it).",
        "withdraw_heading": "كيف تسحب موافقتك",
        "withdraw_text": "يمكنك سحب موافقتك في أي وقت، كلياً أو جزئياً، بإبلاغ الأخصائي أو بالكتابة إلى {contact}. "
                         "يسري السحب فوراً، ولا يلغي ما تم قبله.",
        "form_heading": "استمارة الموافقة",
        "form_household": "الأسرة",
        "form_person": "الشخص المعني",
        "form_whole_household": "الأسرة بأكملها",
        "form_purposes": "أوافق على الأغراض",
        "form_categories": "لفئات البيانات التالية",
        "form_organisations": "المنظمات المتلقية",
        "form_networks": "الشبكة المتلقية",
        "form_none": "لا شيء",
        "form_given_on": "تاريخ الموافقة",
        "form_expires_on": "صالحة حتى",
        "form_no_expiry": "حتى سحبها",
        "form_given_by": "الموافقة صادرة عن",
        "given_by.person": "الشخص المعني",
        "given_by.parent": "أحد الوالدين (عن قاصر)",
        "given_by.guardian": "الوصي",
        "given_by.legal_representative": "ممثل قانوني آخر",
        "form_given_by_name": "الاسم الكامل للموقّع",
        "form_evidence": "صفة الممثل (مثل قرار التعيين)",
        "form_signature": "التوقيع",
        "form_operator": "الأخصائي الذي يتلقى الموافقة (الاسم والتوقيع)",
        "form_place_date": "المكان والتاريخ",
        "form_version": "الإشعار، الإصدار {version}، اللغة: العربية",
        "form_withdrawn": "سُحبت الموافقة في",
    },
    "uk": {
        "title": "Повідомлення про обробку персональних даних і форма згоди",
        "intro": "Цей аркуш пояснює, яку інформацію про вас і вашу сім'ю ми збираємо, навіщо, з ким ділимося нею і "
                 "які у вас права. Ви можете поставити запитання до підписання. Якщо ви не підпишете, ми й далі вам "
                 "допомагатимемо: зміниться лише те, з ким ми можемо ділитися вашою інформацією.",
        "controller_heading": "Хто відповідає за ваші дані",
        "controller_text": "Контролер даних — {organisation}. Із запитаннями, щоб скористатися своїми правами або "
                           "поговорити з уповноваженим із захисту даних (DPO): {contact}.",
        "contact_missing": "попросіть працівника, який вас супроводжує, дати контакти контролера та уповноваженого "
                           "із захисту даних",
        "purposes_heading": "Навіщо ми використовуємо ваші дані (цілі)",
        "purpose.services_in_network": "Супроводжувати вас послугами соціальної мережі району, щоб вам не "
                                       "доводилося знову розповідати свою історію.",
        "purpose.share_named_organisations": "Передавати інформацію організаціям, зазначеним нижче, наприклад коли "
                                             "ми скеровуємо вас до їхньої послуги.",
        "purpose.share_municipal_network": "Передавати інформацію організаціям мережі муніципалітету (Municipio), "
                                           "зазначеної нижче.",
        "purpose.monitoring_statistics": "Моніторинг і статистика: анонімно рахувати, скільком людям ми допомагаємо "
                                         "і з якими результатами. Вашого імені в статистиці немає.",
        "purpose.follow_up_contact": "Зв'язатися з вами пізніше, щоб запитати, як справи.",
        "categories_heading": "Які дані (категорії)",
        "category.identity": "Особа: ім'я, дата народження, склад сім'ї.",
        "category.contacts": "Контакти: телефон, електронна пошта.",
        "category.needs_and_plan": "Потреби та план: що вам потрібно, чого ви бажаєте, ваші сильні сторони, план, "
                                   "який ми складаємо разом.",
        "category.notes": "Нотатки працівників.",
        "category.health": "Здоров'я та інвалідність (особлива категорія даних).",
        "category.legal_migration": "Правовий і міграційний статус: документи, місце проживання, громадянство "
                                    "(особлива категорія даних).",
        "special_text": "Здоров'я, інвалідність і правовий статус — особливо чутливі дані: ми використовуємо їх лише "
                        "з вашої явної згоди або коли це передбачено законом, зберігаємо їх зашифрованими, і бачать "
                        "їх лише ті, кому вони потрібні.",
        "recipients_heading": "З ким ми ділимося даними",
        "recipients_text": "Лише з організаціями або мережею, зазначеними у формі, і лише тими категоріями даних, які "
                           "ви оберете. Муніципалітет (Comune) може отримувати дані без згоди, коли закон покладає на "
                           "нього завдання соціальної допомоги (наприклад, закон 328/2000): у такому разі причину "
                           "фіксують. Ми не продаємо ваші дані й не передаємо їх за межі Європейського Союзу.",
        "basis_heading": "На якій правовій підставі",
        "basis_text": "Ваша згода (статті 6(1)(a) і 9(2)(a) Загального регламенту про захист даних, GDPR) або "
                      "юридичний обов'язок чи завдання в суспільних інтересах, якщо це зазначено.",
        "retention_heading": "Як довго",
        "retention_text": "Ми зберігаємо дані весь час, поки вас супроводжуємо, а після закриття справи — ще "
                          "{retention_years} років; потім знеособлюємо їх. Якщо ви відкличете згоду, організації-"
                          "одержувачі одразу перестануть їх бачити.",
        "rights_heading": "Ваші права",
        "rights_text": "Ви маєте право на доступ до своїх даних і отримання їх копії (ст. 15 GDPR), на виправлення "
                       "(ст. 16), на видалення (ст. 17), на обмеження обробки (ст. 18), на повідомлення про "
                       "виправлення та видалення (ст. 19), на перенесення даних (ст. 20), на заперечення (ст. 21) і "
                       "право не підлягати рішенню, що ґрунтується лише на автоматизованій обробці (ст. 22): жодне "
                       "рішення щодо вас не ухвалює комп'ютер.",
        "complaint_text": "Ви також можете подати скаргу до італійського органу із захисту даних — Garante per la "
                          "protezione dei dati personali (www.garanteprivacy.it).",
        "withdraw_heading": "Як відкликати згоду",
        "withdraw_text": "Ви можете відкликати згоду будь-коли, повністю або частково, сказавши про це працівникові "
                         "або написавши на {contact}. Відкликання діє одразу; воно не скасовує того, що було "
                         "зроблено раніше.",
        "form_heading": "Форма згоди",
        "form_household": "Домогосподарство",
        "form_person": "Особа, якої стосуються дані",
        "form_whole_household": "Усе домогосподарство",
        "form_purposes": "Я погоджуюся на цілі",
        "form_categories": "Для таких категорій даних",
        "form_organisations": "Організації-одержувачі",
        "form_networks": "Мережа-одержувач",
        "form_none": "немає",
        "form_given_on": "Дата згоди",
        "form_expires_on": "Дійсна до",
        "form_no_expiry": "до відкликання",
        "form_given_by": "Згоду надає",
        "given_by.person": "особа, якої стосуються дані",
        "given_by.parent": "один із батьків (за неповнолітнього)",
        "given_by.guardian": "опікун",
        "given_by.legal_representative": "інший законний представник",
        "form_given_by_name": "Прізвище та ім'я особи, яка підписує",
        "form_evidence": "Повноваження представника (напр., рішення про призначення)",
        "form_signature": "Підпис",
        "form_operator": "Працівник, який отримує згоду (ім'я та підпис)",
        "form_place_date": "Місце і дата",
        "form_version": "Повідомлення, версія {version}, мова: українська",
        "form_withdrawn": "Згоду відкликано",
    },
    "es": {
        "title": "Información sobre el tratamiento de datos personales y formulario de consentimiento",
        "intro": "Esta hoja explica qué información sobre usted y su familia recogemos, por qué, con quién la "
                 "compartimos y cuáles son sus derechos. Puede hacer preguntas antes de firmar. Si no firma, "
                 "seguimos ayudándole: solo cambia con quién podemos compartir su información.",
        "controller_heading": "Quién es responsable de sus datos",
        "controller_text": "El responsable del tratamiento es {organisation}. Para preguntas, para ejercer sus "
                           "derechos o para hablar con el delegado de protección de datos (DPD/DPO): {contact}.",
        "contact_missing": "pida al profesional que le acompaña los datos de contacto del responsable y del "
                           "delegado de protección de datos",
        "purposes_heading": "Para qué usamos sus datos (finalidades)",
        "purpose.services_in_network": "Acompañarle con los servicios de la red de bienestar del barrio, sin que "
                                       "tenga que contar de nuevo su historia.",
        "purpose.share_named_organisations": "Compartir la información con las organizaciones indicadas abajo, por "
                                             "ejemplo cuando le derivamos a uno de sus servicios.",
        "purpose.share_municipal_network": "Compartir la información con las organizaciones de la red del Municipio "
                                           "indicada abajo.",
        "purpose.monitoring_statistics": "Seguimiento y estadísticas: contar de forma anónima a cuántas personas "
                                         "ayudamos y con qué resultados. Su nombre no aparece en las estadísticas.",
        "purpose.follow_up_contact": "Volver a contactarle más adelante para preguntarle cómo está.",
        "categories_heading": "Qué datos (categorías)",
        "category.identity": "Identidad: nombre, fecha de nacimiento, composición de la familia.",
        "category.contacts": "Contacto: teléfono, correo electrónico.",
        "category.needs_and_plan": "Necesidades y plan: lo que necesita, lo que desea, sus recursos, el plan que "
                                   "construimos juntos.",
        "category.notes": "Notas de los profesionales.",
        "category.health": "Salud y discapacidad (categoría especial de datos).",
        "category.legal_migration": "Situación jurídica y migratoria: documentos, residencia, nacionalidad "
                                    "(categoría especial de datos).",
        "special_text": "La salud, la discapacidad y la situación jurídica son datos especialmente delicados: solo "
                        "los usamos con su consentimiento explícito o cuando la ley lo prevé, los guardamos cifrados "
                        "y solo los ve quien los necesita.",
        "recipients_heading": "Con quién compartimos los datos",
        "recipients_text": "Solo con las organizaciones o la red indicadas en el formulario, y solo las categorías de "
                           "datos que usted elija. El Ayuntamiento (Comune) puede recibir datos sin consentimiento "
                           "cuando la ley le atribuye funciones de asistencia social (por ejemplo la ley 328/2000): "
                           "en ese caso se registra el motivo. No vendemos sus datos ni los transferimos fuera de la "
                           "Unión Europea.",
        "basis_heading": "Con qué base jurídica",
        "basis_text": "Su consentimiento (artículos 6.1.a y 9.2.a del Reglamento general de protección de datos, "
                      "RGPD), o una obligación legal o una misión de interés público cuando se indique.",
        "retention_heading": "Durante cuánto tiempo",
        "retention_text": "Conservamos los datos mientras le acompañamos y, tras el cierre del expediente, durante "
                          "{retention_years} años; después los anonimizamos. Si retira su consentimiento, las "
                          "organizaciones destinatarias dejan de verlos inmediatamente.",
        "rights_heading": "Sus derechos",
        "rights_text": "Tiene derecho de acceso a sus datos y a recibir una copia (art. 15 RGPD), de rectificación "
                       "(art. 16), de supresión (art. 17), a la limitación del tratamiento (art. 18), a ser informado "
                       "de las rectificaciones y supresiones (art. 19), a la portabilidad de los datos (art. 20), de "
                       "oposición (art. 21) y a no ser objeto de decisiones basadas únicamente en el tratamiento "
                       "automatizado (art. 22): ninguna decisión sobre usted la toma un ordenador.",
        "complaint_text": "También puede presentar una reclamación ante la autoridad italiana de protección de datos, "
                          "el Garante per la protezione dei dati personali (www.garanteprivacy.it).",
        "withdraw_heading": "Cómo retirar el consentimiento",
        "withdraw_text": "Puede retirar su consentimiento en cualquier momento, total o parcialmente, diciéndoselo al "
                         "profesional o escribiendo a {contact}. La retirada tiene efecto inmediato; no anula lo "
                         "hecho antes.",
        "form_heading": "Formulario de consentimiento",
        "form_household": "Unidad familiar",
        "form_person": "Persona interesada",
        "form_whole_household": "Toda la unidad familiar",
        "form_purposes": "Doy mi consentimiento para las finalidades",
        "form_categories": "Para estas categorías de datos",
        "form_organisations": "Organizaciones destinatarias",
        "form_networks": "Red destinataria",
        "form_none": "ninguna",
        "form_given_on": "Fecha del consentimiento",
        "form_expires_on": "Válido hasta",
        "form_no_expiry": "hasta su retirada",
        "form_given_by": "El consentimiento lo da",
        "given_by.person": "la persona interesada",
        "given_by.parent": "un progenitor (por un menor)",
        "given_by.guardian": "el tutor",
        "given_by.legal_representative": "otro representante legal",
        "form_given_by_name": "Nombre y apellidos de quien firma",
        "form_evidence": "Título del representante (p. ej. resolución de nombramiento)",
        "form_signature": "Firma",
        "form_operator": "Profesional que recoge el consentimiento (nombre y firma)",
        "form_place_date": "Lugar y fecha",
        "form_version": "Información versión {version}, idioma: español",
        "form_withdrawn": "Consentimiento retirado el",
    },
}


# --- Version 2026-11-23 ----------------------------------------------------------------------------------
# What changed from 2026-11, in every language:
# - "Con chi condividiamo i dati" and "Su quale base" name every basis a sharing record may rest on (a legal
#   obligation, a public task, a person's vital interests) and say that any organisation, not only the Comune,
#   may be the recipient; 2026-11 named the Comune only, and left out vital interests.
# - The retention period is written with the plural its number takes ({retention_period}: "1 anno", "3 роки").
# - How to withdraw has its own sentence for an organisation without an e-mail or a phone on record
#   (`withdraw_text_no_contact`): 2026-11 pasted "ask the worker…" after "writing to".
_CHANGES_2026_11_23: Final[dict[str, dict[str, str]]] = {
    "it": {
        "recipients_text": "Solo con le organizzazioni o la rete indicate nel modulo, e solo per le categorie di dati "
                           "che scegli. Senza il tuo consenso un'organizzazione può ricevere dati solo quando la "
                           "legge lo prevede (per esempio il Comune, per i compiti di assistenza sociale che gli "
                           "affida la legge 328/2000) o per proteggere la vita o la salute di una persona: in quel "
                           "caso viene registrato il motivo, e puoi chiedere di conoscerlo. Non vendiamo i tuoi dati e "
                           "non li trasferiamo fuori dall'Unione europea.",
        "basis_text": "Il tuo consenso (articoli 6.1.a e 9.2.a del Regolamento generale sulla protezione dei dati, "
                      "GDPR), oppure, quando indicato, un obbligo di legge (art. 6.1.c), un compito di interesse "
                      "pubblico (art. 6.1.e) o la protezione degli interessi vitali di una persona (artt. 6.1.d e "
                      "9.2.c).",
        "retention_text": "Conserviamo i dati per tutto il tempo in cui ti accompagniamo e, dopo la chiusura, per "
                          "{retention_period}; poi li rendiamo anonimi. Se revochi il consenso, le organizzazioni "
                          "destinatarie smettono subito di vederli.",
        "withdraw_text_no_contact": "Puoi revocare il consenso in ogni momento, del tutto o in parte, dicendolo "
                                    "all'operatore; se preferisci farlo per iscritto, l'operatore ti dà il recapito "
                                    "a cui scrivere. La revoca vale da subito; non cancella ciò che è stato fatto "
                                    "prima.",
    },
    "en": {
        "recipients_text": "Only with the organisations or the network named in the form, and only for the "
                           "categories of data you choose. Without your consent an organisation may receive data "
                           "only when the law provides for it (for example the Comune, for the social-care duties "
                           "Law 328/2000 gives it) or to protect a person's life or health: in that case the reason "
                           "is recorded, and you may ask to know it. We do not sell your data and do not transfer it "
                           "outside the European Union.",
        "basis_text": "Your consent (Articles 6(1)(a) and 9(2)(a) of the General Data Protection Regulation, GDPR), "
                      "or, where stated, a legal obligation (Art. 6(1)(c)), a task in the public interest "
                      "(Art. 6(1)(e)) or the protection of a person's vital interests (Arts. 6(1)(d) and 9(2)(c)).",
        "retention_text": "We keep the data for as long as we support you and, after the case is closed, for "
                          "{retention_period}; then we make it anonymous. If you withdraw your consent, the "
                          "recipient organisations stop seeing it immediately.",
        "withdraw_text_no_contact": "You can withdraw your consent at any time, fully or in part, by telling the "
                                    "worker; if you prefer to do it in writing, the worker gives you the address to "
                                    "write to. Withdrawal takes effect immediately; it does not undo what was done "
                                    "before.",
    },
    "fr": {
        "recipients_text": "Uniquement avec les organisations ou le réseau indiqués dans le formulaire, et pour les "
                           "catégories de données que vous choisissez. Sans votre consentement, une organisation ne "
                           "reçoit des données que si la loi le prévoit (par exemple la Commune, pour les missions "
                           "d'aide sociale de la loi 328/2000) ou pour protéger la vie ou la santé d'une personne : le "
                           "motif est alors enregistré et vous pouvez le connaître. Nous ne vendons pas vos données et "
                           "ne les transférons pas hors de l'Union européenne.",
        "basis_text": "Votre consentement (articles 6, paragraphe 1, point a) et 9, paragraphe 2, point a) du RGPD), "
                      "ou, quand c'est indiqué, une obligation légale (art. 6.1, point c)), une mission d'intérêt "
                      "public (point e)) ou les intérêts vitaux d'une personne (point d) et art. 9.2, point c)).",
        "retention_text": "Nous conservons les données tant que nous vous accompagnons et, après la clôture du "
                          "dossier, pendant {retention_period} ; ensuite nous les rendons anonymes. Si vous retirez "
                          "votre consentement, les organisations destinataires cessent immédiatement de les voir.",
        "withdraw_text_no_contact": "Vous pouvez retirer votre consentement à tout moment, en tout ou en partie, en "
                                    "le disant à l'intervenant ; si vous préférez le faire par écrit, l'intervenant "
                                    "vous donne l'adresse où écrire. Le retrait prend effet immédiatement ; il ne "
                                    "remet pas en cause ce qui a été fait avant.",
    },
    "ar": {
        "recipients_text": "فقط مع المنظمات أو الشبكة المذكورة في الاستمارة، وفقط لفئات البيانات التي تختارها. "
                           "ولا يجوز لأي منظمة أن تتلقى بيانات دون موافقتك إلا عندما ينص القانون على ذلك (مثل "
                           "البلدية (Comune) لمهام الرعاية الاجتماعية التي يكلّفها بها القانون 328/2000) أو لحماية "
                           "حياة شخص أو صحته: وفي هذه الحالة يُسجَّل السبب، ويحق لك أن تطلب معرفته. نحن لا نبيع "
                           "بياناتك ولا ننقلها خارج الاتحاد الأوروبي.",
        "basis_text": "موافقتك (المادة 6(1)(أ) والمادة 9(2)(أ) من اللائحة العامة لحماية البيانات، GDPR)، أو، عندما "
                      "يُذكر ذلك، التزام قانوني (المادة 6(1)(ج)) أو مهمة تُنفَّذ للمصلحة العامة (المادة 6(1)(هـ)) أو "
                      "حماية المصالح الحيوية لشخص ما (المادة 6(1)(د) والمادة 9(2)(ج)).",
        "retention_text": "نحتفظ بالبيانات طوال فترة مرافقتنا لك، وبعد إغلاق الملف لمدة {retention_period}، ثم "
                          "نجعلها مجهولة الهوية. إذا سحبت موافقتك، تتوقف المنظمات المتلقية عن رؤيتها فوراً.",
        "withdraw_text_no_contact": "يمكنك سحب موافقتك في أي وقت، كلياً أو جزئياً، بإبلاغ الأخصائي؛ وإذا فضّلت "
                                    "القيام بذلك كتابةً، يعطيك الأخصائي العنوان الذي تكتب إليه. يسري السحب فوراً، "
                                    "ولا يلغي ما تم قبله.",
    },
    "uk": {
        "recipients_text": "Лише з організаціями або мережею, зазначеними у формі, і лише тими категоріями даних, які "
                           "ви оберете. Без вашої згоди організація може отримати дані лише тоді, коли це "
                           "передбачає закон (наприклад, муніципалітет (Comune) для завдань соціальної допомоги, які "
                           "покладає на нього закон 328/2000), або щоб захистити життя чи здоров'я людини: у такому "
                           "разі причину фіксують, і ви можете попросити її повідомити. Ми не продаємо ваші дані й не "
                           "передаємо їх за межі Європейського Союзу.",
        "basis_text": "Ваша згода (статті 6(1)(a) і 9(2)(a) Загального регламенту про захист даних, GDPR) або, якщо "
                      "це зазначено, юридичний обов'язок (ст. 6(1)(c)), завдання в суспільних інтересах "
                      "(ст. 6(1)(e)) чи захист життєво важливих інтересів людини (ст. 6(1)(d) і 9(2)(c)).",
        "retention_text": "Ми зберігаємо дані весь час, поки вас супроводжуємо, а після закриття справи — ще "
                          "{retention_period}; потім знеособлюємо їх. Якщо ви відкличете згоду, організації-"
                          "одержувачі одразу перестануть їх бачити.",
        "withdraw_text_no_contact": "Ви можете відкликати згоду будь-коли, повністю або частково, сказавши про це "
                                    "працівникові; якщо хочете зробити це письмово, працівник дасть вам адресу, на "
                                    "яку писати. Відкликання діє одразу; воно не скасовує того, що було зроблено "
                                    "раніше.",
    },
    "es": {
        "recipients_text": "Solo con las organizaciones o la red indicadas en el formulario, y solo las categorías de "
                           "datos que usted elija. Sin su consentimiento, una organización solo puede recibir datos "
                           "cuando la ley lo prevé (por ejemplo el Ayuntamiento (Comune), para las funciones de "
                           "asistencia social que le atribuye la ley 328/2000) o para proteger la vida o la salud de "
                           "una persona: en ese caso se registra el motivo, y usted puede pedir conocerlo. No vendemos "
                           "sus datos ni los transferimos fuera de la Unión Europea.",
        "basis_text": "Su consentimiento (artículos 6.1.a y 9.2.a del Reglamento general de protección de datos, "
                      "RGPD), o, cuando se indique, una obligación legal (art. 6.1.c), una misión de interés público "
                      "(art. 6.1.e) o la protección de los intereses vitales de una persona (arts. 6.1.d y 9.2.c).",
        "retention_text": "Conservamos los datos mientras le acompañamos y, tras el cierre del expediente, durante "
                          "{retention_period}; después los anonimizamos. Si retira su consentimiento, las "
                          "organizaciones destinatarias dejan de verlos inmediatamente.",
        "withdraw_text_no_contact": "Puede retirar su consentimiento en cualquier momento, total o parcialmente, "
                                    "diciéndoselo al profesional; si prefiere hacerlo por escrito, el profesional le "
                                    "da la dirección a la que escribir. La retirada tiene efecto inmediato; no anula "
                                    "lo hecho antes.",
    },
}

TEXTS_2026_11_23: Final[dict[str, dict[str, str]]] = {
    language: {**text, **_CHANGES_2026_11_23[language]} for language, text in TEXTS_2026_11.items()
}
