"""The fictional part of the demo: personas, the evaluator's organisation, an illustrative ATS, and the
meetings, decisions and action items of the governance bodies.

Organisation and network names are real (see `data/SOURCE.md`); everything here is fiction and labelled as
such: people have role-like surnames and `.invalid` e-mail addresses, minutes start with "Verbale (demo)".
Meeting dates are offsets in days from the day the demo is first built, so there are always past meetings,
planned ones, overdue action items and done ones."""

from __future__ import annotations

from dataclasses import dataclass

from trama.accounts.roles import Role

# Not a secret: the demo prints it next to every login.
DEMO_PASSWORD = "demo-trama-qubi"  # noqa: S105
EMAIL_DOMAIN = "demo.trama.invalid"

# The two real ETS of the same municipal network (QuBì Municipio 8) that receive the ETS personas. Farsi
# Prossimo represents QuBì Villapizzone and also takes part in the reception co-programming, so its
# reception manager is coherent. Ripari represents QuBì Quarto Oggiaro.
MUNICIPIO = 8
ETS_A = "farsi-prossimo"
ETS_B = "ripari"
COMUNE = "comune-di-milano"
EVALUATOR_ORG = "osservatorio-reti-demo"
MUNICIPAL_NETWORK = "qubi-municipio-8"
# The neighbourhood network Farsi Prossimo leads, where its community lab's consulta sits.
LAB_NETWORK = "qubi-villapizzone"


@dataclass(frozen=True)
class FictionalOrganisation:
    slug: str
    name: str
    short_name: str
    kind: str
    description: str


EVALUATOR_ORGANISATION = FictionalOrganisation(
    slug=EVALUATOR_ORG,
    name="Osservatorio Reti Milano (organizzazione fittizia della demo)",
    short_name="Osservatorio (demo)",
    kind="university",
    description=(
        "Organizzazione inventata per la demo: il co-gestore metodologico previsto dalla scheda "
        "tecnica (monitoraggio, valutazione d'impatto, analisi dei dati delle reti municipali). "
        "I documenti non lo indicano."
    ),
)

ATS_M8 = FictionalOrganisation(
    slug="ats-qubi-municipio-8-demo",
    name="ATS QuBì Municipio 8 (composizione illustrativa della demo)",
    short_name="ATS QuBì M8 (demo)",
    kind="ats",
    description=(
        "Esempio di associazione temporanea di scopo tra gli ETS della rete municipale: i documenti "
        "ne prevedono l'istituzione, questa composizione è inventata per la demo."
    ),
)


@dataclass(frozen=True)
class PersonaSpec:
    key: str
    first_name: str
    last_name: str
    organisation: str  # slug
    role: str
    title: str  # the staff contact's title (Person.title)
    # Slug of the network the role is limited to (Membership.network: that network and the ones below it);
    # None: every network of the organisation.
    network: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@{EMAIL_DOMAIN}".lower().replace(" ", "")


PERSONAS: tuple[PersonaSpec, ...] = (
    PersonaSpec("coordinator", "Carla", "Coordinatrice", COMUNE, Role.CITY_COORDINATOR,
                "Coordinatrice cittadina QuBì, Direzione Welfare e Salute"),
    # The Comune's municipal roles work for Municipio 8 only, not for every network the Comune belongs to.
    PersonaSpec("social_worker", "Sara", "Comunitaria", COMUNE, Role.COMMUNITY_SOCIAL_WORKER,
                "Assistente sociale di comunità, Municipio 8", network=MUNICIPAL_NETWORK),
    PersonaSpec("unit_lead", "Ugo", "Unitario", COMUNE, Role.MUNICIPAL_UNIT_LEAD,
                "EQ Unità Milano Welfare, Municipio 8", network=MUNICIPAL_NETWORK),
    PersonaSpec("admin", "Ada", "Amministratrice", COMUNE, Role.PLATFORM_ADMIN,
                "Amministratrice della piattaforma"),
    PersonaSpec("referent", "Rita", "Referente", ETS_A, Role.NETWORK_REFERENT,
                "Referente di rete QuBì Municipio 8"),
    PersonaSpec("proximity", "Paolo", "Prossimo", ETS_A, Role.PROXIMITY_WORKER,
                "Operatore di prossimità, Villapizzone"),
    PersonaSpec("facilitator", "Fabio", "Facilitatore", ETS_A, Role.LAB_FACILITATOR,
                "Conduttore di laboratorio di comunità"),
    PersonaSpec("volunteer", "Vera", "Volontaria", ETS_A, Role.VOLUNTEER,
                "Cittadina collaboratrice"),
    PersonaSpec("officer", "Olga", "Rendiconti", ETS_A, Role.ADMINISTRATIVE_OFFICER,
                "Referente amministrativa"),
    PersonaSpec("reception", "Remo", "Accoglienza", ETS_A, Role.RECEPTION_MANAGER,
                "Responsabile accoglienza (SAI/CAS)"),
    PersonaSpec("referent_b", "Bruno", "Rete", ETS_B, Role.NETWORK_REFERENT,
                "Referente di rete QuBì Municipio 8"),
    PersonaSpec("proximity_b", "Bianca", "Vicina", ETS_B, Role.PROXIMITY_WORKER,
                "Operatrice di prossimità, Quarto Oggiaro"),
    PersonaSpec("facilitator_b", "Lia", "Laboratorio", ETS_B, Role.LAB_FACILITATOR,
                "Conduttrice di laboratorio di comunità"),
    PersonaSpec("volunteer_b", "Vito", "Volenteroso", ETS_B, Role.VOLUNTEER,
                "Cittadino collaboratore"),
    PersonaSpec("officer_b", "Aldo", "Contabile", ETS_B, Role.ADMINISTRATIVE_OFFICER,
                "Referente amministrativo"),
    PersonaSpec("evaluator", "Elena", "Valutatrice", EVALUATOR_ORG, Role.EVALUATOR,
                "Valutatrice, co-gestione metodologica"),
)


@dataclass(frozen=True)
class ActionSpec:
    title: str
    owner: str  # persona key
    due_in_days: int  # from the build day; negative = in the past
    status: str  # open | in_progress | done
    done_in_days: int | None = None
    decision: int | None = None  # number of the decision it implements
    description: str = ""


@dataclass(frozen=True)
class MeetingSpec:
    title: str
    in_days: int  # from the build day; negative = held, positive = planned
    start_hour: int
    duration_minutes: int
    place: str
    agenda: str
    recorded_by: str  # persona key of whoever schedules it and records minutes and decisions
    minutes: str = ""
    present: tuple[str, ...] = ()  # persona keys
    excused: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    organisations_present: tuple[str, ...] = ()  # organisation slugs, when a whole organisation attends
    decisions: tuple[str, ...] = ()  # numbered 1, 2, … in this order
    actions: tuple[ActionSpec, ...] = ()


@dataclass(frozen=True)
class FictionalBody:
    """A body the seeds do not name: created by the demo (the seeds' bodies come from data/qubi.json)."""

    network: str  # network slug
    kind: str  # a BodyKind value
    name: str
    theme: str
    description: str


@dataclass(frozen=True)
class BodyScenario:
    network: str  # network slug
    name: str  # body name, unique in its network
    members: tuple[tuple[str, str], ...] = ()  # (persona key, body role)
    organisation_members: tuple[tuple[str, str], ...] = ()  # (organisation slug, body role)
    meetings: tuple[MeetingSpec, ...] = ()


_CITY_PLACE = "Comune di Milano, Direzione Welfare e Salute (sala riunioni)"
_M8_PLACE = "Sede del Municipio 8, Via Quarenghi 21"

_CITY_STEERING = BodyScenario(
    network="qubi-milano",
    name="Cabina di Regia Integrata",
    # Only organisations of the city network sit here (the services check it): the Comune and the
    # methodological co-manager. The ETS take part through their municipal networks, and so do the Comune's
    # municipal roles (Sara and Ugo work for Municipio 8 only: they do not see the city network's bodies).
    members=(("coordinator", "chair"), ("evaluator", "observer")),
    organisation_members=((COMUNE, "member"),),
    meetings=(
        MeetingSpec(
            title="Riesame annuale dei progetti municipali",
            in_days=-75, start_hour=10, duration_minutes=120, place=_CITY_PLACE,
            agenda=(
                "1. Stato di avanzamento dei 9 progetti municipali\n"
                "2. Indicatori ESF+: partecipanti (target intermedio 128, finale 850; "
                "485 in situazione migliorativa)\n"
                "3. Proroga dei progetti unitari (fino a 24 mesi)\n"
                "4. Varie ed eventuali"
            ),
            minutes=(
                "Verbale (demo). Presenti la coordinatrice cittadina e la valutatrice, con i resoconti "
                "delle cabine di regia municipali. Le reti municipali riportano un buon avvio dei punti di "
                "accesso; i dati di "
                "monitoraggio sono raccolti con griglie diverse da Municipio a Municipio. Si concorda una "
                "griglia comune e un primo riesame con i dati del semestre."
            ),
            recorded_by="coordinator",
            present=("coordinator", "evaluator"),
            decisions=(
                "Tutte le reti municipali adottano la stessa griglia di rilevazione dei partecipanti, "
                "allineata agli indicatori comuni ESF+.",
                "Il riesame annuale (PDCA) dei progetti municipali si tiene con i dati del semestre e ne "
                "riporta gli esiti alla Cabina di Regia Integrata.",
            ),
            actions=(
                ActionSpec("Inviare alle 9 reti municipali la griglia comune di rilevazione",
                           owner="coordinator", due_in_days=-60, status="done", done_in_days=-62,
                           decision=1),
                ActionSpec("Prima lettura dei dati di monitoraggio del semestre",
                           owner="evaluator", due_in_days=-10, status="in_progress", decision=2,
                           description="Dati aggregati e pseudonimizzati, nessun dato identificativo."),
            ),
        ),
        MeetingSpec(
            title="Verifica intermedia degli indicatori",
            in_days=14, start_hour=10, duration_minutes=120, place=_CITY_PLACE,
            agenda=(
                "1. Esiti della prima lettura dei dati di monitoraggio\n"
                "2. Avvio del Tavolo cittadino 0-18\n"
                "3. Calendario dei riesami municipali"
            ),
            recorded_by="coordinator",
        ),
    ),
)

_M8_STEERING = BodyScenario(
    network="qubi-municipio-8",
    name="Cabina di regia Municipio 8",
    members=(
        ("social_worker", "community_social_worker"), ("referent", "network_referent"),
        ("referent_b", "network_referent"), ("unit_lead", "municipal_unit_lead"),
    ),
    organisation_members=(("zerodiciotto", "member"), ("mitades", "member")),
    meetings=(
        MeetingSpec(
            title="Avvio dello sportello itinerante e dello zaino sospeso",
            in_days=-60, start_hour=14, duration_minutes=120, place=_M8_PLACE,
            agenda=(
                "1. Calendario dello sportello itinerante: Quarto Oggiaro, Gallaratese, Villapizzone\n"
                "2. Zaino sospeso: punti e date di raccolta del materiale scolastico\n"
                "3. Criteri di funzionamento del fondo di comunità"
            ),
            minutes=(
                "Verbale (demo). La cabina condivide il calendario dello sportello itinerante proposto dal "
                "gruppo di progetto e l'avvio della raccolta dello zaino sospeso. Sul fondo di comunità si "
                "chiede all'assistente sociale di comunità una bozza di criteri da condividere con "
                "l'Amministrazione."
            ),
            recorded_by="social_worker",
            present=("social_worker", "referent", "referent_b"),
            excused=("unit_lead",),
            organisations_present=("zerodiciotto",),
            decisions=(
                "Lo sportello itinerante è aperto a Quarto Oggiaro il martedì 10:00-13:00, al Gallaratese "
                "il mercoledì 14:00-17:00 e a Villapizzone il venerdì 10:00-13:00, su appuntamento.",
                "La raccolta dello zaino sospeso si svolge nei punti di accesso della rete nelle tre "
                "settimane prima dell'inizio della scuola.",
                "Le spese del fondo di comunità per i singoli minori oltre la soglia concordata richiedono "
                "l'approvazione dell'EQ dell'Unità Milano Welfare.",
            ),
            actions=(
                ActionSpec("Pubblicare il volantino dello sportello itinerante con i tre numeri di zona",
                           owner="referent", due_in_days=-45, status="done", done_in_days=-47,
                           decision=1),
                ActionSpec("Raccogliere le disponibilità dei punti di raccolta dello zaino sospeso",
                           owner="referent_b", due_in_days=-20, status="open", decision=2),
                ActionSpec("Bozza dei criteri del fondo di comunità da condividere con l'Amministrazione",
                           owner="social_worker", due_in_days=10, status="in_progress", decision=3),
            ),
        ),
        MeetingSpec(
            title="Monitoraggio dei punti di accesso",
            in_days=-14, start_hour=14, duration_minutes=90, place=_M8_PLACE,
            agenda=(
                "1. Primi dati di affluenza dello sportello itinerante\n"
                "2. Passaggi tra rete e servizio sociale: casi in attesa\n"
                "3. Proposte dal Tavolo 0-1000 giorni"
            ),
            minutes=(
                "Verbale (demo). L'affluenza è più alta a Quarto Oggiaro; al Gallaratese servono materiali "
                "in più lingue. I passaggi in attesa da più di due settimane vanno sollecitati."
            ),
            recorded_by="referent",
            present=("social_worker", "referent", "referent_b", "unit_lead"),
            decisions=(
                "Allo sportello del Gallaratese si distribuiscono materiali informativi anche in arabo, "
                "inglese e spagnolo.",
            ),
            actions=(
                ActionSpec("Tradurre il volantino dello sportello in arabo, inglese e spagnolo",
                           owner="referent_b", due_in_days=-3, status="open", decision=1),
                ActionSpec("Sollecitare i passaggi in attesa da più di due settimane",
                           owner="social_worker", due_in_days=-7, status="done", done_in_days=-8),
            ),
        ),
        MeetingSpec(
            title="Riesame semestrale del progetto municipale",
            in_days=7, start_hour=14, duration_minutes=120, place=_M8_PLACE,
            agenda=(
                "1. Dati del semestre per la Cabina di Regia Integrata\n"
                "2. Stato del fondo di comunità\n"
                "3. Calendario dei tavoli"
            ),
            recorded_by="social_worker",
        ),
    ),
)

_M8_FIRST_1000_DAYS = BodyScenario(
    network="qubi-municipio-8",
    name="Tavolo 0-1000 giorni Municipio 8",
    members=(("proximity", "table_referent"), ("social_worker", "community_social_worker"),
             ("proximity_b", "member")),
    organisation_members=(("mitades", "member"),),
    meetings=(
        MeetingSpec(
            title="Orientamento e accompagnamento delle neo-mamme",
            in_days=-21, start_hour=10, duration_minutes=90, place="Punto di accesso Villapizzone",
            agenda=(
                "1. Neo-mamme intercettate dai punti di accesso\n"
                "2. Spazi mamma-bambino 0-6 nel Municipio\n"
                "3. Raccordo con i consultori"
            ),
            minutes=(
                "Verbale (demo). Il tavolo propone di mappare gli spazi mamma-bambino 0-6 e le biblioteche "
                "di quartiere per costruire percorsi di accompagnamento non stigmatizzanti."
            ),
            recorded_by="social_worker",
            present=("proximity", "social_worker", "proximity_b"),
            decisions=(
                "Il tavolo mappa gli spazi mamma-bambino 0-6 del Municipio 8 nella mappa delle risorse "
                "condivisa.",
            ),
            actions=(
                ActionSpec("Mappare gli spazi mamma-bambino 0-6 del Municipio 8",
                           owner="proximity", due_in_days=21, status="open", decision=1),
            ),
        ),
    ),
)

_M8_0_18 = BodyScenario(
    network="qubi-municipio-8",
    name="Tavolo 0-18 Municipio 8",
    members=(("referent_b", "table_referent"), ("social_worker", "community_social_worker")),
    organisation_members=(("zerodiciotto", "member"),),
    meetings=(
        MeetingSpec(
            title="Avvio del tavolo: dati e doposcuola del Municipio",
            in_days=28, start_hour=17, duration_minutes=90, place="Punto di accesso Gallaratese",
            agenda=(
                "1. Dati su minori e famiglie del Municipio 8\n"
                "2. Doposcuola e spazi compiti\n"
                "3. Referente del tavolo nella cabina di regia"
            ),
            recorded_by="referent_b",
        ),
    ),
)

_M8_ITINERANT_DESK = BodyScenario(
    network="qubi-municipio-8",
    name="Gruppo di progetto Sportello itinerante Municipio 8",
    members=(("proximity_b", "table_referent"), ("proximity", "member"), ("volunteer", "member")),
    meetings=(
        MeetingSpec(
            title="Organizzazione dei turni dello sportello",
            in_days=-70, start_hour=9, duration_minutes=60, place="Punto di accesso Quarto Oggiaro",
            agenda=(
                "1. Turni degli operatori nelle tre zone\n"
                "2. Registro delle presenze\n"
                "3. Proposta di calendario per la cabina di regia"
            ),
            minutes=(
                "Verbale (demo). Il gruppo propone alla cabina di regia il calendario settimanale e adotta "
                "un registro comune delle presenze."
            ),
            recorded_by="referent_b",
            present=("proximity_b", "proximity", "volunteer"),
            decisions=(
                "Il gruppo propone alla cabina di regia il calendario: martedì Quarto Oggiaro, mercoledì "
                "Gallaratese, venerdì Villapizzone.",
            ),
            actions=(
                ActionSpec("Predisporre il registro comune delle presenze dello sportello",
                           owner="proximity_b", due_in_days=-63, status="done", done_in_days=-64),
            ),
        ),
    ),
)

_RECEPTION_PRACTICE = BodyScenario(
    network="accoglienza-milano",
    name="Tavolo permanente - comunità di pratiche accoglienza",
    members=(("coordinator", "chair"), ("reception", "member")),
    organisation_members=((COMUNE, "member"), (ETS_A, "member")),
    meetings=(
        MeetingSpec(
            title="Procedure condivise per i passaggi tra i servizi della filiera",
            in_days=-40, start_hour=15, duration_minutes=120, place=_CITY_PLACE,
            agenda=(
                "1. Passaggi tra prima accoglienza, CAS e SAI: dove si perdono le informazioni\n"
                "2. Una scheda comune di passaggio\n"
                "3. Gestione dei picchi di arrivi"
            ),
            minutes=(
                "Verbale (demo). Gli enti gestori segnalano passaggi senza riscontro tra i servizi della "
                "filiera. Si concorda di sperimentare una scheda comune di passaggio, condivisa con il "
                "consenso della persona accolta."
            ),
            recorded_by="coordinator",
            present=("coordinator", "reception"),
            organisations_present=(ETS_A,),
            decisions=(
                "Si sperimenta una scheda comune di passaggio CAS → SAI, condivisa solo con il consenso "
                "della persona accolta.",
            ),
            actions=(
                ActionSpec("Proposta di scheda comune di passaggio CAS → SAI",
                           owner="reception", due_in_days=15, status="in_progress", decision=1),
            ),
        ),
    ),
)

# The seeds list the community labs' consulte among the operational bodies without naming one: the demo gives
# Villapizzone's lab (led by Farsi Prossimo) a consulta, conducted by its lab facilitator with the volunteers.
LAB_CONSULTA = FictionalBody(
    network=LAB_NETWORK,
    kind="lab_consulta",
    name="Consulta del laboratorio di comunità Villapizzone",
    theme="Laboratorio di comunità",
    description=(
        "Consulta del laboratorio di comunità del quartiere (organo della demo): conduttori, cittadini "
        "collaboratori e operatori propongono le attività del laboratorio e ne verificano l'andamento."
    ),
)

FICTIONAL_BODIES: tuple[FictionalBody, ...] = (LAB_CONSULTA,)

_LAB_CONSULTA = BodyScenario(
    network=LAB_CONSULTA.network,
    name=LAB_CONSULTA.name,
    members=(("facilitator", "table_referent"), ("volunteer", "member"), ("proximity", "member")),
    meetings=(
        MeetingSpec(
            title="Proposte di attività del laboratorio per il trimestre",
            in_days=-30, start_hour=18, duration_minutes=90, place="Punto di accesso Villapizzone",
            agenda=(
                "1. Attività del laboratorio: compiti, gioco, cucina\n"
                "2. Disponibilità dei cittadini collaboratori\n"
                "3. Calendario del trimestre"
            ),
            minutes=(
                "Verbale (demo). La consulta propone un pomeriggio di compiti e gioco a settimana e un "
                "laboratorio di cucina al mese, con i turni dei cittadini collaboratori."
            ),
            recorded_by="referent",
            present=("facilitator", "volunteer", "proximity"),
            decisions=(
                "Il laboratorio apre il mercoledì pomeriggio per compiti e gioco, con un laboratorio di "
                "cucina il primo sabato del mese.",
            ),
            actions=(
                ActionSpec("Raccogliere i turni dei cittadini collaboratori per il trimestre",
                           owner="facilitator", due_in_days=7, status="in_progress", decision=1),
            ),
        ),
        MeetingSpec(
            title="Verifica del trimestre del laboratorio",
            in_days=60, start_hour=18, duration_minutes=90, place="Punto di accesso Villapizzone",
            agenda="1. Partecipazione alle attività\n2. Proposte per il trimestre successivo",
            recorded_by="referent",
        ),
    ),
)

GOVERNANCE: tuple[BodyScenario, ...] = (
    _CITY_STEERING,
    _M8_STEERING,
    _M8_FIRST_1000_DAYS,
    _M8_0_18,
    _M8_ITINERANT_DESK,
    _RECEPTION_PRACTICE,
    _LAB_CONSULTA,
)
