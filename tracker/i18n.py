"""The one catalog of user-facing strings.

Swedish is the default language; English is chosen with ``--lang en`` or ``TRACKER_LANG=en``.
Every key has both languages and the same ``{placeholders}`` in each (a test enforces it).
This module imports nothing from the project, so every layer may use it.
"""

from __future__ import annotations

import os
import string

LANGUAGES = ("sv", "en")
_language = os.environ.get("TRACKER_LANG", "sv")
if _language not in LANGUAGES:
    _language = "sv"


def set_language(lang: str) -> None:
    """Choose the language for every later ``t()`` call."""
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language: {lang}")
    _language = lang


def get_language() -> str:
    return _language


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """The message ``key`` in ``lang`` (default: the chosen language), filled with ``params``."""
    entry = CATALOG[key]
    return entry[lang or _language].format(**params)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# Keys are grouped by layer: "common.", "domain.", "store.", "keyfile.", "service.", "cli.",
# "demo.", "import.", "stats.", "tui.". Each group has its own section below; add new keys to the section of their layer.
CATALOG: dict[str, dict[str, str]] = {
    # --- common ---------------------------------------------------------------------------
    "common.yes": {"sv": "ja", "en": "yes"},
    "common.no": {"sv": "nej", "en": "no"},
    # --- domain ---------------------------------------------------------------------------
    # Privacy boundary and participant codes
    "domain.personnummer_refused": {
        "sv": "Värdet ser ut som ett personnummer eller samordningsnummer och sparas inte. "
        "Registret får bara innehålla deltagarkoder.",
        "en": "The value looks like a Swedish personal identity number or coordination number "
        "and is not saved. The register may only hold participant codes.",
    },
    "domain.name_empty": {
        "sv": "Namnet får inte vara tomt.",
        "en": "The name may not be empty.",
    },
    "domain.name_formula": {
        "sv": "Namnet får inte börja med {first} (tecknen =, +, - och @ blir formler i kalkylark).",
        "en": "The name may not start with {first} (=, +, - and @ become formulas in spreadsheets).",
    },
    "domain.name_shape": {
        "sv": "Namnet får ha högst {maximum} tecken och inga radbrytningar eller styrtecken.",
        "en": "The name may have at most {maximum} characters and no line breaks or control characters.",
    },
    "domain.code_format": {
        "sv": "Deltagarkoden ska vara 3–20 tecken och får bara innehålla A–Z, 0–9 och bindestreck.",
        "en": "A participant code has 3–20 characters and may only contain A–Z, 0–9 and hyphens.",
    },
    "domain.code_needs_letter": {
        "sv": "En deltagarkod måste innehålla minst en bokstav (A–Z), så att den aldrig kan läsas som ett datum eller personnummer.",
        "en": "A participant code must contain at least one letter (A–Z), so it can never be read as a date or a personnummer.",
    },
    "domain.code_check": {
        "sv": "Kontrolltecknet stämmer inte — kontrollera koden.",
        "en": "The check character does not match — please check the code.",
    },
    # Dates and periods
    "domain.date_format": {
        "sv": "Datumet känns inte igen. Skriv ÅÅÅÅ-MM-DD (till exempel 2026-03-15), idag, igår "
        "eller -N för N dagar sedan.",
        "en": "The date is not recognised. Enter YYYY-MM-DD (for example 2026-03-15), today, "
        "yesterday or -N for N days ago.",
    },
    "domain.period_format": {
        "sv": "Perioden känns inte igen. Ange till exempel 2026, 2026H1, 2026T2 (tertial), "
        "2026Q3 eller 2026-01-15..2026-03-31.",
        "en": "The period is not recognised. Enter for example 2026, 2026H1, 2026T2 (tertial), "
        "2026Q3 or 2026-01-15..2026-03-31.",
    },
    "domain.period_order": {
        "sv": "Periodens första dag ({first}) ligger efter dess sista dag ({last}).",
        "en": "The period's first day ({first}) is after its last day ({last}).",
    },
    "domain.period_future": {
        "sv": "Perioden {label} har inte börjat än (den börjar {first}, i dag är det {today}). "
        "Det går inte att ta fram siffror för en period i framtiden.",
        "en": "The period {label} has not begun yet (it begins {first}, today is {today}). "
        "There are no figures for a period in the future.",
    },
    # Case rules (metrics.md, "The participant's case")
    "domain.kind_unknown": {
        "sv": "Okänd händelsetyp: {kind}.",
        "en": "Unknown event type: {kind}.",
    },
    "domain.application_duplicate": {
        "sv": "Deltagaren har redan en ansökan ({first}); en andra ansökan ({date}) kan inte "
        "registreras.",
        "en": "The participant already has an application ({first}); a second one ({date}) "
        "cannot be registered.",
    },
    "domain.start_duplicate": {
        "sv": "Deltagaren är redan inskriven ({first}); en andra start ({date}) kan inte "
        "registreras.",
        "en": "The participant is already enrolled ({first}); a second start ({date}) cannot "
        "be registered.",
    },
    "domain.non_start_duplicate": {
        "sv": "Ansökan är redan avslutad utan start ({first}); ej start kan inte registreras en "
        "gång till ({date}).",
        "en": "The application is already closed without a start ({first}); a second non-start "
        "({date}) cannot be registered.",
    },
    "domain.exit_duplicate": {
        "sv": "Deltagaren är redan avslutad ({first}); ett andra avslut ({date}) kan inte "
        "registreras.",
        "en": "The participant has already exited ({first}); a second exit ({date}) cannot be "
        "registered.",
    },
    "domain.date_in_future": {
        "sv": "Datumet {date} ligger efter dagens datum ({today}). Händelser kan inte "
        "registreras i förväg.",
        "en": "The date {date} is after today ({today}). Events cannot be registered in advance.",
    },
    "domain.start_and_non_start": {
        "sv": "En ansökan kan inte både leda till start ({start}) och avslutas utan start "
        "({non_start}). Rätta eller ta bort en av händelserna.",
        "en": "An application cannot both lead to a start ({start}) and be closed without a "
        "start ({non_start}). Correct or retract one of the events.",
    },
    "domain.start_before_application": {
        "sv": "Startdatumet {date} ligger före ansökan ({application}). Start kan vara samma "
        "dag som ansökan eller senare.",
        "en": "The start date {date} is before the application ({application}). A start can be "
        "on the day of the application or later.",
    },
    "domain.non_start_without_application": {
        "sv": "Ej start kan bara registreras när deltagaren har en ansökan.",
        "en": "A non-start can only be registered when the participant has an application.",
    },
    "domain.non_start_before_application": {
        "sv": "Datumet för ej start ({date}) ligger före ansökan ({application}).",
        "en": "The non-start date ({date}) is before the application ({application}).",
    },
    "domain.step_without_start": {
        "sv": "En stegförflyttning kräver att deltagaren är inskriven (start).",
        "en": "A step requires the participant to be enrolled (start).",
    },
    "domain.step_before_start": {
        "sv": "Stegförflyttningen ({date}) ligger före start ({start}).",
        "en": "The step ({date}) is before the start ({start}).",
    },
    "domain.step_after_exit": {
        "sv": "Stegförflyttningen ({date}) ligger efter avslutet ({exit}).",
        "en": "The step ({date}) is after the exit ({exit}).",
    },
    "domain.exit_without_start": {
        "sv": "Avslut kräver att deltagaren är inskriven (start).",
        "en": "An exit requires the participant to be enrolled (start).",
    },
    "domain.exit_before_start": {
        "sv": "Avslutsdatumet {date} ligger före start ({start}).",
        "en": "The exit date {date} is before the start ({start}).",
    },
    "domain.handover_missing": {
        "sv": "Ange om deltagaren gick vidare till ordinarie insats hos en part (ja eller nej).",
        "en": "State whether the participant went on to regular services at a party (yes or no).",
    },
    "domain.follow_up_without_exit": {
        "sv": "Uppföljning kan bara registreras efter avslut.",
        "en": "A follow-up can only be registered after an exit.",
    },
    "domain.follow_up_not_after_exit": {
        "sv": "Uppföljningen ({date}) måste ligga efter avslutet ({exit}).",
        "en": "The follow-up ({date}) must be after the exit ({exit}).",
    },
    "domain.follow_up_months_missing": {
        "sv": "Ange om uppföljningen gäller 6 eller 18 månader efter avslut.",
        "en": "State whether the follow-up is the one 6 or 18 months after exit.",
    },
    "domain.follow_up_months": {
        "sv": "Uppföljning görs 6 eller 18 månader efter avslut, inte {months}.",
        "en": "Follow-ups are made 6 or 18 months after exit, not {months}.",
    },
    "domain.follow_up_duplicate": {
        "sv": "Deltagaren har redan en uppföljning efter {months} månader ({first}).",
        "en": "The participant already has a {months}-month follow-up ({first}).",
    },
    # --- domain: follow-up windows, dates, episodes, warnings (issue 14) ---
    "domain.follow_up_too_early": {
        "sv": "En {months}-månadersuppföljning kan registreras tidigast {earliest} ({early} "
        "månader efter avslutet {exit}), inte {date}.",
        "en": "A {months}-month follow-up can be registered from {earliest} on ({early} months "
        "after the exit on {exit}), not on {date}.",
    },
    "domain.follow_up_reason_missing": {
        "sv": "Ange varför uppföljningen inte genomfördes.",
        "en": "Enter why the follow-up was not made.",
    },
    "domain.follow_up_reason_unknown": {
        "sv": "Okänd orsak till att uppföljningen inte genomfördes: {code}.",
        "en": "Unknown reason for a follow-up not made: {code}.",
    },
    "domain.follow_up_not_done_level": {
        "sv": "En uppföljning som inte genomfördes har ingen nivå: lämna nivån tom.",
        "en": "A follow-up that was not made has no level: leave the level empty.",
    },
    "domain.date_too_early": {
        "sv": "Datumet {date} ligger före {floor}, då Finsamlagen började gälla. Kontrollera året.",
        "en": "The date {date} is before {floor}, when the Finsam law came into force. Check "
        "the year.",
    },
    "domain.episode_not_closed": {
        "sv": "Deltagaren kan bara börja en ny omgång ({episode}) när den förra är avslutad "
        "(avslut eller ej start).",
        "en": "The participant can only begin a new episode ({episode}) once the previous one "
        "is closed (exit or non-start).",
    },
    "domain.episode_before_close": {
        "sv": "Den nya omgången börjar {date}, före den förra omgången avslutades ({closed}).",
        "en": "The new episode begins on {date}, before the previous one closed ({closed}).",
    },
    "domain.episode_without_opening": {
        "sv": "Omgång {episode} måste börja med en ansökan eller en start.",
        "en": "Episode {episode} must begin with an application or a start.",
    },
    "domain.warn_step_same_day": {
        "sv": "Obs: deltagaren har redan en stegförflyttning {date}. Makulera den ena om den "
        "registrerades två gånger.",
        "en": "Note: the participant already has a step on {date}. Retract one if it was "
        "registered twice.",
    },
    "domain.warn_destination_level": {
        "sv": "Obs: avslut till {destination} från nivå {level}; arbete eller studier brukar "
        "nås från nivå {expected} eller högre. Kontrollera nivån och sysselsättningen.",
        "en": "Note: exit to {destination} from level {level}; work or studies usually follow "
        "level {expected} or higher. Check the level and the destination.",
    },
    "domain.level_missing": {
        "sv": "Ange en nivå på förflyttningstrappan.",
        "en": "Enter a level on the step ladder.",
    },
    "domain.level_unknown": {
        "sv": "Nivå {level} finns inte på förflyttningstrappan. Välj en nivå mellan {lowest} "
        "och {highest}.",
        "en": "Level {level} is not on the step ladder. Choose a level from {lowest} to {highest}.",
    },
    "domain.referrer_missing": {
        "sv": "Ange remitterande part.",
        "en": "Enter the referring party.",
    },
    "domain.referrer_unknown": {
        "sv": "Okänd remitterande part: {code}.",
        "en": "Unknown referring party: {code}.",
    },
    "domain.reason_missing": {
        "sv": "Ange orsak till att ansökan inte ledde till start.",
        "en": "Enter why the application did not lead to a start.",
    },
    "domain.reason_unknown": {
        "sv": "Okänd orsak till ej start: {code}.",
        "en": "Unknown reason for not starting: {code}.",
    },
    "domain.meeting_unknown": {
        "sv": "Okänd mötestyp: {code}.",
        "en": "Unknown meeting type: {code}.",
    },
    "domain.destination_missing": {
        "sv": "Ange sysselsättning vid avslut.",
        "en": "Enter the destination at exit.",
    },
    "domain.destination_unknown": {
        "sv": "Okänd sysselsättning vid avslut: {code}.",
        "en": "Unknown destination at exit: {code}.",
    },
    "domain.exit_kind_missing": {
        "sv": "Ange avslutstyp (avslutad eller avbruten).",
        "en": "Enter the type of exit (ended or discontinued).",
    },
    "domain.exit_kind_unknown": {
        "sv": "Okänd avslutstyp: {code}.",
        "en": "Unknown type of exit: {code}.",
    },
    # Code lists and the ladder: new versions relabel and add, never remove or renumber
    "domain.codelist_name_changed": {
        "sv": "En ny version måste gälla samma kodlista ({old}), inte {new}.",
        "en": "A new version must be of the same code list ({old}), not {new}.",
    },
    "domain.codelist_version": {
        "sv": "Den nya versionen ska ha versionsnummer {expected}, inte {actual}.",
        "en": "The new version must have version number {expected}, not {actual}.",
    },
    "domain.codelist_code_removed": {
        "sv": "Koden {code} saknas i den nya versionen. Koder kan inte tas bort eftersom "
        "registrerade händelser använder dem; ändra benämningen i stället.",
        "en": "The code {code} is missing from the new version. Codes cannot be removed because "
        "registered events use them; change the label instead.",
    },
    "domain.codelist_duplicate": {
        "sv": "Koden {code} finns mer än en gång.",
        "en": "The code {code} appears more than once.",
    },
    "domain.codelist_code_format": {
        "sv": "Koden {code} är ogiltig. En kod får bara innehålla a–z, 0–9 och understreck "
        "(högst 40 tecken).",
        "en": "The code {code} is invalid. A code may only contain a–z, 0–9 and underscores "
        "(at most 40 characters).",
    },
    "domain.codelist_label_invalid": {
        "sv": "Benämningen för koden {code} saknas eller är längre än {max} tecken.",
        "en": "The label of the code {code} is missing or longer than {max} characters.",
    },
    "domain.codelist_empty": {
        "sv": "Kodlistan måste innehålla minst en kod.",
        "en": "The code list must contain at least one code.",
    },
    "domain.ladder_version": {
        "sv": "Den nya versionen av förflyttningstrappan ska ha versionsnummer {expected}, "
        "inte {actual}.",
        "en": "The new version of the step ladder must have version number {expected}, "
        "not {actual}.",
    },
    "domain.ladder_level_removed": {
        "sv": "Nivå {level} saknas i den nya versionen. Nivåer kan inte tas bort eller "
        "numreras om eftersom registrerade händelser använder dem.",
        "en": "Level {level} is missing from the new version. Levels cannot be removed or "
        "renumbered because registered events use them.",
    },
    "domain.ladder_duplicate": {
        "sv": "Nivå {level} finns mer än en gång.",
        "en": "Level {level} appears more than once.",
    },
    "domain.ladder_level_format": {
        "sv": "Ett nivånummer ska vara ett heltal från 1 och uppåt, inte {level}.",
        "en": "A level number must be a whole number from 1 upwards, not {level}.",
    },
    "domain.ladder_label_invalid": {
        "sv": "Benämningen för nivå {level} saknas eller är längre än {max} tecken.",
        "en": "The label of level {level} is missing or longer than {max} characters.",
    },
    "domain.ladder_empty": {
        "sv": "Förflyttningstrappan måste ha minst en nivå.",
        "en": "The step ladder must have at least one level.",
    },
    # Names shown in lists and forms
    "domain.kind.application": {"sv": "Ansökan", "en": "Application"},
    "domain.kind.start": {"sv": "Start", "en": "Start"},
    "domain.kind.non_start": {"sv": "Ej start", "en": "Not started"},
    "domain.kind.step": {"sv": "Stegförflyttning", "en": "Step"},
    "domain.kind.exit": {"sv": "Avslut", "en": "Exit"},
    "domain.kind.follow_up": {"sv": "Uppföljning", "en": "Follow-up"},
    "domain.kind.correction": {"sv": "Rättelse", "en": "Correction"},
    "domain.kind.retraction": {"sv": "Makulering", "en": "Retraction"},
    "domain.status.empty": {"sv": "Inga händelser", "en": "No events"},
    "domain.status.application": {"sv": "Ansökan utan beslut", "en": "Application pending"},
    "domain.status.active": {"sv": "Pågående", "en": "Active"},
    "domain.status.non_start": {"sv": "Ej startad", "en": "Not started"},
    "domain.status.exited": {"sv": "Avslutad", "en": "Exited"},
    "domain.list.gender": {"sv": "Kön", "en": "Gender"},
    "domain.list.referrer": {"sv": "Remitterande part", "en": "Referring party"},
    "domain.list.meeting_type": {"sv": "Mötestyp", "en": "Meeting type"},
    "domain.list.exit_destination": {
        "sv": "Sysselsättning vid avslut",
        "en": "Destination at exit",
    },
    "domain.list.exit_kind": {"sv": "Avslutstyp", "en": "Type of exit"},
    "domain.list.non_start_reason": {"sv": "Orsak till ej start", "en": "Reason for not starting"},
    "domain.list.correction_reason": {"sv": "Orsak till rättelse", "en": "Reason for correction"},
    "domain.list.follow_up_missed_reason": {
        "sv": "Orsak till att uppföljningen inte genomfördes",
        "en": "Reason the follow-up was not made",
    },
    "domain.list.ladder": {"sv": "Förflyttningstrappa", "en": "Step ladder"},
    # --- keyfile --------------------------------------------------------------------------
    "keyfile.error": {
        "sv": "Nyckelfilen kunde inte användas.",
        "en": "The key file could not be used.",
    },
    "keyfile.wrong_credentials": {
        "sv": "Fel användarnamn eller lösenfras. Inget har ändrats.",
        "en": "Wrong user name or passphrase. Nothing was changed.",
    },
    "keyfile.missing": {
        "sv": "Nyckelfilen {path} saknas. Registret kan inte öppnas utan den. Kontrollera att "
        "filen ligger i samma mapp som registret, eller hämta den från en säkerhetskopia.",
        "en": "The key file {path} is missing. The register cannot be opened without it. Check "
        "that the file is in the same folder as the register, or restore it from a backup.",
    },
    "keyfile.exists": {
        "sv": "Det finns redan en nyckelfil: {path}. Den har inte ändrats.",
        "en": "A key file already exists: {path}. It was not changed.",
    },
    "keyfile.corrupt": {
        "sv": "Nyckelfilen {path} är skadad eller har ett okänt format och kan inte läsas. "
        "Hämta den från en säkerhetskopia.",
        "en": "The key file {path} is damaged or in an unknown format and cannot be read. "
        "Restore it from a backup.",
    },
    "keyfile.tampered": {
        "sv": "Nyckelfilen {path} har ändrats utanför tracker och går inte att lita på. "
        "Inget har ändrats. Hämta nyckelfilen från en säkerhetskopia och meddela den som "
        "ansvarar för registret.",
        "en": "The key file {path} was changed outside tracker and cannot be trusted. "
        "Nothing was changed. Restore the key file from a backup and tell the person "
        "responsible for the register.",
    },
    "keyfile.tampered_slot": {
        "sv": "Nyckelfilen {path} har ändrats utanför tracker: rollen för användaren {user} "
        "stämmer inte. Inget har ändrats. Hämta nyckelfilen från en säkerhetskopia och meddela "
        "den som ansvarar för registret.",
        "en": "The key file {path} was changed outside tracker: the role of user {user} does "
        "not match. Nothing was changed. Restore the key file from a backup and tell the "
        "person responsible for the register.",
    },
    "keyfile.weak_kdf": {
        "sv": "Lösenfrasskyddet i nyckelfilen är svagare än tracker tillåter (minne "
        "{memory_cost} KiB, {iterations} varv, parallellitet {lanes}; minst {floor_memory_cost} "
        "KiB, {floor_iterations} varv, parallellitet {floor_lanes}). Filen kan ha manipulerats. "
        "Meddela den som ansvarar för registret.",
        "en": "The passphrase protection in the key file is weaker than tracker allows (memory "
        "{memory_cost} KiB, {iterations} iterations, {lanes} lanes; at least "
        "{floor_memory_cost} KiB, {floor_iterations} iterations, {floor_lanes} lanes). The file "
        "may have been tampered with. Tell the person responsible for the register.",
    },
    "keyfile.recovery_group_invalid": {
        "sv": "Grupp {group} i återställningsnyckeln är felskriven. Kontrollera de sex "
        "siffrorna i den gruppen.",
        "en": "Group {group} of the recovery key is mistyped. Check the six digits of that group.",
    },
    "keyfile.recovery_key_length": {
        "sv": "Återställningsnyckeln ska ha 8 grupper med 6 siffror i varje, till exempel "
        "123456-234567-… Kontrollera att ingen grupp saknas eller har skrivits två gånger.",
        "en": "The recovery key has 8 groups of 6 digits each, for example 123456-234567-… "
        "Check that no group is missing or typed twice.",
    },
    "keyfile.recovery_key_wrong": {
        "sv": "Återställningsnyckeln är rätt skriven men hör inte till det här registret. "
        "Inget har ändrats.",
        "en": "The recovery key is typed correctly but does not belong to this register. "
        "Nothing was changed.",
    },
    "keyfile.slot_exists": {
        "sv": "Användaren {user} finns redan i nyckelfilen.",
        "en": "The user {user} already exists in the key file.",
    },
    "keyfile.slot_not_found": {
        "sv": "Användaren {user} finns inte i nyckelfilen.",
        "en": "The user {user} does not exist in the key file.",
    },
    "keyfile.last_coordinator": {
        "sv": "Användaren {user} är den enda med rollen samordnare (coordinator) och kan inte "
        "tas bort. Lägg först till en annan användare med den rollen.",
        "en": "The user {user} is the only one with the coordinator role and cannot be "
        "removed. Add another user with that role first.",
    },
    "keyfile.invalid_user_name": {
        "sv": "Användarnamnet {user} går inte att använda. Ett användarnamn har 1–32 tecken: "
        "små bokstäver a–z, å, ä, ö, é, siffror 0–9, punkt, understreck eller bindestreck.",
        "en": "The user name {user} cannot be used. A user name has 1–32 characters: "
        "lower-case letters a–z, å, ä, ö, é, digits 0–9, dot, underscore or hyphen.",
    },
    "keyfile.invalid_role": {
        "sv": "Rollen {role} finns inte. Välj en av: {roles}.",
        "en": "There is no role {role}. Choose one of: {roles}.",
    },
    "keyfile.empty_passphrase": {
        "sv": "Lösenfrasen får inte vara tom.",
        "en": "The passphrase must not be empty.",
    },
    # --- keyfile: what the log backs ---
    "keyfile.not_backed_file": {
        "sv": "Nyckelfilen {path} är inte den som registrets logg senast godkände (till exempel "
        "en äldre kopia som lagts tillbaka). Ingen kan logga in med den. Lägg tillbaka den "
        "senaste nyckelfilen från en säkerhetskopia och meddela den som ansvarar för registret.",
        "en": "The key file {path} is not the one the register's log last accepted (for "
        "example an older copy put back). Nobody can log in with it. Restore the newest key "
        "file from a backup and tell the person responsible for the register.",
    },
    "keyfile.not_backed_user": {
        "sv": "Användaren {user} finns inte (längre) i registrets logg. Inloggningen nekas.",
        "en": "The user {user} is not (or no longer) in the register's log. Login refused.",
    },
    "keyfile.not_backed_role": {
        "sv": "Rollen för {user} i nyckelfilen {path} är inte den som registrets logg ger. "
        "Inloggningen nekas. Meddela den som ansvarar för registret.",
        "en": "The role of {user} in the key file {path} is not the one the register's log "
        "gives. Login refused. Tell the person responsible for the register.",
    },
    "keyfile.not_backed_log": {
        "sv": "Registrets logg har ändrats vid händelse #{seq}, och det som ger {user} tillgång "
        "håller därför inte. Inloggningen nekas. En samordnare kör tracker audit verify och "
        "jämför med en säkerhetskopia.",
        "en": "The register's log was changed at event #{seq}, so what gives {user} access "
        "does not hold. Login refused. A coordinator runs tracker audit verify and compares "
        "with a backup.",
    },
    "keyfile.not_backed_keys": {
        "sv": "Nycklarna för {user} i nyckelfilen {path} är inte de som registrets logg "
        "känner. Inloggningen nekas. Meddela den som ansvarar för registret.",
        "en": "The keys of {user} in the key file {path} are not the ones the register's log "
        "knows. Login refused. Tell the person responsible for the register.",
    },
    # --- store ----------------------------------------------------------------------------
    "role.staff": {"sv": "personal", "en": "staff"},
    "role.coordinator": {"sv": "samordnare", "en": "coordinator"},
    "role.reviewer": {"sv": "granskare", "en": "reviewer"},
    # --- store: signed events ---
    "trust.bad_signature": {
        "sv": "signaturen av {user} stämmer inte: händelsen eller historiken före den har ändrats",
        "en": "the signature by {user} does not match: the event or the history before it "
        "was changed",
    },
    "trust.unsigned": {
        "sv": "händelsen av {user} saknar signatur",
        "en": "the event by {user} has no signature",
    },
    "trust.not_allowed": {
        "sv": "{user} fick inte göra den här ändringen (bara en samordnare får ändra användare "
        "och roller)",
        "en": "{user} was not allowed to make this change (only a coordinator may change users "
        "and roles)",
    },
    "trust.unknown_author": {
        "sv": "händelsen är skriven av {user}, som inte är användare i registret",
        "en": "the event is written by {user}, who is not a user of the register",
    },
    "store.chain_missing": {
        "sv": "händelsen saknas (raderad ur loggen)",
        "en": "the event is missing (deleted from the log)",
    },
    "store.chain_payload": {
        "sv": "händelsens innehåll stämmer inte med dess kontrollsumma (ändrad)",
        "en": "the event's content does not match its checksum (altered)",
    },
    "store.chain_case_code": {
        "sv": "händelsens deltagarkod stämmer inte med dess innehåll (ändrad)",
        "en": "the event's participant code does not match its content (altered)",
    },
    "store.chain_link": {
        "sv": "kedjans länk stämmer inte (händelsen eller en tidigare har ändrats)",
        "en": "the chain link does not match (this or an earlier event was altered)",
    },
    "store.chain_payload_missing": {
        "sv": "händelsens innehåll saknas utan att någon gallring har tagit bort det (raderat)",
        "en": "the event's content is missing without a purge that removed it (erased)",
    },
    "store.database_key_mismatch": {
        "sv": "Databasen går inte att öppna med nyckelfilens nyckel: filen är skadad eller utbytt.",
        "en": "The database cannot be opened with the key file's key: it is damaged or replaced.",
    },
    # --- store: file faults (busy, disk full, read-only, damaged) --------------------------
    "store.busy": {
        "sv": "Registret används av någon annan, försök igen. (En annan skrivning pågick fortfarande efter {seconds} s; inget har ändrats.)",
        "en": "The register is in use by someone else, try again. (Another write was still going on after {seconds} s; nothing was changed.)",
    },
    "store.busy_waiting": {
        "sv": "Registret används av någon annan; väntar ({waited} av högst {limit} s) …",
        "en": "The register is in use by someone else; waiting ({waited} of at most {limit} s) …",
    },
    "store.disk_full": {
        "sv": "Det gick inte att skriva till {path}: disken är full (eller en gräns för filstorlek nåddes). Inget har ändrats och registret är oskadat; frigör utrymme och försök igen.",
        "en": "Could not write to {path}: the disk is full (or a file size limit was reached). Nothing was changed and the register is unharmed; free some space and try again.",
    },
    "store.read_only": {
        "sv": "Det går inte att skriva till {path}: filen eller mappen är skrivskyddad eller saknar behörighet. Inget har ändrats och registret är oskadat.",
        "en": "Cannot write to {path}: the file or its folder is read-only or lacks permission. Nothing was changed and the register is unharmed.",
    },
    "store.io_error": {
        "sv": "Det gick inte att läsa eller skriva {path} (ett fel från disken eller operativsystemet). Inget har ändrats; försök igen.",
        "en": "Could not read or write {path} (an error from the disk or the operating system). Nothing was changed; try again.",
    },
    "store.damaged": {
        "sv": "Databasfilen {path} är skadad och kan inte läsas helt. Återställ från en säkerhetskopia och kör tracker audit verify.",
        "en": "The database file {path} is damaged and cannot be read in full. Restore a backup and run tracker audit verify.",
    },
    "store.not_a_register": {
        "sv": "{path} är inte ett register (filen är tom, avkortad eller något annat). Inget har skrivits till den. Om den var ert register: återställ från en säkerhetskopia.",
        "en": "{path} is not a register (the file is empty, cut short or something else). Nothing was written to it. If it was your register: restore a backup.",
    },
    "store.wal_damaged": {
        "sv": "Registrets skrivlogg {wal} är skadad, så de senaste ändringarna går inte att läsa säkert. Inget har skrivits och loggen är orörd; en kopia finns i {copy}. Återställ från en säkerhetskopia, eller flytta bort {wal} för att öppna registret utan de ändringar som bara fanns i loggen.",
        "en": "The register's write-ahead log {wal} is damaged, so the latest changes cannot be read safely. Nothing was written and the log is untouched; a copy is in {copy}. Restore a backup, or move {wal} away to open the register without the changes that were only in the log.",
    },
    "store.schema_behind": {
        "sv": "Registret {path} har ett äldre format som måste uppgraderas först: öppna det en gång med ett kommando som skriver (t.ex. tracker, programmet i terminalen) och försök igen.",
        "en": "The register {path} has an older format that must be upgraded first: open it once with a command that writes (e.g. tracker, the terminal app) and try again.",
    },
    "store.init_locked": {
        "sv": "Ett annat tracker init skapar redan ett register i {path}; vänta tills det är klart.",
        "en": "Another tracker init is already creating a register at {path}; wait until it is done.",
    },
    "store.half_created": {
        "sv": "I {path} finns en nyckelfil ({keys}) men ingen databas: ett avbrutet tracker init, eller en flyttad databas. Flytta tillbaka databasen, eller flytta bort nyckelfilen och kör tracker init igen.",
        "en": "At {path} there is a key file ({keys}) but no database: an interrupted tracker init, or a moved database. Move the database back, or move the key file away and run tracker init again.",
    },
    "store.database_without_keys": {
        "sv": "{path} finns men inte dess nyckelfil {keys}: utan den kan registret inte öppnas. Flytta tillbaka nyckelfilen, eller återställ från en säkerhetskopia.",
        "en": "{path} exists but not its key file {keys}: without it the register cannot be opened. Move the key file back, or restore a backup.",
    },
    # --- service --------------------------------------------------------------------------
    "service.role_refused": {
        "sv": "{user} har rollen {role} och får inte göra detta.",
        "en": "{user} has the role {role} and may not do this.",
    },
    "service.case_not_found": {
        "sv": "Det finns ingen deltagare med koden {code}.",
        "en": "There is no participant with the code {code}.",
    },
    "service.case_exists": {
        "sv": "Deltagarkoden {code} finns redan i registret.",
        "en": "The participant code {code} already exists in the register.",
    },
    "service.event_not_found": {
        "sv": "Deltagaren {code} har ingen gällande händelse nummer {seq}.",
        "en": "Participant {code} has no current event number {seq}.",
    },
    "service.returning_differs": {
        "sv": "Deltagaren finns redan med {case}, inte {value}. En återkommande deltagare "
        "behåller sina uppgifter; rätta dem i tidslinjen om de är fel.",
        "en": "The participant is already registered with {case}, not {value}. A returning "
        "participant keeps their details; correct them in the timeline if they are wrong.",
    },
    "service.unknown_insats": {
        "sv": 'Insatsen "{insats}" finns inte i registret.',
        "en": 'The insats "{insats}" is not in the register.',
    },
    "service.gender_missing": {
        "sv": "Välj kön: kvinna, man eller ej angivet.",
        "en": "Choose the gender: woman, man or not stated.",
    },
    "service.unknown_gender": {
        "sv": 'Kön måste vara kvinna, man eller ej_angivet (inte "{gender}").',
        "en": 'Gender must be kvinna, man or ej_angivet (not "{gender}").',
    },
    "service.unknown_correction_reason": {
        "sv": 'Okänd orsak till rättelse: "{reason}".',
        "en": 'Unknown reason for the correction: "{reason}".',
    },
    "service.unknown_fields": {
        "sv": "Det går inte att rätta dessa uppgifter: {fields}.",
        "en": "These fields cannot be corrected: {fields}.",
    },
    "service.nothing_changed": {
        "sv": "Rättelsen ändrar ingenting.",
        "en": "The correction changes nothing.",
    },
    "service.passphrase_too_simple": {
        "sv": "Lösenfrasen är för lätt att gissa (bara siffror, samma tecken om och om igen eller en vanlig fras). Välj några ord som bara ni vet, gärna tre eller fyra med mellanslag.",
        "en": "The passphrase is too easy to guess (digits only, the same characters over and over, or a common phrase). Choose a few words only you know, ideally three or four with spaces.",
    },
    "service.passphrase_too_short": {
        "sv": "Lösenfrasen måste ha minst {minimum} tecken. Några vanliga ord i följd är lätta att minnas.",
        "en": "The passphrase must have at least {minimum} characters. A few ordinary words in a row are easy to remember.",
    },
    "service.no_insats": {
        "sv": "Ange minst en insats.",
        "en": "Give at least one insats.",
    },
    "service.empty_insats": {
        "sv": "En insats måste ha ett namn.",
        "en": "An insats must have a name.",
    },
    "service.duplicate_insats": {
        "sv": "Samma insats är angiven två gånger.",
        "en": "The same insats is given twice.",
    },
    "service.insats_closed": {
        "sv": 'Insatsen "{insats}" är avslutad sedan {closed} och tar inte emot nya deltagare efter det.',
        "en": 'The insats "{insats}" closed on {closed} and takes no new participants after that.',
    },
    "insats.already_closed": {
        "sv": 'Insatsen "{insats}" är redan avslutad ({on}).',
        "en": 'The insats "{insats}" is already closed ({on}).',
    },
    "service.insats_exists": {
        "sv": 'Insatsen "{insats}" finns redan.',
        "en": 'The insats "{insats}" already exists.',
    },
    "service.register_exists": {
        "sv": "Det finns redan ett register på {path}; inget har ändrats.",
        "en": "There is already a register at {path}; nothing was changed.",
    },
    "service.no_register": {
        "sv": "Det finns inget register på {path}. Skapa ett med tracker init eller ange --db.",
        "en": "There is no register at {path}. Create one with tracker init or give --db.",
    },
    "service.unknown_user": {
        "sv": "Användaren {user} finns inte i nyckelfilen.",
        "en": "The user {user} is not in the key file.",
    },
    "service.no_authority": {
        "sv": "Registret har ingen registernyckel ännu. En samordnare skapar den genom att "
        "logga in.",
        "en": "The register has no register key yet. A coordinator creates it by logging in.",
    },
    "service.unknown_code_list": {
        "sv": 'Det finns ingen kodlista som heter "{name}".',
        "en": 'There is no code list called "{name}".',
    },
    "service.unknown_role": {
        "sv": 'Okänd roll "{role}": välj personal (staff), samordnare (coordinator) eller granskare (reviewer).',
        "en": 'Unknown role "{role}": choose staff, coordinator or reviewer.',
    },
    # --- cli ------------------------------------------------------------------------------
    # argparse's own texts; the English side must equal argparse's message ids exactly.
    "cli.argparse.usage": {"sv": "användning: ", "en": "usage: "},
    "cli.argparse.options": {"sv": "flaggor", "en": "options"},
    "cli.argparse.positional": {"sv": "argument", "en": "positional arguments"},
    "cli.argparse.help": {
        "sv": "visa den här hjälpen och avsluta",
        "en": "show this help message and exit",
    },
    "cli.argparse.version": {
        "sv": "visa programmets version och avsluta",
        "en": "show program's version number and exit",
    },
    "cli.argparse.required": {
        "sv": "dessa argument måste anges: %s",
        "en": "the following arguments are required: %s",
    },
    "cli.argparse.unrecognized": {"sv": "okända argument: %s", "en": "unrecognized arguments: %s"},
    "cli.argparse.invalid_choice": {
        "sv": "ogiltigt val: %(value)r (välj bland %(choices)s)",
        "en": "invalid choice: %(value)r (choose from %(choices)s)",
    },
    "cli.argparse.argument": {
        "sv": "argument %(argument_name)s: %(message)s",
        "en": "argument %(argument_name)s: %(message)s",
    },
    "cli.argparse.expected_one": {"sv": "ett värde behövs", "en": "expected one argument"},
    "cli.argparse.invalid_value": {
        "sv": "ogiltigt värde (%(type)s): %(value)r",
        "en": "invalid %(type)s value: %(value)r",
    },
    "cli.description": {
        "sv": "tracker: lokal, krypterad uppföljning av deltagare i Samordningsteam.",
        "en": "tracker: local, encrypted participant follow-up for Samordningsteam.",
    },
    "cli.commands": {"sv": "kommandon", "en": "commands"},
    "cli.help_db": {
        "sv": "databasfil (standard: $TRACKER_DB, annars db/tracker.db)",
        "en": "database file (default: $TRACKER_DB, else db/tracker.db)",
    },
    "cli.help_lang": {
        "sv": "språk: sv eller en (standard: $TRACKER_LANG, annars sv)",
        "en": "language: sv or en (default: $TRACKER_LANG, else sv)",
    },
    "cli.help_debug": {
        "sv": "visa fullständiga felspår (för felsökning)",
        "en": "show full tracebacks (for troubleshooting)",
    },
    "cli.help_init": {
        "sv": "skapa ett nytt krypterat register; första användaren blir samordnare",
        "en": "create a new encrypted register; the first user is a coordinator",
    },
    "cli.help_init_user": {"sv": "första användarens namn", "en": "the first user's name"},
    "cli.help_insats": {
        "sv": "en insats (team) i registret; kan anges flera gånger",
        "en": "an insats (team) in the register; may be given several times",
    },
    "cli.help_demo": {
        "sv": "skapa ett register med påhittade deltagare (användare demo, lösenfras demo)",
        "en": "create a register of synthetic participants (user demo, passphrase demo)",
    },
    "cli.help_participants": {
        "sv": "antal deltagare (standard 300)",
        "en": "number of participants (default 300)",
    },
    "cli.help_seed": {
        "sv": "slumpfrö för samma data varje gång",
        "en": "random seed for the same data every time",
    },
    "cli.help_open": {"sv": "öppna registret efteråt", "en": "open the register afterwards"},
    "cli.help_key": {"sv": "hantera användarnas nyckelplatser", "en": "manage users' key slots"},
    "cli.help_key_list": {"sv": "visa användare och roller", "en": "list users and roles"},
    "cli.help_key_add": {
        "sv": "lägg till en användare (samordnare)",
        "en": "add a user (coordinators)",
    },
    "cli.help_key_remove": {
        "sv": "ta bort en användare (samordnare)",
        "en": "remove a user (coordinators)",
    },
    "cli.help_key_passwd": {"sv": "byt din lösenfras", "en": "change your passphrase"},
    "cli.help_key_public": {
        "sv": "visa registernyckelns publika del och dess fingeravtryck (det granskare sparar)",
        "en": "print the register key's public half and its fingerprint (what reviewers pin)",
    },
    "cli.help_key_user": {"sv": "användarnamn", "en": "user name"},
    "cli.help_role": {
        "sv": "roll: personal, samordnare eller granskare (staff, coordinator, reviewer)",
        "en": "role: staff, coordinator or reviewer",
    },
    "cli.help_recover": {
        "sv": "sätt en ny lösenfras med återställningsnyckeln",
        "en": "set a new passphrase with the recovery key",
    },
    "cli.help_recover_user": {
        "sv": "användaren som får ny lösenfras (standard: $TRACKER_USER)",
        "en": "the user who gets a new passphrase (default: $TRACKER_USER)",
    },
    "cli.help_audit": {"sv": "granska registret", "en": "audit the register"},
    "cli.help_audit_verify": {
        "sv": "kontrollera hela händelsekedjan och varje sida i databasfilen",
        "en": "check the whole event chain and every page of the database file",
    },
    "cli.usage_error": {"sv": "Fel i kommandot: {detail}", "en": "Usage error: {detail}"},
    "cli.prompt_user": {"sv": "Användare: ", "en": "User: "},
    "cli.prompt_passphrase": {"sv": "Lösenfras: ", "en": "Passphrase: "},
    "cli.prompt_new_passphrase": {"sv": "Ny lösenfras: ", "en": "New passphrase: "},
    "cli.prompt_repeat_passphrase": {
        "sv": "Upprepa lösenfrasen: ",
        "en": "Repeat the passphrase: ",
    },
    "cli.prompt_recovery_key": {
        "sv": "Återställningsnyckel (8 grupper om 6 siffror): ",
        "en": "Recovery key (8 groups of 6 digits): ",
    },
    "cli.no_login": {
        "sv": "Ingen inloggning: ange TRACKER_USER och TRACKER_PASSPHRASE (eller TRACKER_PASSPHRASE_FILE), eller kör i en terminal.",
        "en": "No login: set TRACKER_USER and TRACKER_PASSPHRASE (or TRACKER_PASSPHRASE_FILE), or run in a terminal.",
    },
    "cli.passphrase_file_unreadable": {
        "sv": "Filen med lösenfrasen går inte att läsa: {path}",
        "en": "The passphrase file cannot be read: {path}",
    },
    "cli.passphrase_not_utf8": {
        "sv": "Lösenfrasen från {source} är inte giltig UTF-8-text. Spara den som UTF-8 (eller skriv den vid frågan) och försök igen.",
        "en": "The passphrase from {source} is not valid UTF-8 text. Save it as UTF-8 (or type it at the prompt) and try again.",
    },
    "cli.no_new_passphrase": {
        "sv": "Ingen ny lösenfras: ange TRACKER_NEW_PASSPHRASE eller kör i en terminal.",
        "en": "No new passphrase: set TRACKER_NEW_PASSPHRASE or run in a terminal.",
    },
    "cli.no_recovery_key": {
        "sv": "Ingen återställningsnyckel: ange TRACKER_RECOVERY_KEY eller kör i en terminal.",
        "en": "No recovery key: set TRACKER_RECOVERY_KEY or run in a terminal.",
    },
    "cli.passphrases_differ": {
        "sv": "Lösenfraserna är inte lika; inget har ändrats.",
        "en": "The passphrases differ; nothing was changed.",
    },
    "cli.init_done": {
        "sv": "Registret är skapat: {path} (användare {user}, samordnare).",
        "en": "The register is created: {path} (user {user}, coordinator).",
    },
    "cli.recovery_key_heading": {
        "sv": "ÅTERSTÄLLNINGSNYCKEL (visas bara nu):",
        "en": "RECOVERY KEY (shown only now):",
    },
    "cli.recovery_key_advice": {
        "sv": "Skriv ner den och förvara den inlåst, skild från datorn. Den öppnar registret om alla lösenfraser glöms bort.",
        "en": "Write it down and keep it locked away, apart from the computer. It opens the register if every passphrase is forgotten.",
    },
    "cli.demo_exists": {
        "sv": "Det finns redan en fil på {path}; demoregistret skrivs aldrig över. Öppna det med tracker demo --open, eller ta bort filen eller ange --db för ett nytt.",
        "en": "There is already a file at {path}; the demo register never overwrites. Open it with tracker demo --open, or remove the file or give --db for a new one.",
    },
    "cli.demo_not_demo": {
        "sv": "Filen på {path} är inte ett demoregister och öppnas inte som ett. Ange --db för ett nytt demoregister.",
        "en": "The file at {path} is not a demo register and is not opened as one. Give --db for a new demo register.",
    },
    "cli.positive_count": {
        "sv": 'ska vara ett heltal från 1 och uppåt (inte "{value}")',
        "en": 'must be a whole number from 1 up (not "{value}")',
    },
    "cli.demo_marker": {
        "sv": "DEMO: registret innehåller bara påhittade deltagare.",
        "en": "DEMO: the register holds synthetic participants only.",
    },
    "cli.demo_progress": {"sv": "Skapar demodata", "en": "Creating demo data"},
    "cli.demo_done": {
        "sv": "DEMO-registret är skapat: {path} ({participants} påhittade deltagare, {events} händelser; insatser: {insatser}).",
        "en": "The DEMO register is created: {path} ({participants} synthetic participants, {events} events; insatser: {insatser}).",
    },
    "cli.demo_login": {
        "sv": "Logga in som {user} med lösenfrasen {passphrase}.",
        "en": "Log in as {user} with the passphrase {passphrase}.",
    },
    "cli.col_user": {"sv": "användare", "en": "user"},
    "cli.col_role": {"sv": "roll", "en": "role"},
    "cli.col_created": {"sv": "skapad", "en": "created"},
    "cli.key_added": {
        "sv": "Användaren {user} ({role}) är tillagd.",
        "en": "The user {user} ({role}) is added.",
    },
    "cli.key_removed": {
        "sv": "Användaren {user} är borttagen och registret har fått en ny datanyckel: inga "
        "gamla kopior av nyckelfilen eller datanyckeln öppnar det längre.",
        "en": "The user {user} is removed and the register has a new data key: no old copy of "
        "the key file or of the data key opens it any more.",
    },
    "cli.key_removed_not_rekeyed": {
        "sv": "VARNING: {user} är borttagen ur nyckelfilen men registret har INTE fått en ny "
        "datanyckel ({reason}). Den som sparat en kopia av den gamla nyckelfilen eller "
        "datanyckeln kan fortfarande läsa registret. Kör tracker rekey så snart som möjligt.",
        "en": "WARNING: {user} is removed from the key file but the register has NOT got a new "
        "data key ({reason}). Whoever kept a copy of the old key file or of the data key can "
        "still read the register. Run tracker rekey as soon as possible.",
    },
    "cli.no_rekey_asked": {
        "sv": "du bad om --no-rekey",
        "en": "you asked for --no-rekey",
    },
    "cli.rekey_done": {
        "sv": "Registret {path} har en ny datanyckel. Alla användare loggar in som förut; gamla "
        "kopior av nyckelfilen och den gamla återställningsnyckeln öppnar det inte längre.",
        "en": "The register {path} has a new data key. Every user logs in as before; old "
        "copies of the key file and the old recovery key no longer open it.",
    },
    "cli.role_changed": {
        "sv": "{user} har nu rollen {role}.",
        "en": "{user} now has the role {role}.",
    },
    "cli.help_rekey": {
        "sv": "ge registret en ny datanyckel (samordnare; när någon slutar)",
        "en": "give the register a new data key (coordinators; when someone leaves)",
    },
    "cli.help_no_rekey": {
        "sv": "ge inte registret en ny datanyckel (avrådes: den borttagna kan läsa vidare)",
        "en": "do not give the register a new data key (not advised: the removed user can "
        "still read)",
    },
    "cli.help_key_role": {
        "sv": "ändra en användares roll (samordnare)",
        "en": "change a user's role (coordinators)",
    },
    "rekey.legacy_slots": {
        "sv": "Användarna {users} har nycklar av det gamla slaget och måste logga in en gång "
        "innan registret kan få en ny datanyckel (deras nycklar byts då automatiskt). Ta bort "
        "den som inte ska logga in igen med tracker key remove.",
        "en": "The users {users} have keys of the old kind and must log in once before the "
        "register can get a new data key (their keys are replaced automatically then). Remove "
        "anyone who will not log in again with tracker key remove.",
    },
    "rekey.busy": {
        "sv": "Någon skrev i registret medan den nya datanyckeln gjordes. Inget har ändrats; "
        "försök igen.",
        "en": "Someone wrote to the register while the new data key was being made. Nothing "
        "was changed; try again.",
    },
    "store.register_in_use": {
        "sv": "Registret är öppet hos någon annan (eller i ett annat fönster). Be alla logga ut "
        "och försök igen. Inget har ändrats.",
        "en": "The register is open elsewhere (or in another window). Ask everyone to log out "
        "and try again. Nothing was changed.",
    },
    "cli.passphrase_changed": {
        "sv": "Lösenfrasen för {user} är bytt.",
        "en": "The passphrase of {user} is changed.",
    },
    "cli.public_key": {
        "sv": "Registernyckel, publik del (Ed25519): {key}",
        "en": "Register key, public half (Ed25519): {key}",
    },
    "cli.fingerprint": {"sv": "Fingeravtryck: {fingerprint}", "en": "Fingerprint: {fingerprint}"},
    "cli.recovered": {
        "sv": "Ny lösenfras satt för {user} med återställningsnyckeln.",
        "en": "New passphrase set for {user} with the recovery key.",
    },
    "cli.audit_ok": {
        "sv": "Granskningen är godkänd: {count} händelser, kedjans topp #{seq} {hash}.",
        "en": "The audit passed: {count} events, chain head #{seq} {hash}.",
    },
    "cli.audit_chain_broken": {
        "sv": "Händelsekedjan är bruten vid händelse #{seq}: {problem}.",
        "en": "The event chain is broken at event #{seq}: {problem}.",
    },
    "cli.audit_signature_broken": {
        "sv": "Signaturerna håller inte vid händelse #{seq}: {problem}.",
        "en": "The signatures do not hold at event #{seq}: {problem}.",
    },
    "cli.audit_expect_missing": {
        "sv": "Granskningspunkten #{seq} finns inte längre i loggen (loggen slutar vid #{last}): "
        "händelser har tagits bort.",
        "en": "The review point #{seq} is no longer in the log (the log ends at #{last}): "
        "events were removed.",
    },
    "cli.audit_expect_changed": {
        "sv": "Händelse #{seq} har inte längre kedjehashen från granskningspunkten: historiken "
        "fram till den har ändrats.",
        "en": "Event #{seq} no longer has the chain hash of the review point: the history up "
        "to it was changed.",
    },
    "audit.expect_invalid": {
        "sv": "{value} är ingen granskningspunkt. Skriv den som NUMMER:HASH, till exempel "
        "1234:9f2c… (64 hexadecimala tecken), så som tracker audit verify skriver den.",
        "en": "{value} is not a review point. Write it as NUMBER:HASH, for example 1234:9f2c… "
        "(64 hexadecimal characters), as tracker audit verify prints it.",
    },
    "cli.help_expect": {
        "sv": "en granskningspunkt (NUMMER:HASH eller en fil från tracker audit head) som "
        "loggen fortfarande måste innehålla",
        "en": "a review point (NUMBER:HASH or a file from tracker audit head) the log must "
        "still hold",
    },
    "cli.help_audit_head": {
        "sv": "skriv en signerad granskningspunkt att spara efter en granskning",
        "en": "write a signed review point to keep after a review",
    },
    "cli.help_audit_head_out": {
        "sv": "filen att skriva (annars skrivs den ut)",
        "en": "the file to write (printed otherwise)",
    },
    "cli.audit_head_written": {
        "sv": "Granskningspunkten #{seq} {hash} är signerad och sparad i {path}. Spara filen "
        "utanför registrets dator; kontrollera senare med tracker audit verify --expect {path}.",
        "en": "The review point #{seq} {hash} is signed and saved in {path}. Keep the file off "
        "the register's computer; check later with tracker audit verify --expect {path}.",
    },
    "audit.head_exists": {
        "sv": "Filen {path} finns redan och skrivs inte över.",
        "en": "The file {path} already exists and is not overwritten.",
    },
    "audit.head_refused": {
        "sv": "Registret klarar inte granskningen (kör tracker audit verify): ingen "
        "granskningspunkt skrivs.",
        "en": "The register does not pass the audit (run tracker audit verify): no review "
        "point is written.",
    },
    "audit.head_file_invalid": {
        "sv": "{path} är ingen giltig signerad granskningspunkt (fel format eller signaturen "
        "stämmer inte).",
        "en": "{path} is not a valid signed review point (wrong format or the signature does "
        "not match).",
    },
    "cli.audit_integrity": {
        "sv": "Databasfilen är skadad: {problem}",
        "en": "The database file is damaged: {problem}",
    },
    "cli.database_damaged": {
        "sv": "Databasfilen är skadad och kan inte läsas helt. Återställ från en säkerhetskopia och kör tracker audit verify.",
        "en": "The database file is damaged and cannot be read in full. Restore a backup and run tracker audit verify.",
    },
    "cli.audit_projection_drift": {
        "sv": "Tabellen {table} stämmer inte med händelserna (kan byggas om från loggen).",
        "en": "The table {table} does not match the events (it can be rebuilt from the log).",
    },
    "cli.interrupted": {
        "sv": "Avbrutet; inget halvfärdigt har sparats.",
        "en": "Interrupted; nothing half-done was saved.",
    },
    "cli.os_error": {"sv": "Filfel: {detail}", "en": "File error: {detail}"},
    "cli.unexpected": {
        "sv": "Ett oväntat fel inträffade ({kind}). Kör igen med --debug för detaljer.",
        "en": "An unexpected error occurred ({kind}). Run again with --debug for details.",
    },
    # --- serve (tracker serve: the TUI in web browsers; registers on network drives) ---
    "serve.help": {
        "sv": "visa tracker i webbläsare: varje flik är en egen inloggning, registret stannar på den här datorn",
        "en": "show tracker in web browsers: every tab is its own login, the register stays on this computer",
    },
    "serve.help_host": {
        "sv": "adressen att lyssna på (standard 127.0.0.1, bara den här datorn)",
        "en": "the address to listen on (default 127.0.0.1, this computer only)",
    },
    "serve.help_port": {"sv": "porten (standard 8000)", "en": "the port (default 8000)"},
    "serve.help_tls_cert": {
        "sv": "certifikatfil (PEM) för HTTPS",
        "en": "certificate file (PEM) for HTTPS",
    },
    "serve.help_tls_key": {
        "sv": "privat nyckel (PEM) till certifikatet",
        "en": "private key (PEM) for the certificate",
    },
    "serve.help_insecure": {
        "sv": "tillåt okrypterad HTTP på en annan adress än den här datorn (bara bakom en betrodd omvänd proxy med HTTPS)",
        "en": "allow unencrypted HTTP on an address other than this computer (only behind a trusted reverse proxy with HTTPS)",
    },
    "serve.needs_tls": {
        "sv": "Vägrar att visa registret okrypterat på {host}: andra datorer skulle kunna läsa lösenfraser och uppgifter. Ange --tls-cert och --tls-key (HTTPS), eller --insecure om en betrodd omvänd proxy redan sköter HTTPS.",
        "en": "Refusing to show the register unencrypted on {host}: other computers could read passphrases and data. Give --tls-cert and --tls-key (HTTPS), or --insecure if a trusted reverse proxy already handles HTTPS.",
    },
    "serve.tls_pair": {
        "sv": "--tls-cert och --tls-key ska anges tillsammans.",
        "en": "--tls-cert and --tls-key go together.",
    },
    "serve.tls_unreadable": {
        "sv": "Kunde inte läsa certifikatet eller nyckeln ({cert}, {key}): kontrollera att filerna finns och är PEM-filer som hör ihop.",
        "en": "Could not read the certificate or key ({cert}, {key}): check that the files exist and are matching PEM files.",
    },
    "serve.insecure_warning": {
        "sv": "VARNING: --insecure: registret visas med okrypterad HTTP på {host}. Lösenfraser och uppgifter går i klartext till den som kan lyssna på nätet. Använd bara bakom en betrodd omvänd proxy med HTTPS.",
        "en": "WARNING: --insecure: the register is shown over unencrypted HTTP on {host}. Passphrases and data travel in clear text to anyone who can listen on the network. Use only behind a trusted reverse proxy with HTTPS.",
    },
    "serve.title": {
        "sv": "tracker – Samordningsteamets register",
        "en": "tracker – the Samordningsteam's register",
    },
    "serve.intro": {
        "sv": "Uppföljning av deltagare i Samordningsteamet. Registret finns krypterat på servern och lämnar den aldrig; varje flik är en egen inloggning. Logga in med ditt användarnamn och din lösenfras.",
        "en": "Participant follow-up for the Samordningsteam. The register stays encrypted on the server and never leaves it; every tab is its own login. Log in with your user name and passphrase.",
    },
    "serve.closed": {"sv": "Sessionen är avslutad.", "en": "Session ended."},
    "serve.restart": {"sv": "Starta igen", "en": "Start again"},
    "serve.started": {
        "sv": "tracker serve lyssnar på {url}",
        "en": "tracker serve listening on {url}",
    },
    "serve.session_started": {
        "sv": "Ny session från {address} ({count} öppna)",
        "en": "New session from {address} ({count} open)",
    },
    "serve.session_ended": {
        "sv": "Session från {address} avslutad",
        "en": "Session from {address} ended",
    },
    "serve.session_failed": {
        "sv": "En session avbröts ({kind})",
        "en": "A session failed ({kind})",
    },
    "serve.refused_log": {
        "sv": "Ny session från {address} nekad: {reason}",
        "en": "New session from {address} refused: {reason}",
    },
    "serve.too_many_sessions": {
        "sv": "för många öppna sessioner just nu, försök igen senare",
        "en": "too many open sessions right now, try again later",
    },
    "serve.too_many_sessions_address": {
        "sv": "för många öppna sessioner från samma adress",
        "en": "too many open sessions from the same address",
    },
    "serve.too_many_starts": {
        "sv": "för många nya sessioner från samma adress den senaste minuten",
        "en": "too many new sessions from the same address in the last minute",
    },
    "store.network_file_system": {
        "sv": "Registret {path} ligger på en nätverksenhet ({fs_type}). Där kan databasen skadas eller ändringar gå förlorade, så tracker öppnar den inte. Flytta registret till en lokal disk på en dator och låt teamet använda det med tracker serve (se docs/dela-registret.md).",
        "en": "The register {path} is on a network drive ({fs_type}). There the database can be damaged or changes lost, so tracker does not open it. Move the register to a local disk on one computer and let the team use it with tracker serve (see docs/dela-registret.md).",
    },
    # --- insatser over time (tracker insats) -----------------------------------------------
    "insats.help": {
        "sv": "insatser över tid: lägg till, byt namn, avsluta (samordnare); utan kommando en lista",
        "en": "insatser over time: add, rename, close (coordinators); without a command a list",
    },
    "insats.help_list": {"sv": "visar registrets insatser", "en": "lists the register's insatser"},
    "insats.help_add": {"sv": "lägger till en insats", "en": "adds an insats"},
    "insats.help_rename": {"sv": "byter namn på en insats", "en": "renames an insats"},
    "insats.help_close": {
        "sv": "avslutar en insats: inga nya deltagare efter dagen, men den finns kvar i rapporterna",
        "en": "closes an insats: no new participants after the day, but it stays in reports",
    },
    "insats.help_name": {"sv": "insatsens namn", "en": "the insats's name"},
    "insats.help_new_name": {"sv": "det nya namnet", "en": "the new name"},
    "insats.help_on": {
        "sv": "insatsens sista dag, ÅÅÅÅ-MM-DD (standard: i dag)",
        "en": "the insats's last day, YYYY-MM-DD (default: today)",
    },
    "insats.row_open": {"sv": "{name}", "en": "{name}"},
    "insats.row_closed": {"sv": "{name} (avslutad {on})", "en": "{name} (closed {on})"},
    "insats.added": {"sv": 'Insatsen "{name}" är tillagd.', "en": 'The insats "{name}" is added.'},
    "insats.renamed": {
        "sv": 'Insatsen "{previous}" heter nu "{name}".',
        "en": 'The insats "{previous}" is now called "{name}".',
    },
    "insats.closed": {
        "sv": 'Insatsen "{name}" är avslutad från och med {on}; den finns kvar i rapporterna för perioder då den var aktiv.',
        "en": 'The insats "{name}" is closed as of {on}; it stays in reports of the periods it was active.',
    },
    # --- gallring (tracker purge) ----------------------------------------------------------
    "purge.help": {
        "sv": "gallrar ärenden som avslutades före ett datum (samordnare); kedjan förblir kontrollerbar",
        "en": "purges cases closed before a date (coordinators); the chain stays verifiable",
    },
    "purge.help_closed_before": {
        "sv": "gallra ärenden avslutade (och ej beslutade ansökningar) före detta datum, ÅÅÅÅ-MM-DD (standard: enligt gallringsfristen)",
        "en": "purge cases closed (and applications never decided) before this date, YYYY-MM-DD (default: by the retention setting)",
    },
    "purge.help_dry_run": {
        "sv": "räkna bara, ändra ingenting",
        "en": "only count, change nothing",
    },
    "purge.help_retention": {
        "sv": "visar eller ändrar gallringsfristen (samordnare)",
        "en": "shows or changes the retention period (coordinators)",
    },
    "purge.help_years": {
        "sv": "år efter avslut som ett ärende sparas, eller none för ingen gallring",
        "en": "years a case is kept after it closed, or none for no retention",
    },
    "purge.no_date": {
        "sv": "Ange --closed-before ÅÅÅÅ-MM-DD, eller sätt en gallringsfrist med tracker purge retention --years N.",
        "en": "Give --closed-before YYYY-MM-DD, or set a retention period with tracker purge retention --years N.",
    },
    "purge.date_in_future": {
        "sv": "Datumet {date} ligger i framtiden; inget har gallrats.",
        "en": "The date {date} is in the future; nothing was purged.",
    },
    "purge.years_out_of_range": {
        "sv": "Gallringsfristen {value} går inte: ange ett antal år från 1 till {high}, eller none.",
        "en": "The retention period {value} is not possible: give a number of years from 1 to {high}, or none.",
    },
    "purge.dry_run": {
        "sv": "Provkörning: {cases} ärenden ({events} händelser) avslutade före {before} skulle gallras. Inget har ändrats.",
        "en": "Dry run: {cases} cases ({events} events) closed before {before} would be purged. Nothing was changed.",
    },
    "purge.done": {
        "sv": "{cases} ärenden ({events} händelser) avslutade före {before} är gallrade. Revisionsloggens kedja är kontrollerbar och filen är omskriven.",
        "en": "{cases} cases ({events} events) closed before {before} are purged. The audit chain stays verifiable and the file has been rewritten.",
    },
    "purge.backups_still_hold": {
        "sv": "Säkerhetskopior gjorda före gallringen innehåller fortfarande uppgifterna tills rotationen tar bort dem (se docs/sakerhetskopior.md).",
        "en": "Backups made before the purge still hold the data until rotation removes them (see docs/sakerhetskopior.md).",
    },
    "purge.retention_none": {
        "sv": "Ingen gallringsfrist är satt: inga ärenden gallras automatiskt.",
        "en": "No retention period is set: no cases are purged by default.",
    },
    "purge.retention_years": {
        "sv": "Gallringsfrist: {years} år efter avslut (i dag: ärenden avslutade före {before}).",
        "en": "Retention: {years} years after a case closed (today: cases closed before {before}).",
    },
    "purge.period_purged": {
        "sv": "Perioden {period} börjar {first}, men ärenden avslutade före {before} är gallrade; siffrorna skulle bli för låga. Välj en period som börjar {before} eller senare.",
        "en": "The period {period} begins {first}, but cases closed before {before} are purged; the figures would be too low. Choose a period beginning {before} or later.",
    },
    "purge.comparison_incomplete": {
        "sv": "Obs: jämförelseperioden börjar före {before}, då ärenden är gallrade; dess siffror är ofullständiga.",
        "en": "Note: the comparison period begins before {before}, where cases are purged; its figures are incomplete.",
    },
    "cli.audit_purged": {
        "sv": "Gallrade: {count} händelser (#{first}–#{last}) har sitt innehåll borttaget genom gallring; deras kontrollsummor stämmer.",
        "en": "Purged: {count} events (#{first}–#{last}) had their content removed by a purge; their checksums still match.",
    },
    # --- backup and restore (tracker backup, tracker restore) -----------------------------
    "backup.help": {
        "sv": "gör en krypterad, kontrollerad säkerhetskopia av registret (även medan det används)",
        "en": "make an encrypted, verified backup of the register (also while it is in use)",
    },
    "locations.config_unreadable": {
        "sv": 'Inställningsfilen {path} går inte att läsa. Den ska innehålla en rad som db = "C:/Register/tracker.db".',
        "en": 'The settings file {path} cannot be read. It should hold a line like db = "C:/Register/tracker.db".',
    },
    "backup.help_out": {
        "sv": "mapp för säkerhetskopian (standard: registrets mapp för säkerhetskopior)",
        "en": "folder for the backup (default: the register's backup folder)",
    },
    "backup.help_list": {
        "sv": "visar registrets säkerhetskopior med deras granskningspunkter",
        "en": "lists the register's backups with their audit heads",
    },
    "backup.help_settings": {
        "sv": "visar eller ändrar mapp och rotation för säkerhetskopior (samordnare)",
        "en": "shows or changes the backup folder and rotation (coordinators)",
    },
    "backup.help_folder": {
        "sv": "mapp för säkerhetskopior, helst på en annan disk än registret",
        "en": "folder for backups, preferably on another disk than the register",
    },
    "backup.help_keep_last": {
        "sv": "så många av de senaste säkerhetskopiorna behålls (standard 7)",
        "en": "how many of the newest backups are kept (default 7)",
    },
    "backup.help_keep_monthly": {
        "sv": "den senaste säkerhetskopian per månad behålls så många månader (standard 12)",
        "en": "the newest backup of each month is kept for this many months (default 12)",
    },
    "backup.help_remind_days": {
        "sv": "påminn när senaste säkerhetskopian är äldre än så många dagar (standard 7)",
        "en": "remind when the newest backup is older than this many days (default 7)",
    },
    "backup.done": {
        "sv": "Säkerhetskopian är sparad och kontrollerad: {path}",
        "en": "The backup is saved and verified: {path}",
    },
    "backup.head": {
        "sv": "Granskningspunkt #{seq} {hash} · {size}",
        "en": "Audit head #{seq} {hash} · {size}",
    },
    "backup.rotated": {
        "sv": "Rotationen tog bort {count} äldre säkerhetskopior (behåller de {keep_last} senaste och den senaste per månad i {keep_monthly} månader).",
        "en": "Rotation removed {count} older backups (keeps the newest {keep_last} and the newest of each month for {keep_monthly} months).",
    },
    "backup.inside_program_folder": {
        "sv": "Varning: {path} ligger i programmets mapp. Tas mappen bort, klonas om eller rensas med git clean försvinner registret och dess säkerhetskopior utan fråga. Flytta dem enligt docs/sakerhetskopior.md.",
        "en": "Warning: {path} is inside the program's folder. If that folder is deleted, cloned again or cleaned with git clean, the register and its backups are gone without a question. Move them as docs/sakerhetskopior.md describes.",
    },
    "backup.beside_register": {
        "sv": "Tips: säkerhetskopiorna ligger på samma disk som registret. Välj en annan disk eller en nätverksmapp med tracker backup settings --folder.",
        "en": "Tip: the backups are on the same disk as the register. Choose another disk or a network folder with tracker backup settings --folder.",
    },
    "backup.list_heading": {
        "sv": "Säkerhetskopior i {folder}:",
        "en": "Backups in {folder}:",
    },
    "backup.list_row": {
        "sv": "{time}  #{seq}  {hash}  {size}  {name}",
        "en": "{time}  #{seq}  {hash}  {size}  {name}",
    },
    "backup.list_empty": {
        "sv": "Det finns inga säkerhetskopior av det här registret i {folder}.",
        "en": "There are no backups of this register in {folder}.",
    },
    "backup.list_unreadable": {
        "sv": "Kan inte läsas (skadad eller inte en säkerhetskopia): {path}",
        "en": "Cannot be read (damaged or not a backup): {path}",
    },
    "backup.last": {
        "sv": "Senaste säkerhetskopia: {time} (granskningspunkt #{seq}).",
        "en": "Newest backup: {time} (audit head #{seq}).",
    },
    "backup.never": {
        "sv": "Registret har aldrig säkerhetskopierats.",
        "en": "The register has never been backed up.",
    },
    "backup.settings_folder": {
        "sv": "Mapp för säkerhetskopior: {folder}",
        "en": "Backup folder: {folder}",
    },
    "backup.settings_rotation": {
        "sv": "Rotation: de {keep_last} senaste behålls, och den senaste per månad i {keep_monthly} månader.",
        "en": "Rotation: the newest {keep_last} are kept, and the newest of each month for {keep_monthly} months.",
    },
    "backup.settings_remind": {
        "sv": "Påminnelse när senaste säkerhetskopian är äldre än {days} dagar.",
        "en": "Reminder when the newest backup is older than {days} days.",
    },
    "backup.setting_out_of_range": {
        "sv": "Värdet {value} går inte: ange ett heltal från {low} till {high}.",
        "en": "The value {value} is not possible: give a whole number from {low} to {high}.",
    },
    "backup.not_a_backup": {
        "sv": "{path} är ingen säkerhetskopia från tracker, eller så är den skadad. Inget har ändrats.",
        "en": "{path} is not a tracker backup, or it is damaged. Nothing was changed.",
    },
    "backup.content_differs": {
        "sv": "Säkerhetskopian {path} är skadad eller ändrad (innehållet stämmer inte med dess kontrollsummor) och används inte. Inget har ändrats.",
        "en": "The backup {path} is damaged or altered (its content does not match its checksums) and is not used. Nothing was changed.",
    },
    "backup.pages_damaged": {
        "sv": "Kopian av registret är skadad ({detail}). Inget har ändrats.",
        "en": "The register's copy is damaged ({detail}). Nothing was changed.",
    },
    "backup.chain_broken": {
        "sv": "Kopians händelsekedja är bruten vid händelse #{seq}. Inget har ändrats.",
        "en": "The copy's event chain is broken at event #{seq}. Nothing was changed.",
    },
    "backup.head_differs": {
        "sv": "Säkerhetskopian {path} innehåller inte den granskningspunkt som dess huvud anger. Inget har ändrats.",
        "en": "The backup {path} does not hold the audit head its header names. Nothing was changed.",
    },
    "backup.keys_differ": {
        "sv": "Nyckelfilen i säkerhetskopian {path} hör till ett annat register. Inget har ändrats.",
        "en": "The key file in the backup {path} belongs to another register. Nothing was changed.",
    },
    "backup.audit_failed": {
        "sv": "Registret i säkerhetskopian {path} klarar inte granskningen (sidor, kedja eller tabeller). Inget har ändrats.",
        "en": "The register in the backup {path} fails the audit (pages, chain or tables). Nothing was changed.",
    },
    "restore.help": {
        "sv": "kontrollerar en säkerhetskopia och återställer registret ur den",
        "en": "verifies a backup and restores the register from it",
    },
    "restore.help_file": {"sv": "säkerhetskopians fil", "en": "the backup file"},
    "restore.no_file": {
        "sv": "Säkerhetskopian {path} finns inte.",
        "en": "The backup {path} does not exist.",
    },
    "restore.help_force": {
        "sv": "ersätt även ett register som har kommit längre än säkerhetskopian (det gamla sparas bredvid)",
        "en": "also replace a register that is further ahead than the backup (the old one is kept beside it)",
    },
    "restore.done": {
        "sv": "Registret är återställt och granskat: {path}",
        "en": "The register is restored and audited: {path}",
    },
    "restore.head": {
        "sv": "Granskningspunkt #{seq} {hash} (säkerhetskopian gjordes {time}).",
        "en": "Audit head #{seq} {hash} (the backup was made {time}).",
    },
    "restore.beside": {
        "sv": "Det fanns redan ett register på {existing}; det är orört. Öppna det återställda med --db {path}, eller ange --db {existing} för att ersätta det.",
        "en": "There was already a register at {existing}; it is untouched. Open the restored one with --db {path}, or give --db {existing} to replace it.",
    },
    "restore.replaced_kept": {
        "sv": "Det ersatta registret finns kvar bredvid: {path}",
        "en": "The replaced register is kept beside it: {path}",
    },
    "restore.migrated": {
        "sv": "Säkerhetskopian var från en äldre version (schema {schema}) och har uppgraderats.",
        "en": "The backup came from an older version (schema {schema}) and has been upgraded.",
    },
    "restore.register_newer": {
        "sv": "Registret på {path} har kommit längre (#{register_seq}) än säkerhetskopian (#{backup_seq}); en återställning skulle ta bort senare händelser. Inget har ändrats. Använd --force om det är meningen (det nuvarande registret sparas bredvid).",
        "en": "The register at {path} is further ahead (#{register_seq}) than the backup (#{backup_seq}); restoring would remove later events. Nothing was changed. Use --force if that is intended (the current register is kept beside it).",
    },
    "restore.existing_unreadable": {
        "sv": "Registret på {path} går inte att öppna med dina uppgifter, så det går inte att se om det är nyare än säkerhetskopian. Inget har ändrats. Använd --force för att ersätta det (det sparas bredvid).",
        "en": "The register at {path} cannot be opened with your login, so whether it is newer than the backup is unknown. Nothing was changed. Use --force to replace it (it is kept beside it).",
    },
    "restore.other_register": {
        "sv": "Registret på {path} är ett annat register än säkerhetskopians. Inget har ändrats. Använd --force för att ersätta det (det sparas bredvid), eller återställ till en annan plats med --db.",
        "en": "The register at {path} is another register than the backup's. Nothing was changed. Use --force to replace it (it is kept beside it), or restore elsewhere with --db.",
    },
    # --- demo -----------------------------------------------------------------------------
    # --- import (tracker import) -----------------------------------------------------------
    "import.help": {
        "sv": "Importera händelser från en CSV- eller XLSX-fil (en rad per händelse).",
        "en": "Import events from a CSV or XLSX file (one row per event).",
    },
    "import.help_file": {
        "sv": "filen som ska importeras (.csv eller .xlsx)",
        "en": "the file to import (.csv or .xlsx)",
    },
    "import.help_dry_run": {
        "sv": "kontrollera filen och visa vad som skulle importeras, utan att skriva något",
        "en": "check the file and show what would be imported, without writing anything",
    },
    "import.progress": {"sv": "Importerar", "en": "Importing"},
    "import.no_file": {
        "sv": "Filen {path} finns inte.",
        "en": "The file {path} does not exist.",
    },
    "import.not_a_file": {
        "sv": "{path} är ingen vanlig fil (utan en mapp eller en enhet). Ange en CSV- eller XLSX-fil.",
        "en": "{path} is not a regular file (but a folder or a device). Give a CSV or XLSX file.",
    },
    "import.role_refused": {
        "sv": "{user} har rollen {role} och kan inte importera. Import kräver rollen personal eller samordnare.",
        "en": "{user} has the role {role} and cannot import. Importing needs the role staff or coordinator.",
    },
    "import.unsupported_format": {
        "sv": "Filen {path} är varken .csv eller .xlsx. Spara kalkylbladet i något av de formaten.",
        "en": "The file {path} is neither .csv nor .xlsx. Save the spreadsheet in one of those formats.",
    },
    "import.unreadable_xlsx": {
        "sv": "Filen {path} går inte att läsa som en XLSX-arbetsbok.",
        "en": "The file {path} cannot be read as an XLSX workbook.",
    },
    "import.not_utf8": {
        "sv": 'Filen {path} är inte sparad som UTF-8. Spara den i Excel som "CSV UTF-8 (kommaavgränsad)".',
        "en": 'The file {path} is not saved as UTF-8. Save it from Excel as "CSV UTF-8 (Comma delimited)".',
    },
    "import.csv_malformed": {
        "sv": "Filen {path} går inte att läsa: rad {row} har fler celler än rubrikraden.",
        "en": "The file {path} cannot be read: row {row} has more cells than the header row.",
    },
    "import.empty_file": {
        "sv": "Filen {path} är tom: den behöver en rubrikrad och minst en rad med en händelse.",
        "en": "The file {path} is empty: it needs a header row and at least one row with an event.",
    },
    "import.too_large": {
        "sv": "Filen {path} är större än {limit} MB, mer än en import kan hantera. Dela upp den i flera filer.",
        "en": "The file {path} is larger than {limit} MB, more than an import can handle. Split it into several files.",
    },
    "import.too_many_rows": {
        "sv": "Filen {path} har fler än {limit} rader, mer än en import kan hantera. Dela upp den i flera filer.",
        "en": "The file {path} has more than {limit} rows, more than an import can handle. Split it into several files.",
    },
    "import.too_many_columns": {
        "sv": "Filen {path} har fler än {limit} kolumner; importformatet har tolv. Kontrollera att det är rätt blad eller fil.",
        "en": "The file {path} has more than {limit} columns; the import format has twelve. Check that it is the right sheet or file.",
    },
    "import.problem_value": {
        "sv": 'Rad {row}, kolumn {column}, värde "{value}": {reason}',
        "en": 'Row {row}, column {column}, value "{value}": {reason}',
    },
    "import.problem_cell": {
        "sv": "Rad {row}, kolumn {column}: {reason}",
        "en": "Row {row}, column {column}: {reason}",
    },
    "import.problem_row": {
        "sv": "Rad {row}: {reason}",
        "en": "Row {row}: {reason}",
    },
    "import.problem_refused": {
        "sv": "Rad {row}, kolumn {column}: cellen avvisas och visas inte. {reason}",
        "en": "Row {row}, column {column}: the cell is refused and not shown. {reason}",
    },
    "import.unknown_header": {
        "sv": "Okänd kolumnrubrik. Tillåtna rubriker: {allowed} (eller de engelska namnen).",
        "en": "Unknown column header. Allowed headers: {allowed} (or their English names).",
    },
    "import.duplicate_header": {
        "sv": "Kolumnen finns redan tidigare i rubrikraden.",
        "en": "The column already appears earlier in the header row.",
    },
    "import.header_missing": {
        "sv": "Kolumnen har värden men ingen rubrik.",
        "en": "The column has values but no header.",
    },
    "import.missing_column": {
        "sv": "Kolumnen {column} saknas i rubrikraden; den behövs i varje fil.",
        "en": "The column {column} is missing from the header row; every file needs it.",
    },
    "import.value_required": {
        "sv": "Cellen får inte vara tom.",
        "en": "The cell must not be empty.",
    },
    "import.unknown_kind": {
        "sv": "Okänd händelse. Använd ansökan, start, ej_start, steg, avslut eller uppföljning.",
        "en": "Unknown event. Use ansökan, start, ej_start, steg, avslut or uppföljning (or application, start, non_start, step, exit, follow_up).",
    },
    "import.bad_date": {
        "sv": "Datum skrivs ÅÅÅÅ-MM-DD och måste finnas i kalendern.",
        "en": "Dates are written YYYY-MM-DD and must exist in the calendar.",
    },
    "import.bad_level": {
        "sv": "Nivån ska vara ett heltal, numret på en nivå på förflyttningstrappan.",
        "en": "The level must be a whole number, the number of a level on the step ladder.",
    },
    "import.bad_corrects": {
        "sv": "Rättar anges som händelsens nummer i tidslinjen (#12) eller dess datum "
        "(ÅÅÅÅ-MM-DD).",
        "en": "Corrects is given as the event's number in the timeline (#12) or its date "
        "(YYYY-MM-DD).",
    },
    "import.reason_without_corrects": {
        "sv": "En rättelseorsak hör till en rättelse: ange också vilken händelse som rättas.",
        "en": "A correction reason belongs to a correction: also give the event it corrects.",
    },
    "import.corrects_nothing": {
        "sv": "Deltagaren {code} har ingen sådan händelse att rätta i registret.",
        "en": "Participant {code} has no such event to correct in the register.",
    },
    "import.corrects_ambiguous": {
        "sv": "Deltagaren {code} har flera sådana händelser den dagen; ange numret (#12).",
        "en": "Participant {code} has several such events that day; give the number (#12).",
    },
    "import.corrects_other_kind": {
        "sv": "Händelsen är en {kind}; en rättelse behåller händelsens slag.",
        "en": "The event is a {kind}; a correction keeps the event's kind.",
    },
    "import.bad_handover": {
        "sv": "Ordinarie insats anges med ja eller nej.",
        "en": "Handover is given as ja or nej (yes or no).",
    },
    "import.bad_months": {
        "sv": "Månader anges som 6 eller 18.",
        "en": "Months are given as 6 or 18.",
    },
    "import.not_applicable": {
        "sv": "Kolumnen gäller inte händelsen {kind}; lämna cellen tom.",
        "en": "The column does not apply to the event {kind}; leave the cell empty.",
    },
    "import.rows_disagree": {
        "sv": "Deltagaren {code} har ett annat värde här än på rad {first}. Alla rader för en deltagare måste stämma överens.",
        "en": "Participant {code} has a different value here than on row {first}. All rows of a participant must agree.",
    },
    "import.differs_from_register": {
        "sv": 'Deltagaren {code} finns redan i registret med värdet "{existing}". En import ändrar inte kön eller insats; gör en rättelse i stället.',
        "en": 'Participant {code} is already in the register with the value "{existing}". An import does not change gender or insats; make a correction instead.',
    },
    "import.attribute_missing": {
        "sv": "Deltagaren {code} är ny i registret: ange värdet på minst en av deltagarens rader.",
        "en": "Participant {code} is new to the register: give the value on at least one of the participant's rows.",
    },
    "import.rejected": {
        "sv": "Importen avbröts: {count} fel i {path}. Ingenting har skrivits till registret.",
        "en": "Import stopped: {count} problems in {path}. Nothing was written to the register.",
    },
    "import.more_problems": {
        "sv": "… och {count} fel till (rätta de visade och kör igen).",
        "en": "… and {count} more problems (fix the ones shown and run again).",
    },
    "import.done": {
        "sv": "Importerat från {path}: {events} händelser från {rows} rader.",
        "en": "Imported from {path}: {events} events from {rows} rows.",
    },
    "import.dry_run_done": {
        "sv": "Provkörning av {path}: filen är felfri. {events} händelser från {rows} rader skulle importeras; ingenting har skrivits.",
        "en": "Dry run of {path}: the file has no problems. {events} events from {rows} rows would be imported; nothing was written.",
    },
    "import.summary_corrections": {
        "sv": "Rättelser: {count}",
        "en": "Corrections: {count}",
    },
    "import.summary_cases": {
        "sv": "Nya deltagare: {count}",
        "en": "New participants: {count}",
    },
    "import.summary_kinds": {
        "sv": "Händelser per typ:",
        "en": "Events per kind:",
    },
    "import.summary_insatser": {
        "sv": "Händelser per insats:",
        "en": "Events per insats:",
    },
    "import.summary_line": {"sv": "  {name}: {count}", "en": "  {name}: {count}"},
    "import.already_present": {
        "sv": "{count} rader fanns redan (hoppades över)",
        "en": "{count} rows were already there (skipped)",
    },
    "import.warnings": {
        "sv": "{count} varningar (raderna importerades ändå; kontrollera dem):",
        "en": "{count} warnings (the rows were imported anyway; check them):",
    },
    "import.duplicates_in_file": {
        "sv": "{count} rader upprepade en tidigare rad i filen (hoppades över)",
        "en": "{count} rows repeated an earlier row of the file (skipped)",
    },
    # --- stats (tracker stats, tracker goals) ----------------------------------------------
    "stats.as_of_out_of_range": {
        "sv": "--as-of {seq} finns inte: registrets händelser är numrerade 0–{head}.",
        "en": "--as-of {seq} does not exist: the register's events are numbered 0–{head}.",
    },
    "stats.goal_metric_unknown": {
        "sv": 'Det går inte att sätta mål för "{metric}". Välj bland: {metrics}.',
        "en": 'A goal cannot be set for "{metric}". Choose from: {metrics}.',
    },
    "stats.goal_target": {
        "sv": "Målet ska vara en andel mellan 0 och 1 eller en procentsats 0–100, t.ex. 0,8 eller 80 %.",
        "en": "The goal must be a share between 0 and 1 or a percentage 0–100, e.g. 0.8 or 80 %.",
    },
    "stats.period_required": {
        "sv": "Ange en period med --period (t.ex. 2026H1) eller både --from och --to.",
        "en": "Give a period with --period (e.g. 2026H1) or both --from and --to.",
    },
    "stats.period_twice": {
        "sv": "Ange antingen --period eller --from/--to, inte båda.",
        "en": "Give either --period or --from/--to, not both.",
    },
    # Metric labels (metrics.md)
    "stats.metric.contacts": {"sv": "Kontakter under perioden", "en": "Contacts during the period"},
    "stats.metric.applications": {"sv": "Nya ansökningar", "en": "New applications"},
    "stats.metric.started": {"sv": "Nya inskrivna", "en": "Newly enrolled"},
    "stats.metric.not_started": {"sv": "Ej startade", "en": "Not started"},
    "stats.metric.pending_at_end": {
        "sv": "Ansökningar utan beslut vid periodens slut",
        "en": "Applications without a decision at the end of the period",
    },
    "stats.metric.enrolled": {"sv": "Inskrivna under perioden", "en": "Enrolled during the period"},
    "stats.metric.active_at_end": {
        "sv": "Pågående vid periodens slut",
        "en": "Active at the end of the period",
    },
    "stats.metric.active_step_up": {
        "sv": "Pågående med stegförflyttning",
        "en": "Enrolled with a step up",
    },
    "stats.metric.exits": {"sv": "Avslutade", "en": "Exits"},
    "stats.metric.exits_handover": {
        "sv": "Till ordinarie insats vid avslut",
        "en": "Handed over to an ordinary intervention at exit",
    },
    "stats.metric.exits_measurable": {"sv": "Mätbara avslut", "en": "Measurable exits"},
    "stats.metric.step_up": {"sv": "Avslut med stegförflyttning", "en": "Exits with a step up"},
    "stats.metric.followup_6m": {"sv": "Uppföljningar 6 mån", "en": "Follow-ups at 6 months"},
    "stats.metric.followup_6m_held": {
        "sv": "Uppföljningar 6 mån: kvar på samma nivå eller högre",
        "en": "Follow-ups at 6 months: same level or higher",
    },
    "stats.metric.followup_6m_missing": {
        "sv": "Saknade uppföljningar 6 mån",
        "en": "Missing follow-ups at 6 months",
    },
    "stats.metric.followup_18m": {"sv": "Uppföljningar 18 mån", "en": "Follow-ups at 18 months"},
    "stats.metric.followup_18m_held": {
        "sv": "Uppföljningar 18 mån: kvar på samma nivå eller högre",
        "en": "Follow-ups at 18 months: same level or higher",
    },
    "stats.metric.followup_18m_missing": {
        "sv": "Saknade uppföljningar 18 mån",
        "en": "Missing follow-ups at 18 months",
    },
    "stats.metric.not_started_by_reason": {
        "sv": "Ej startade per orsak",
        "en": "Not started by reason",
    },
    "stats.metric.exits_by_destination": {
        "sv": "Avslutade per sysselsättning vid avslut",
        "en": "Exits by destination",
    },
    "stats.metric.exits_by_kind": {"sv": "Avslutade per avslutstyp", "en": "Exits by kind"},
    "stats.not_recorded": {"sv": "Ingen uppgift registrerad", "en": "Nothing recorded"},
    "stats.metric.followup_6m_missing_by_reason": {
        "sv": "Saknade uppföljningar 6 mån per orsak",
        "en": "Missing 6-month follow-ups by reason",
    },
    "stats.metric.followup_18m_missing_by_reason": {
        "sv": "Saknade uppföljningar 18 mån per orsak",
        "en": "Missing 18-month follow-ups by reason",
    },
    "stats.metric.started_by_insats": {
        "sv": "Uppföljning Finsam: nya under året per insats",
        "en": "Uppföljning Finsam: new during the year per insats",
    },
    "stats.metric.enrolled_by_insats": {
        "sv": "Uppföljning Finsam: aktiva under året per insats",
        "en": "Uppföljning Finsam: active during the year per insats",
    },
    "stats.metric.step_up_share": {
        "sv": "Andel avslut med stegförflyttning",
        "en": "Share of exits with a step up",
    },
    "stats.metric.handover_share": {
        "sv": "Andel till ordinarie insats",
        "en": "Share handed over to an ordinary intervention",
    },
    "stats.metric.followup_6m_share": {
        "sv": "Andel kvar på samma nivå eller högre efter 6 mån",
        "en": "Share at the same level or higher after 6 months",
    },
    "stats.metric.followup_18m_share": {
        "sv": "Andel kvar på samma nivå eller högre efter 18 mån",
        "en": "Share at the same level or higher after 18 months",
    },
    "stats.metric.destination_share": {
        "sv": "Andel av avslutade per sysselsättning",
        "en": "Share of exits by destination",
    },
    "stats.metric.days_in_insats_median": {
        "sv": "Tid i insatsen, median (dagar)",
        "en": "Time in the intervention, median (days)",
    },
    # tracker stats: the terminal table
    "stats.col_metric": {"sv": "Mått", "en": "Metric"},
    "stats.col.kvinna": {"sv": "kvinna", "en": "women"},
    "stats.col.man": {"sv": "man", "en": "men"},
    "stats.col.ej_angivet": {"sv": "ej angivet", "en": "not stated"},
    "stats.col.total": {"sv": "totalt", "en": "total"},
    "stats.col_comparison": {"sv": "jämförelse {label}", "en": "comparison {label}"},
    "stats.heading": {
        "sv": "Statistik {period} ({first} – {last}) · {insatser}",
        "en": "Statistics {period} ({first} – {last}) · {insatser}",
    },
    "stats.as_of_line": {
        "sv": "Beräknad ur registret till och med händelse {seq}. INTERNT: små tal visas oskyddade.",
        "en": "Computed from the register up to event {seq}. INTERNAL: small counts are not suppressed.",
    },
    "stats.section_counts": {"sv": "Antal", "en": "Counts"},
    "stats.section_shares": {"sv": "Andelar", "en": "Shares"},
    "stats.section_figures": {"sv": "Övrigt", "en": "Other figures"},
    "stats.section_goals": {"sv": "Mål", "en": "Goals"},
    "stats.goal_line": {
        "sv": "{metric} ≥ {target}: {value} — {verdict} (jämförelseperiod: {comparison})",
        "en": "{metric} ≥ {target}: {value} — {verdict} (comparison period: {comparison})",
    },
    "stats.goal_met": {"sv": "uppnått", "en": "met"},
    "stats.goal_not_met": {"sv": "ej uppnått", "en": "not met"},
    "stats.goal_no_data": {"sv": "inget underlag", "en": "no data"},
    "stats.no_value": {"sv": "–", "en": "–"},
    # tracker goals
    "stats.goals_heading": {"sv": "Mål per insats", "en": "Goals per insats"},
    "stats.goals_default": {
        "sv": "standardmål (ej beslutat av styrelsen)",
        "en": "default goal (not decided by the board)",
    },
    "stats.goals_how_to_set": {
        "sv": 'Standardmål gäller tills en samordnare sätter styrelsens mål, till exempel: tracker goals set --insats "{insats}" --metric step_up_share --target "80 %"',
        "en": 'Default goals apply until a coordinator sets the board\'s goals, for example: tracker goals set --insats "{insats}" --metric step_up_share --target "80 %"',
    },
    "stats.goal_line_default": {
        "sv": "{metric} ≥ {target} (standardmål, ej beslutat av styrelsen): {value} — {verdict} (jämförelseperiod: {comparison})",
        "en": "{metric} ≥ {target} (default goal, not decided by the board): {value} — {verdict} (comparison period: {comparison})",
    },
    "stats.goals_set_done": {
        "sv": "Målet för {metric} i {insats} är nu {target}.",
        "en": "The goal for {metric} in {insats} is now {target}.",
    },
    "stats.col_insats": {"sv": "Insats", "en": "Insats"},
    "stats.col_goal": {"sv": "Mål", "en": "Goal"},
    "stats.col_source": {"sv": "Källa", "en": "Source"},
    "stats.goals_set_by": {"sv": "satt av samordnare", "en": "set by a coordinator"},
    # help texts
    "stats.help_stats": {
        "sv": "statistik för en period (alla mått, per kön, med jämförelseperiod och mål)",
        "en": "statistics for a period (every metric, by gender, with comparison period and goals)",
    },
    "stats.help_period": {
        "sv": "perioden: 2026, 2026H1/H2, 2026T1…T3 (tertial), 2026Q1…Q4 eller 2026-01-01..2026-03-31",
        "en": "the period: 2026, 2026H1/H2, 2026T1…T3 (tertial), 2026Q1…Q4 or 2026-01-01..2026-03-31",
    },
    "stats.help_from": {
        "sv": "första dag (ÅÅÅÅ-MM-DD), med --to",
        "en": "first day (YYYY-MM-DD), with --to",
    },
    "stats.help_to": {
        "sv": "sista dag (ÅÅÅÅ-MM-DD), med --from",
        "en": "last day (YYYY-MM-DD), with --from",
    },
    "stats.help_insats": {
        "sv": "bara denna insats (kan anges flera gånger; standard: alla)",
        "en": "only this insats (may be given several times; default: all)",
    },
    "stats.help_as_of": {
        "sv": "räkna som registret såg ut efter händelse nummer SEQ (standard: nu)",
        "en": "compute as the register stood after event number SEQ (default: now)",
    },
    "stats.help_json": {
        "sv": "skriv report.json (tracker.report/1, oskyddad, intern) i stället för en tabell",
        "en": "print report.json (tracker.report/1, unsuppressed, internal) instead of a table",
    },
    "stats.help_goals": {
        "sv": "visa styrelsens mål per insats; goals set ändrar ett mål",
        "en": "show the board's goals per insats; goals set changes one",
    },
    "stats.help_goals_insats": {"sv": "bara denna insats", "en": "only this insats"},
    "stats.help_goals_set": {
        "sv": "sätt ett mål för en insats (bara samordnare)",
        "en": "set a goal for an insats (coordinators only)",
    },
    "stats.help_goal_metric": {
        "sv": "måttet: step_up_share, handover_share, followup_6m_share eller followup_18m_share",
        "en": "the metric: step_up_share, handover_share, followup_6m_share or followup_18m_share",
    },
    "stats.help_goal_target": {
        "sv": "målet som andel eller procent: 0,8 · 0.8 · 80 · 80 %",
        "en": "the goal as a share or percentage: 0.8 · 0,8 · 80 · 80 %",
    },
    "stats.date_format": {
        "sv": "Datum skrivs ÅÅÅÅ-MM-DD.",
        "en": "Dates are written YYYY-MM-DD.",
    },
    "stats.as_of_format": {
        "sv": "--as-of ska vara ett händelsenummer (ett heltal 0 eller större).",
        "en": "--as-of must be an event number (a whole number, 0 or more).",
    },
    # --- tui: shell (app, login, first-run wizard, lock, help) -----------------------------
    # App and keys
    "tui.needs_terminal": {
        "sv": "tracker utan kommando öppnar terminalgränssnittet och behöver en terminal. Se tracker --help för kommandona.",
        "en": "tracker without a command opens the terminal interface and needs a terminal. See tracker --help for the commands.",
    },
    "tui.key_lock": {"sv": "Lås", "en": "Lock"},
    "tui.key_help": {"sv": "Hjälp", "en": "Help"},
    "tui.key_quit": {"sv": "Avsluta", "en": "Quit"},
    "tui.key_close": {"sv": "Stäng", "en": "Close"},
    "tui.key_palette": {"sv": "Kommandon", "en": "Commands"},
    "tui.key_palette_help": {
        "sv": "Kommandopalett (bl.a. ljust eller mörkt tema)",
        "en": "Command palette (light or dark theme, and more)",
    },
    "tui.demo_marker": {"sv": "DEMO", "en": "DEMO"},
    # Textual's command palette (ctrl+p), its own entries
    "tui.palette.placeholder": {"sv": "Sök kommando …", "en": "Search for commands …"},
    "tui.palette.no_matches": {"sv": "Inget kommando passar", "en": "No matches found"},
    "tui.palette.theme": {"sv": "Tema", "en": "Theme"},
    "tui.palette.theme_help": {
        "sv": "Byt färgtema (ljust, mörkt …); valet sparas",
        "en": "Change the colour theme (light, dark …); the choice is kept",
    },
    "tui.palette.theme_placeholder": {"sv": "Sök tema …", "en": "Search for themes …"},
    "tui.palette.help": {"sv": "Hjälp", "en": "Help"},
    "tui.palette.help_help": {
        "sv": "Alla tangenter på skärmen och vad trappans nivåer betyder (F1)",
        "en": "Every key on the screen and what the ladder's levels mean (F1)",
    },
    "tui.palette.maximize": {"sv": "Förstora", "en": "Maximize"},
    "tui.palette.maximize_help": {
        "sv": "Visa det markerade fältet över hela skärmen",
        "en": "Show the focused widget on the whole screen",
    },
    "tui.palette.minimize": {"sv": "Förminska", "en": "Minimize"},
    "tui.palette.minimize_help": {
        "sv": "Tillbaka till vanlig storlek",
        "en": "Back to the normal size",
    },
    "tui.palette.quit": {"sv": "Avsluta", "en": "Quit"},
    "tui.palette.quit_help": {
        "sv": "Stäng programmet (Ctrl+Q)",
        "en": "Close the program (Ctrl+Q)",
    },
    "tui.palette.no_screenshots": {
        "sv": "Skärmbilder är avstängda: de skulle spara deltagaruppgifter okrypterat.",
        "en": "Screenshots are off: they would store participant data unencrypted.",
    },
    "tui.database_damaged": {
        "sv": "Databasfilen är skadad och kan inte läsas. Återställ från en säkerhetskopia och kör tracker audit verify.",
        "en": "The database file is damaged and cannot be read. Restore a backup and run tracker audit verify.",
    },
    "tui.os_error": {"sv": "Filfel: {detail}", "en": "File error: {detail}"},
    "tui.unexpected": {
        "sv": "Ett oväntat fel inträffade ({kind}). Inget halvfärdigt har sparats.",
        "en": "An unexpected error occurred ({kind}). Nothing half-done was saved.",
    },
    "tui.crashed": {
        "sv": "Programmet stängdes av ett oväntat fel ({kind}). Inget halvfärdigt har sparats. Starta med --debug för detaljer.",
        "en": "The program closed after an unexpected error ({kind}). Nothing half-done was saved. Start with --debug for details.",
    },
    # Login and lock
    "tui.login_title": {"sv": "Logga in", "en": "Log in"},
    "tui.login_register": {"sv": "Register: {path}", "en": "Register: {path}"},
    "tui.user": {"sv": "Användare", "en": "User"},
    "tui.passphrase": {"sv": "Lösenfras", "en": "Passphrase"},
    "tui.login_button": {"sv": "Logga in", "en": "Log in"},
    "tui.unlock_button": {"sv": "Lås upp", "en": "Unlock"},
    "tui.user_missing": {"sv": "Skriv ditt användarnamn.", "en": "Enter your user name."},
    "tui.passphrase_missing": {"sv": "Skriv din lösenfras.", "en": "Enter your passphrase."},
    "tui.unlocking": {
        "sv": "Kontrollerar lösenfrasen och öppnar registret …",
        "en": "Checking the passphrase and opening the register …",
    },
    "tui.retry_wait": {
        "sv": "Vänta {seconds} s innan nästa försök.",
        "en": "Wait {seconds} s before the next try.",
    },
    "tui.retry_now": {"sv": "Du kan försöka igen.", "en": "You can try again."},
    "tui.login_demo": {
        "sv": "DEMO: registret har bara påhittade deltagare. Användare demo, lösenfras demo.",
        "en": "DEMO: the register holds synthetic participants only. User demo, passphrase demo.",
    },
    "tui.lock_title": {"sv": "Registret är låst", "en": "The register is locked"},
    "tui.lock_wrong_passphrase": {
        "sv": "Fel lösenfras. Skriv den igen.",
        "en": "Wrong passphrase. Type it again.",
    },
    "tui.lock_text": {
        "sv": "Användare: {user}. Skriv din lösenfras för att fortsätta där du var.",
        "en": "User: {user}. Enter your passphrase to continue where you were.",
    },
    # First-run wizard
    "tui.wizard_title": {"sv": "Nytt register", "en": "New register"},
    "tui.wizard_intro": {
        "sv": "Det finns inget register på {path}. Här skapar du ett krypterat register.",
        "en": "There is no register at {path}. Here you create an encrypted register.",
    },
    "tui.wizard_insatser": {
        "sv": "Insatser (team), en per rad",
        "en": "Insatser (teams), one per line",
    },
    "tui.wizard_user": {
        "sv": "Ditt användarnamn (du blir samordnare), t.ex. anna",
        "en": "Your user name (you become coordinator), e.g. anna",
    },
    "tui.wizard_forbund": {
        "sv": "Förbundets namn för rapporterna (valfritt)",
        "en": "The förbund's name for the reports (optional)",
    },
    "tui.wizard_goals_hint": {
        "sv": "Styrelsens mål sätter en samordnare senare med tracker goals set; till dess visar rapporterna standardmål, märkta som ej beslutade av styrelsen.",
        "en": "A coordinator sets the board's goals later with tracker goals set; until then the reports show default goals, marked as not decided by the board.",
    },
    "tui.next": {"sv": "Nästa", "en": "Next"},
    "tui.back": {"sv": "Tillbaka", "en": "Back"},
    "tui.continue": {"sv": "Fortsätt", "en": "Continue"},
    "tui.wizard_passphrase_title": {"sv": "Välj lösenfras", "en": "Choose a passphrase"},
    "tui.passphrase_again": {"sv": "Samma lösenfras igen", "en": "The same passphrase again"},
    "tui.passphrases_differ": {
        "sv": "Lösenfraserna är inte lika. Skriv den igen.",
        "en": "The passphrases differ. Type it again.",
    },
    "tui.wizard_create": {"sv": "Skapa registret", "en": "Create the register"},
    "tui.wizard_creating": {"sv": "Skapar registret …", "en": "Creating the register …"},
    "tui.hint_words": {
        "sv": "Minst {minimum} tecken. Tips: {words} eller fler vanliga ord i följd, t.ex. fyra ord du minns.",
        "en": "At least {minimum} characters. Tip: {words} or more ordinary words in a row that you remember.",
    },
    "tui.hint_too_short": {
        "sv": "För kort: minst {minimum} tecken. {words} vanliga ord brukar räcka gott.",
        "en": "Too short: at least {minimum} characters. {words} ordinary words are usually plenty.",
    },
    "tui.hint_digits": {
        "sv": "Bara siffror är lätt att gissa. Välj hellre {words} vanliga ord.",
        "en": "Digits only are easy to guess. Choose {words} ordinary words instead.",
    },
    "tui.hint_one_word": {
        "sv": "Ett enda ord är lätt att gissa. Lägg till fler ord, helst {words} eller fler.",
        "en": "A single word is easy to guess. Add more words, preferably {words} or more.",
    },
    "tui.hint_more_words": {
        "sv": "Bra början. {words} eller fler ord gör den starkare.",
        "en": "A good start. {words} or more words make it stronger.",
    },
    "tui.hint_good": {
        "sv": "Bra: flera vanliga ord är starkt och lätt att minnas.",
        "en": "Good: several ordinary words are strong and easy to remember.",
    },
    "tui.recovery_title": {"sv": "Återställningsnyckel", "en": "Recovery key"},
    "tui.recovery_text": {
        "sv": "Registret är skapat. Det här är återställningsnyckeln. Den visas bara nu, aldrig igen.",
        "en": "The register is created. This is the recovery key. It is shown only now, never again.",
    },
    "tui.recovery_advice": {
        "sv": "Skriv ner den på papper och förvara den inlåst, skild från datorn. Den öppnar registret om alla lösenfraser glöms bort (tracker recover).",
        "en": "Write it down on paper and keep it locked away, apart from the computer. It opens the register if every passphrase is forgotten (tracker recover).",
    },
    "tui.recovery_confirm": {
        "sv": "Jag har skrivit ner nyckeln och förvarar den säkert",
        "en": "I have written the key down and keep it safe",
    },
    # Help
    "tui.help_title": {"sv": "Hjälp", "en": "Help"},
    "tui.help_keys": {"sv": "Tangenter på den här skärmen", "en": "Keys on this screen"},
    "tui.help_key": {"sv": "Tangent", "en": "Key"},
    "tui.help_action": {"sv": "Vad den gör", "en": "What it does"},
    "tui.help_keys_text": {
        "sv": "Tab och Skift+Tab flyttar mellan fälten, Enter väljer. Allt går att göra med tangentbordet. Ctrl+L låser registret direkt; efter en stunds inaktivitet låses det av sig självt. Esc stänger hjälpen.",
        "en": "Tab and Shift+Tab move between fields, Enter chooses. Everything can be done with the keyboard. Ctrl+L locks the register at once; after a while without use it locks by itself. Esc closes the help.",
    },
    "tui.help_ladder": {"sv": "Förflyttningstrappan", "en": "The step ladder"},
    "tui.help_ladder_text": {
        "sv": "Trappan beskriver hur nära arbete eller studier deltagaren är. Registrets trappa har de här nivåerna, från lägst till högst:",
        "en": "The ladder describes how close to work or studies the participant is. The register's ladder has these levels, lowest to highest:",
    },
    "tui.help_level": {"sv": "Nivå", "en": "Level"},
    "tui.help_level_label": {"sv": "Betyder", "en": "Means"},
    "tui.help_step_up": {
        "sv": "En stegförflyttning uppåt betyder att deltagaren når en högre nivå än tidigare. Nivåerna är en status, inte en ordning som måste följas: man kan hoppa över nivåer och falla tillbaka. Registrera den nivå deltagaren är på nu.",
        "en": "A step up means the participant reaches a higher level than before. The levels are a status, not a required sequence: people skip levels and fall back. Record the level the participant is on now.",
    },
    # --- tui: cases (case list, forms, case detail, follow-ups due) ------------------------
    # Case list (home screen)
    "tui.cases.title": {"sv": "Deltagare", "en": "Participants"},
    "tui.cases.col_code": {"sv": "Kod", "en": "Code"},
    "tui.cases.col_gender": {"sv": "Kön", "en": "Gender"},
    "tui.cases.col_status": {"sv": "Status", "en": "Status"},
    "tui.cases.col_level": {"sv": "Nivå", "en": "Level"},
    "tui.cases.col_days": {"sv": "Dagar", "en": "Days"},
    # Two-line column labels keep the dates' columns narrow at 80 columns.
    "tui.cases.col_last_event": {"sv": "Senaste\nhändelse", "en": "Last\nevent"},
    "tui.cases.col_next_follow_up": {"sv": "Uppföljning\nförfaller", "en": "Follow-up\ndue"},
    "tui.cases.status_empty": {"sv": "–", "en": "–"},
    "tui.cases.status_application": {"sv": "Ansökan", "en": "Application"},
    "tui.cases.status_active": {"sv": "Aktiv", "en": "Active"},
    "tui.cases.status_non_start": {"sv": "Ej start", "en": "Not started"},
    "tui.cases.status_exited": {"sv": "Avslutad", "en": "Exited"},
    "tui.cases.filter_all": {"sv": "Alla", "en": "All"},
    "tui.cases.filter_active": {"sv": "Aktiva", "en": "Active"},
    "tui.cases.filter_applications": {"sv": "Väntande ansökningar", "en": "Pending applications"},
    "tui.cases.filter_exited": {"sv": "Avslutade", "en": "Exited"},
    "tui.cases.filter_follow_up": {"sv": "Uppföljning att göra", "en": "Follow-up to do"},
    "tui.cases.search_placeholder": {
        "sv": "Sök kod (/)",
        "en": "Find code (/)",
    },
    "tui.cases.count": {
        "sv": "{shown} av {total} deltagare · {filter}",
        "en": "{shown} of {total} participants · {filter}",
    },
    "tui.cases.rows": {"sv": "rad {first}–{last}", "en": "rows {first}–{last}"},
    "tui.cases.read_only": {
        "sv": "Du är granskare: du kan läsa men inte registrera.",
        "en": "You are a reviewer: you can read but not register.",
    },
    "tui.cases.first_steps": {
        "sv": "Här finns inga deltagare ännu. Börja med a (ny ansökan): välj kön, datum och "
        "remitterande part, så får deltagaren en kod. När deltagaren börjar i insatsen markerar "
        "du raden och trycker t (start). Sedan loggar du steg med s. F1 visar alla tangenter.",
        "en": "There are no participants yet. Start with a (new application): choose the gender, "
        "date and referring party, and the participant gets a code. When the participant starts "
        "in the insats, select the row and press t (start). Then log steps with s. F1 shows "
        "every key.",
    },
    "tui.cases.no_selection": {
        "sv": "Välj först en deltagare i listan.",
        "en": "First choose a participant in the list.",
    },
    "tui.cases.insats_prompt": {"sv": "Insats", "en": "Insats"},
    "tui.cases.command_help": {"sv": "Tangent: {key}", "en": "Key: {key}"},
    "tui.cases.key_step": {"sv": "Steg", "en": "Step"},
    "tui.cases.key_application": {"sv": "Ny ansökan", "en": "New application"},
    "tui.cases.key_start": {"sv": "Start", "en": "Start"},
    "tui.cases.key_non_start": {"sv": "Ej start", "en": "Not started"},
    "tui.cases.key_exit": {"sv": "Avslut", "en": "Exit"},
    "tui.cases.key_follow_up": {"sv": "Uppföljning", "en": "Follow-up"},
    "tui.cases.key_detail": {"sv": "Visa deltagare", "en": "Show participant"},
    "tui.cases.key_search": {"sv": "Sök kod", "en": "Find code"},
    "tui.cases.key_follow_ups_due": {"sv": "Att följa upp", "en": "Follow-ups due"},
    "tui.cases.key_clear_search": {"sv": "Töm sökningen", "en": "Clear the search"},
    "tui.cases.key_insats": {"sv": "Byt insats", "en": "Change insats"},
    "tui.cases.key_filter_all": {"sv": "Visa alla", "en": "Show all"},
    "tui.cases.key_filter_active": {"sv": "Visa aktiva", "en": "Show active"},
    "tui.cases.key_filter_applications": {
        "sv": "Visa väntande ansökningar",
        "en": "Show pending applications",
    },
    "tui.cases.key_filter_exited": {"sv": "Visa avslutade", "en": "Show exited"},
    "tui.cases.key_filter_follow_up": {
        "sv": "Visa uppföljning att göra",
        "en": "Show follow-up to do",
    },
    "tui.cases.key_back": {"sv": "Tillbaka", "en": "Back"},
    "tui.cases.key_correct": {"sv": "Rätta", "en": "Correct"},
    "tui.cases.key_retract": {"sv": "Makulera", "en": "Retract"},
    "tui.cases.key_save": {"sv": "Spara", "en": "Save"},
    "tui.cases.key_cancel": {"sv": "Avbryt", "en": "Cancel"},
    "tui.cases.key_close": {"sv": "Stäng", "en": "Close"},
    "tui.cases.key_level": {"sv": "Välj nivå", "en": "Choose level"},
    # Forms
    "tui.form_title_application": {"sv": "Ny ansökan", "en": "New application"},
    "tui.form_title_start": {"sv": "Start — {code}", "en": "Start — {code}"},
    "tui.form_title_returning": {
        "sv": "Ny ansökan, återkommande deltagare — {code}",
        "en": "New application, returning participant — {code}",
    },
    "tui.form_saved_returning": {
        "sv": "Ny ansökan sparad för {code} (omgång {episode})",
        "en": "New application saved for {code} (episode {episode})",
    },
    "tui.form_title_non_start": {"sv": "Ej start — {code}", "en": "Not started — {code}"},
    "tui.form_title_step": {"sv": "Logga steg — {code}", "en": "Log a step — {code}"},
    "tui.form_title_exit": {"sv": "Avslut — {code}", "en": "Exit — {code}"},
    "tui.form_title_follow_up": {"sv": "Uppföljning — {code}", "en": "Follow-up — {code}"},
    "tui.form_title_correct": {
        "sv": "Rätta händelse {seq} ({kind}) — {code}",
        "en": "Correct event {seq} ({kind}) — {code}",
    },
    "tui.form_title_retract": {
        "sv": "Makulera händelse {seq} ({kind}) — {code}",
        "en": "Retract event {seq} ({kind}) — {code}",
    },
    "tui.form_date": {"sv": "Datum", "en": "Date"},
    "tui.form_date_hint": {
        "sv": "ÅÅÅÅ-MM-DD, idag, igår eller -N dagar",
        "en": "YYYY-MM-DD, today, yesterday or -N days",
    },
    "tui.form_level": {"sv": "Nivå (pil upp/ned eller siffra)", "en": "Level (arrows or digit)"},
    "tui.form_no_level": {"sv": "Ingen nivå angiven", "en": "No level given"},
    "tui.form_current_level": {"sv": "nu", "en": "now"},
    "tui.form_blank": {"sv": "– välj –", "en": "– choose –"},
    "tui.form_handover": {
        "sv": "Till ordinarie insats hos en part",
        "en": "Handed over to an ordinary intervention",
    },
    "tui.form_months": {"sv": "Uppföljning efter", "en": "Follow-up after"},
    "tui.form_months_value": {"sv": "{months} månader", "en": "{months} months"},
    "tui.form_follow_up_missed": {
        "sv": "Ej genomförd, orsak (lämna tomt när uppföljningen gjordes)",
        "en": "Not made, reason (leave empty when the follow-up was made)",
    },
    "tui.form_help": {
        "sv": "Enter eller Ctrl+S sparar · Esc avbryter",
        "en": "Enter or Ctrl+S saves · Esc cancels",
    },
    "tui.form_retract_help": {
        "sv": "Händelsen ({kind}, {date}) räknas inte längre men finns kvar i loggen. "
        "Ctrl+S makulerar · Esc avbryter",
        "en": "The event ({kind}, {date}) no longer counts but stays in the log. "
        "Ctrl+S retracts · Esc cancels",
    },
    "tui.form_saved_application": {
        "sv": "Ansökan registrerad: {code}",
        "en": "Application registered: {code}",
    },
    "tui.form_saved_start": {
        "sv": "Start registrerad för {code}",
        "en": "Start registered for {code}",
    },
    "tui.form_saved_non_start": {
        "sv": "Ej start registrerad för {code}",
        "en": "Non-start registered for {code}",
    },
    "tui.form_saved_step": {
        "sv": "Steg sparat: nivå {level} {label}",
        "en": "Step saved: level {level} {label}",
    },
    "tui.form_saved_exit": {
        "sv": "Avslut registrerat för {code}",
        "en": "Exit registered for {code}",
    },
    "tui.form_saved_follow_up": {
        "sv": "Uppföljning efter {months} månader registrerad för {code}",
        "en": "{months}-month follow-up registered for {code}",
    },
    "tui.form_saved_correct": {"sv": "Händelse {seq} rättad", "en": "Event {seq} corrected"},
    "tui.form_saved_retract": {"sv": "Händelse {seq} makulerad", "en": "Event {seq} retracted"},
    "tui.form_code_title": {"sv": "Ny deltagarkod", "en": "New participant code"},
    "tui.form_code_body": {
        "sv": "Anteckna koden i ert eget ärendesystem. Registret känner bara till koden.",
        "en": "Note the code in your own case system. The register only knows the code.",
    },
    "tui.form_code_dismiss": {"sv": "Enter eller Esc stänger", "en": "Enter or Esc closes"},
    "tui.form_not_correctable": {
        "sv": "Händelse {seq} är makulerad och kan inte rättas eller makuleras igen.",
        "en": "Event {seq} is retracted and cannot be corrected or retracted again.",
    },
    "tui.form_not_case_event": {
        "sv": "Markera en händelse i tidslinjen först.",
        "en": "First select an event in the timeline.",
    },
    # Case detail
    "tui.detail_title": {"sv": "Deltagare {code}", "en": "Participant {code}"},
    "tui.detail_info": {
        "sv": "{insats} · {gender} · {status} · nivå {level} · {days} dagar i insatsen",
        "en": "{insats} · {gender} · {status} · level {level} · {days} days in the insats",
    },
    "tui.detail_chart_title": {"sv": "Nivå över tid", "en": "Level over time"},
    "tui.detail_key_returning": {
        "sv": "Ny ansökan (återkommande deltagare)",
        "en": "New application (returning participant)",
    },
    "tui.detail_episode": {
        "sv": "Omgång {number}: {opened} – {closed} · {status}",
        "en": "Episode {number}: {opened} – {closed} · {status}",
    },
    "tui.detail_chart_empty": {
        "sv": "Ingen nivå registrerad ännu.",
        "en": "No level registered yet.",
    },
    "tui.detail_col_seq": {"sv": "Nr", "en": "No."},
    "tui.detail_col_date": {"sv": "Datum", "en": "Date"},
    "tui.detail_col_kind": {"sv": "Händelse", "en": "Event"},
    "tui.detail_col_details": {"sv": "Uppgifter", "en": "Details"},
    "tui.detail_col_recorded": {"sv": "Registrerad", "en": "Recorded"},
    "tui.detail_replaced": {"sv": "ersatt", "en": "replaced"},
    "tui.detail_retracted": {"sv": "makulerad", "en": "retracted"},
    "tui.detail_level": {"sv": "nivå {level}", "en": "level {level}"},
    "tui.detail_handover": {"sv": "till ordinarie insats", "en": "to an ordinary intervention"},
    "tui.detail_months": {"sv": "{months} mån", "en": "{months} months"},
    "tui.detail_not_made": {"sv": "ej genomförd: {reason}", "en": "not made: {reason}"},
    "tui.detail_corrects": {
        "sv": "rättar nr {seq} ({reason}): {details}",
        "en": "corrects no. {seq} ({reason}): {details}",
    },
    "tui.detail_retracts": {
        "sv": "makulerar nr {seq} ({reason})",
        "en": "retracts no. {seq} ({reason})",
    },
    # Follow-ups due
    "tui.followups_title": {"sv": "Att följa upp", "en": "Follow-ups due"},
    "tui.followups_col_code": {"sv": "Kod", "en": "Code"},
    "tui.followups_col_insats": {"sv": "Insats", "en": "Insats"},
    "tui.followups_col_exit": {"sv": "Avslut", "en": "Exit"},
    "tui.followups_col_months": {"sv": "Uppföljning", "en": "Follow-up"},
    "tui.followups_col_due": {"sv": "Förfaller", "en": "Due"},
    "tui.followups_col_state": {"sv": "Läge", "en": "State"},
    "tui.followups_overdue": {"sv": "försenad {days} d", "en": "{days} d overdue"},
    "tui.followups_in_days": {"sv": "om {days} d", "en": "in {days} d"},
    "tui.followups_from": {"sv": "från {date}", "en": "from {date}"},
    "tui.followups_today": {"sv": "idag", "en": "today"},
    "tui.followups_empty": {
        "sv": "Inga uppföljningar att göra de närmaste {days} dagarna.",
        "en": "No follow-ups due in the next {days} days.",
    },
    "tui.followups_count": {
        "sv": "{count} att göra: förfaller inom {days} dagar eller är försenade",
        "en": "{count} to do: due in {days} days or overdue",
    },
    # --- reports: suppression, bundle, verify (tracker report, tracker verify) -------------
    "report.threshold_invalid": {
        "sv": "Tröskeln måste vara ett heltal mellan {minimum} och {maximum}.",
        "en": "The threshold must be a whole number from {minimum} to {maximum}.",
    },
    "report.threshold_too_low": {
        "sv": "Tröskeln får aldrig vara lägre än {minimum}: mindre tal skulle kunna peka ut "
        "enskilda deltagare.",
        "en": "The threshold can never be below {minimum}: smaller counts could single out "
        "participants.",
    },
    "report.threshold_too_high": {
        "sv": "Tröskeln får vara högst {maximum}.",
        "en": "The threshold can be at most {maximum}.",
    },
    "report.forbund_empty": {
        "sv": "Förbundets namn får inte vara tomt.",
        "en": "The förbund's name must not be empty.",
    },
    "report.forbund_too_long": {
        "sv": "Förbundets namn får vara högst {maximum} tecken.",
        "en": "The förbund's name can be at most {maximum} characters.",
    },
    # --- reports: the förbund's name as a register setting (tracker forbund) ---
    "report.forbund_formula": {
        "sv": "Förbundets namn får inte börja med {sign} (ett kalkylprogram läser det som en formel).",
        "en": "The förbund's name must not start with {sign} (a spreadsheet reads it as a formula).",
    },
    "report.forbund_show": {
        "sv": "Förbundets namn i rapporterna: {forbund}",
        "en": "The förbund's name in the reports: {forbund}",
    },
    "report.forbund_unset": {
        "sv": 'Förbundets namn är inte satt. En samordnare sätter det med: tracker forbund set "NAMN"',
        "en": 'The förbund\'s name is not set. A coordinator sets it with: tracker forbund set "NAME"',
    },
    "report.forbund_set_done": {
        "sv": "Förbundets namn är nu {forbund}. Ändringen är loggad.",
        "en": "The förbund's name is now {forbund}. The change is logged.",
    },
    "report.help_forbund_show": {
        "sv": "visa förbundets namn som står i rapporterna; forbund set ändrar det",
        "en": "show the förbund's name the reports carry; forbund set changes it",
    },
    "report.help_forbund_set": {
        "sv": "sätt förbundets namn för rapporternas titelsida (bara samordnare; loggas)",
        "en": "set the förbund's name for the reports' title page (coordinators only; logged)",
    },
    "report.help_forbund_name": {
        "sv": 'förbundets namn, till exempel "Samordningsförbundet Västra Mälardalen"',
        "en": 'the förbund\'s name, for example "Samordningsförbundet Västra Mälardalen"',
    },
    "report.unsuppressed_refused": {
        "sv": "{user} ({role}) får inte ta ut en rapport utan skydd av små tal; det får bara "
        "samordnare och granskare.",
        "en": "{user} ({role}) may not export a report without small-count protection; only "
        "coordinators and reviewers may.",
    },
    "report.unknown_format": {
        "sv": "Okänt format: {format}. Välj bland: {formats}.",
        "en": "Unknown format: {format}. Choose from: {formats}.",
    },
    "report.help": {
        "sv": "skriv ett signerat rapportpaket (.zip) för en period",
        "en": "write a signed report bundle (.zip) for a period",
    },
    "report.help_period": {
        "sv": "perioden: 2026, 2026H1/H2, 2026T1…T3 (tertial), 2026Q1…Q4 eller 2026-01-01..2026-03-31",
        "en": "the period: 2026, 2026H1/H2, 2026T1…T3 (tertial), 2026Q1…Q4 or 2026-01-01..2026-03-31",
    },
    "report.help_from": {
        "sv": "periodens första dag (ÅÅÅÅ-MM-DD), med --to",
        "en": "the period's first day (YYYY-MM-DD), with --to",
    },
    "report.help_to": {
        "sv": "periodens sista dag (ÅÅÅÅ-MM-DD), med --from",
        "en": "the period's last day (YYYY-MM-DD), with --from",
    },
    "report.help_insats": {
        "sv": "bara denna insats (kan upprepas; standard: alla)",
        "en": "only this insats (repeatable; default: all)",
    },
    "report.help_format": {
        "sv": "format, kommaseparerade: xlsx,pdf,csv,json (standard: alla; report.json och "
        "manifestet följer alltid med)",
        "en": "formats, comma separated: xlsx,pdf,csv,json (default: all; report.json and the "
        "manifest are always included)",
    },
    "report.help_out": {
        "sv": "mapp att skriva paketet i (standard: exports)",
        "en": "folder to write the bundle to (default: exports)",
    },
    "report.help_no_suppression": {
        "sv": "utan skydd av små tal (INTERNT; bara samordnare och granskare; loggas)",
        "en": "without small-count protection (INTERNAL; coordinators and reviewers only; logged)",
    },
    "report.help_forbund": {
        "sv": "förbundets namn på titelsidan, bara för denna rapport (standard: registrets, se tracker forbund)",
        "en": "the förbund's name for the title page, for this report only (default: the register's, see tracker forbund)",
    },
    "report.progress": {"sv": "Rapport", "en": "Report"},
    "report.done": {
        "sv": "Rapportpaketet är skrivet: {path}",
        "en": "The report bundle is written: {path}",
    },
    "report.internal_warning": {
        "sv": "INTERNT: paketet har inget skydd av små tal och är inte för styrelsen.",
        "en": "INTERNAL: the bundle has no small-count protection and is not for the board.",
    },
    "report.bad_format_list": {
        "sv": "Ange format som en kommaseparerad lista, t.ex. xlsx,pdf.",
        "en": "Give the formats as a comma-separated list, e.g. xlsx,pdf.",
    },
    "report.help_suppression": {
        "sv": "visa tröskeln för skydd av små tal",
        "en": "show the small-count protection threshold",
    },
    "report.help_suppression_set": {
        "sv": "ändra tröskeln (bara samordnare; loggas)",
        "en": "change the threshold (coordinators only; logged)",
    },
    "report.help_threshold_value": {
        "sv": "den nya tröskeln (minst 3)",
        "en": "the new threshold (at least 3)",
    },
    "report.threshold_show": {
        "sv": "Tröskel för skydd av små tal: {threshold} (cellnyckelmetoden: antal från 1 till "
        "{below} visas aldrig som sig själva).",
        "en": "Small-count protection threshold: {threshold} (the cell-key method: counts 1 to "
        "{below} never appear as themselves).",
    },
    "report.threshold_set_done": {
        "sv": "Tröskeln är nu {threshold}. Ändringen är loggad.",
        "en": "The threshold is now {threshold}. The change is logged.",
    },
    "verify.no_file": {
        "sv": "Filen finns inte: {path}",
        "en": "No such file: {path}",
    },
    "verify.too_large": {
        "sv": "Filen är för stor för att vara ett rapportpaket: {path}",
        "en": "The file is too large to be a report bundle: {path}",
    },
    "verify.unreadable": {
        "sv": "Filen kan inte läsas: {path}",
        "en": "The file cannot be read: {path}",
    },
    "verify.not_a_zip": {
        "sv": "Filen är inget rapportpaket (ingen zip-fil): {path}",
        "en": "The file is not a report bundle (not a zip file): {path}",
    },
    "verify.unreadable_bundle": {
        "sv": "Rapportpaketet är skadat eller ofullständigt; kör tracker verify för detaljer: "
        "{path}",
        "en": "The report bundle is damaged or incomplete; run tracker verify for details: {path}",
    },
    "verify.pin_invalid": {
        "sv": "--key ska vara den publika nyckeln (base64) eller dess fingeravtryck, så som "
        "tracker key public skriver dem.",
        "en": "--key must be the public key (base64) or its fingerprint, as tracker key public "
        "prints them.",
    },
    "verify.zip_damaged": {
        "sv": "Zip-filens struktur är skadad: paketet kan inte läsas.",
        "en": "The zip file's structure is damaged: the bundle cannot be read.",
    },
    "verify.zip_overlapping": {
        "sv": "Zip-filens delar överlappar varandra eller är större än filen: paketet är manipulerat och kontrolleras inte.",
        "en": "The zip file's members overlap or claim more than the file holds: the bundle was tampered with and is not checked.",
    },
    "verify.member_duplicate": {
        "sv": "{member}: finns två gånger i paketet.",
        "en": "{member}: appears twice in the bundle.",
    },
    "verify.member_damaged": {
        "sv": "{member}: filen är skadad och kan inte läsas.",
        "en": "{member}: the file is damaged and cannot be read.",
    },
    "verify.member_missing": {
        "sv": "{member}: saknas i paketet.",
        "en": "{member}: missing from the bundle.",
    },
    "verify.member_extra": {
        "sv": "{member}: finns i paketet men inte i manifestet (tillagd efteråt).",
        "en": "{member}: in the bundle but not in the manifest (added afterwards).",
    },
    "verify.member_changed": {
        "sv": "{member}: innehållet stämmer inte med manifestets kontrollsumma (ändrad).",
        "en": "{member}: the content does not match the manifest's checksum (changed).",
    },
    "verify.manifest_invalid": {
        "sv": "{member}: manifestet är inte ett giltigt tracker-manifest.",
        "en": "{member}: the manifest is not a valid tracker manifest.",
    },
    "verify.signature_invalid": {
        "sv": "{member}: signaturen stämmer inte med manifest.json (manifestet eller signaturen "
        "är ändrad).",
        "en": "{member}: the signature does not match manifest.json (the manifest or the "
        "signature was changed).",
    },
    "verify.key_mismatch": {
        "sv": "{member}: paketet är signerat med en annan nyckel ({fingerprint}) än den angivna.",
        "en": "{member}: the bundle is signed with another key ({fingerprint}) than the one given.",
    },
    "verify.report_mismatch": {
        "sv": "{member}: rapporten anger inte samma period, insatser, granskningspunkt eller "
        "tröskel som manifestet.",
        "en": "{member}: the report does not state the same period, insatser, audit head or "
        "threshold as the manifest.",
    },
    "verify.container_changed": {
        "sv": "Zip-filen: alla filer är oförändrade, men zip-filens rubriker eller katalog är "
        "ändrade.",
        "en": "The zip file: every file is unchanged, but the zip's headers or directory were "
        "changed.",
    },
    "verify.help": {
        "sv": "kontrollera ett rapportpakets signatur och filer (kräver ingen lösenfras)",
        "en": "check a report bundle's signature and files (needs no passphrase)",
    },
    "verify.help_bundle": {"sv": "rapportpaketet (.zip)", "en": "the report bundle (.zip)"},
    "verify.help_key": {
        "sv": "kräv denna publika nyckel (base64) eller detta fingeravtryck",
        "en": "require this public key (base64) or this fingerprint",
    },
    "verify.ok": {
        "sv": "Rapportpaketet är oförändrat och signerat: {path}",
        "en": "The report bundle is unchanged and signed: {path}",
    },
    "verify.failed": {
        "sv": "Kontrollen misslyckades ({count} fel): {path}",
        "en": "The check failed ({count} problems): {path}",
    },
    "verify.signer": {
        "sv": "Signerad av nyckel: {fingerprint}",
        "en": "Signed by key: {fingerprint}",
    },
    "verify.signer_rotated": {
        "sv": "Signerad av nyckel: {fingerprint}, efterträdare till den angivna (registernyckeln "
        "har bytts när en samordnare slutade; varje byte är signerat av nyckeln före). Spara "
        "det nya fingeravtrycket.",
        "en": "Signed by key: {fingerprint}, successor of the given one (the register key was "
        "replaced when a coordinator left; each hand-over is signed by the key before). Pin "
        "the new fingerprint.",
    },
    "verify.signer_pinned": {
        "sv": "Signerad av nyckel: {fingerprint} (den angivna nyckeln)",
        "en": "Signed by key: {fingerprint} (the key given)",
    },
    "verify.period": {
        "sv": "Period: {label} ({first} – {last})",
        "en": "Period: {label} ({first} – {last})",
    },
    "verify.insatser": {"sv": "Insatser: {insatser}", "en": "Insatser: {insatser}"},
    "verify.forbund": {"sv": "Förbund: {forbund}", "en": "Förbund: {forbund}"},
    "verify.audit_head": {
        "sv": "Granskningspunkt: händelse nr {seq}, {hash}",
        "en": "Audit head: event no. {seq}, {hash}",
    },
    "verify.threshold": {
        "sv": "Skydd av små tal: tröskel {threshold}",
        "en": "Small-count protection: threshold {threshold}",
    },
    "verify.internal": {
        "sv": "INTERNT: utan skydd av små tal, inte för styrelsen",
        "en": "INTERNAL: without small-count protection, not for the board",
    },
    "verify.preliminary": {
        "sv": "PRELIMINÄR: perioden var inte slut när paketet skapades",
        "en": "PRELIMINARY: the period had not ended when the bundle was made",
    },
    "verify.generated": {"sv": "Skapad: {moment}", "en": "Created: {moment}"},
    "verify.files": {
        "sv": "Filer: {count} kontrollerade mot manifestet",
        "en": "Files: {count} checked against the manifest",
    },
    "verify.demo": {
        "sv": "DEMO: påhittade uppgifter från ett demoregister",
        "en": "DEMO: made-up data from a demo register",
    },
    # --- reports: tables, csv, xlsx ---------------------------------------------------------
    "tables.col.total": {"sv": "Totalt", "en": "Total"},
    "tables.col.target": {"sv": "Mål", "en": "Goal"},
    "tables.col.result": {"sv": "Resultat {label}", "en": "Result {label}"},
    "tables.col.met": {"sv": "Uppnått", "en": "Met"},
    "tables.col.comparison_result": {
        "sv": "Jämförelseperiod {label}",
        "en": "Comparison period {label}",
    },
    # --- reports: whose goals (set by a coordinator, or the tool's defaults) ---
    "tables.col.goal_source": {"sv": "Källa", "en": "Source"},
    "tables.goal_source.set": {"sv": "styrelsens mål", "en": "the board's goal"},
    "tables.goal_source.default": {
        "sv": "standardmål (ej beslutat av styrelsen)",
        "en": "default goal (not decided by the board)",
    },
    "tables.goals.title_default": {
        "sv": "Standardmål (ej beslutade av styrelsen) och resultat",
        "en": "Default goals (not decided by the board) and results",
    },
    "tables.goals.title_mixed": {
        "sv": "Mål och resultat (styrelsens mål och standardmål)",
        "en": "Goals and results (the board's goals and default goals)",
    },
    "tables.goal_row_default": {
        "sv": "Standardmål (ej beslutat av styrelsen)",
        "en": "Default goal (not decided by the board)",
    },
    "tables.flow.title": {"sv": "Periodens flöde", "en": "The period's flow"},
    "tables.flow.index": {"sv": "Mått", "en": "Metric"},
    "tables.flow.definition": {
        "sv": "Antal deltagare per steg under perioden: kontakter (ärenden som pågick någon gång under perioden), nya ansökningar, nya inskrivna, ej startade, inskrivna, pågående vid periodens slut och avslutade.",
        "en": "Participants at each stage during the period: contacts (cases open at some time in the period), new applications, newly enrolled, not started, enrolled, active at the end of the period and exits.",
    },
    "tables.step_up.title": {"sv": "Stegförflyttning vid avslut", "en": "Step up at exit"},
    "tables.step_up.index": {"sv": "Mått", "en": "Metric"},
    "tables.step_up.definition": {
        "sv": "Avslut med både start- och avslutsnivå (mätbara avslut), de av dem som slutade på en högre nivå än de började, och andelen.",
        "en": "Exits with both a start and an exit level (measurable exits), those among them that ended on a higher level than they started, and the share.",
    },
    "tables.exits_by_destination.title": {
        "sv": "Sysselsättning vid avslut",
        "en": "Destination at exit",
    },
    "tables.exits_by_destination.index": {"sv": "Sysselsättning", "en": "Destination"},
    "tables.exits_by_destination.definition": {
        "sv": "Avslutade under perioden per sysselsättning vid avslut; raderna summerar till antalet avslutade.",
        "en": "Exits during the period by destination at exit; the rows add up to the number of exits.",
    },
    "tables.destination_shares.title": {
        "sv": "Andel av avslutade per sysselsättning",
        "en": "Share of exits by destination",
    },
    "tables.destination_shares.index": {"sv": "Sysselsättning", "en": "Destination"},
    "tables.destination_shares.definition": {
        "sv": "Avslutade med en viss sysselsättning delat med alla avslutade under perioden.",
        "en": "Exits to a destination divided by all exits during the period.",
    },
    "tables.exits_by_kind.title": {"sv": "Avslutstyp", "en": "Kind of exit"},
    "tables.exits_by_kind.index": {"sv": "Avslutstyp", "en": "Kind"},
    "tables.exits_by_kind.definition": {
        "sv": "Avslutade under perioden per avslutstyp: enligt plan eller avbrutna.",
        "en": "Exits during the period by kind: ended as planned or discontinued.",
    },
    "tables.handover.title": {
        "sv": "Överlämning till ordinarie insats",
        "en": "Handover to an ordinary intervention",
    },
    "tables.handover.index": {"sv": "Mått", "en": "Metric"},
    "tables.handover.definition": {
        "sv": "Avslutade under perioden som vid avslutet lämnades över till en ordinarie insats hos en part, och deras andel av alla avslutade.",
        "en": "Exits during the period handed over to an ordinary intervention at a party, and their share of all exits.",
    },
    "tables.followups.title": {
        "sv": "Uppföljningar efter 6 och 18 månader",
        "en": "Follow-ups after 6 and 18 months",
    },
    "tables.followups.index": {"sv": "Mått", "en": "Metric"},
    "tables.followups.definition": {
        "sv": "Uppföljningar daterade under perioden, de som visar samma nivå som vid avslut eller högre och andelen; saknade: avslut vars uppföljning skulle ha gjorts under perioden men inte är registrerad.",
        "en": "Follow-ups dated in the period, those showing the exit level or higher and the share; missing: exits whose follow-up fell due in the period but is not registered.",
    },
    "tables.not_started_by_reason.title": {
        "sv": "Orsaker till att insatsen inte startade",
        "en": "Reasons for not starting",
    },
    "tables.not_started_by_reason.index": {"sv": "Orsak", "en": "Reason"},
    "tables.not_started_by_reason.definition": {
        "sv": "Ansökningar som under perioden avslutades utan start, per orsak; raderna summerar till antalet ej startade.",
        "en": "Applications closed without a start during the period, by reason; the rows add up to the number not started.",
    },
    "tables.referrers.title": {"sv": "Remittenter", "en": "Referrers"},
    "tables.referrers.index": {"sv": "Remittent", "en": "Referrer"},
    "tables.referrers.definition": {
        "sv": "Nya ansökningar under perioden per remitterande part.",
        "en": "New applications during the period by referring party.",
    },
    "tables.days_in_insats.title": {"sv": "Tid i insatsen", "en": "Time in the intervention"},
    "tables.days_in_insats.index": {"sv": "Mått", "en": "Metric"},
    "tables.days_in_insats.definition": {
        "sv": "Median av antal dagar från start till avslut för deltagare som avslutades under perioden.",
        "en": "Median number of days from start to exit for participants who exited during the period.",
    },
    "tables.goals.title": {
        "sv": "Styrelsens mål och resultat",
        "en": "The board's goals and results",
    },
    "tables.goals.index": {"sv": "Mått", "en": "Metric"},
    "tables.goals.definition": {
        "sv": "Målen för andelarna, periodens resultat, om målet nåddes, samma andel under jämförelseperioden (samma period ett år tidigare) och vem som satt målet: styrelsen (satt av en samordnare) eller programmets standardmål, som ingen har beslutat.",
        "en": "The goals for the shares, the period's result, whether the goal was met, the same share in the comparison period (the same period one year earlier) and who set the goal: the board (set by a coordinator) or the tool's default, which nobody decided.",
    },
    "tables.comparison.title": {
        "sv": "Jämförelseperiod {label}",
        "en": "Comparison period {label}",
    },
    "tables.comparison.index": {"sv": "Mått", "en": "Metric"},
    "tables.comparison.definition": {
        "sv": "Huvudtalen för samma period ett år tidigare, beräknade på samma sätt.",
        "en": "The main figures of the same period one year earlier, computed the same way.",
    },
    # --- reports: Uppföljning Finsam (year bundles) ---
    "tables.finsam.title": {
        "sv": "Uppföljning Finsam: deltagare per insats och kön under året",
        "en": "Uppföljning Finsam: participants per insats and gender during the year",
    },
    "tables.finsam.index": {"sv": "Insats och deltagare", "en": "Insats and participants"},
    "tables.finsam.definition": {
        "sv": "Per insats och kalenderår: nya deltagare (startade under året) och aktiva deltagare (inskrivna någon gång under året), per kön, som deltagaransvarig för in dem i Försäkringskassans nationella uppföljning av finansiell samordning. Skyddade som rapportens andra antal.",
        "en": "Per insats and calendar year: new participants (started during the year) and active participants (enrolled at some time during the year), by gender, as a deltagaransvarig enters them in Försäkringskassan's national follow-up of financial coordination. Protected like the report's other counts.",
    },
    "tables.finsam.new": {"sv": "{insats}: nya under året", "en": "{insats}: new during the year"},
    "tables.finsam.active": {
        "sv": "{insats}: aktiva under året",
        "en": "{insats}: active during the year",
    },
    "tables.finsam.new_all": {
        "sv": "Alla insatser: nya under året",
        "en": "All insatser: new during the year",
    },
    "tables.finsam.active_all": {
        "sv": "Alla insatser: aktiva under året",
        "en": "All insatser: active during the year",
    },
    "tables.finsam.sheet": {"sv": "Uppföljning Finsam", "en": "Uppföljning Finsam"},
    "tables.flow.sheet": {"sv": "Flöde", "en": "Flow"},
    "tables.step_up.sheet": {"sv": "Stegförflyttning", "en": "Step up"},
    "tables.exits_by_destination.sheet": {"sv": "Sysselsättning vid avslut", "en": "Destinations"},
    "tables.destination_shares.sheet": {
        "sv": "Andel per sysselsättning",
        "en": "Destination shares",
    },
    "tables.exits_by_kind.sheet": {"sv": "Avslutstyp", "en": "Kind of exit"},
    "tables.handover.sheet": {"sv": "Ordinarie insats", "en": "Handover"},
    "tables.followups.sheet": {"sv": "Uppföljningar", "en": "Follow-ups"},
    "tables.not_started_by_reason.sheet": {"sv": "Ej startade", "en": "Not started"},
    "tables.referrers.sheet": {"sv": "Remittenter", "en": "Referrers"},
    "tables.days_in_insats.sheet": {"sv": "Tid i insatsen", "en": "Time in intervention"},
    "tables.goals.sheet": {"sv": "Mål", "en": "Goals"},
    "tables.comparison.sheet": {"sv": "Jämförelseperiod", "en": "Comparison period"},
    # xlsx: every sheet
    "tables.sheet_period": {
        "sv": "Period {period} · {insatser}",
        "en": "Period {period} · {insatser}",
    },
    "tables.mark.demo": {
        "sv": "DEMO: påhittade uppgifter ur ett demoregister, inga riktiga deltagare.",
        "en": "DEMO: made-up data from a demo register, no real participants.",
    },
    "tables.mark.internal": {
        "sv": "INTERNT: små tal visas oskyddade. Lämnas inte till styrelsen och publiceras inte.",
        "en": "INTERNAL: small counts are not suppressed. Not for the board, not for publication.",
    },
    "tables.mark.internal_short": {"sv": "INTERNT", "en": "INTERNAL"},
    "tables.mark.preliminary": {
        "sv": "PRELIMINÄR: perioden slutar {last} och är inte slut; siffrorna kan ändras.",
        "en": "PRELIMINARY: the period ends {last} and has not ended; the figures may change.",
    },
    "tables.mark.preliminary_short": {"sv": "PRELIMINÄR", "en": "PRELIMINARY"},
    # xlsx: charts
    "tables.chart.flow": {"sv": "Periodens flöde per kön", "en": "The period's flow by gender"},
    "tables.chart.destinations": {
        "sv": "Sysselsättning vid avslut per kön",
        "en": "Destination at exit by gender",
    },
    "tables.chart.step_up": {
        "sv": "Andel avslut med stegförflyttning mot målet",
        "en": "Share of exits with a step up against the goal",
    },
    "tables.axis.people": {"sv": "Antal personer", "en": "Number of people"},
    "tables.axis.gender": {"sv": "Kön", "en": "Gender"},
    "tables.axis.share": {"sv": "Andel (%)", "en": "Share (%)"},
    "tables.goal_row": {
        "sv": "Styrelsens mål (gäller alla)",
        "en": "The board's goal (for everyone)",
    },
    # xlsx: the "Om rapporten" sheet
    "tables.about.sheet": {"sv": "Om rapporten", "en": "About the report"},
    "tables.about.title": {"sv": "Om rapporten", "en": "About the report"},
    "tables.about.what_label": {"sv": "Rapport", "en": "Report"},
    "tables.about.what": {
        "sv": "Rapport till styrelsen: deltagarnas flöde och resultat i samordningsteamens insatser, beräknade ur registret.",
        "en": "Report to the board: the participants' flow and results in the coordination teams' interventions, computed from the register.",
    },
    "tables.about.forbund": {"sv": "Samordningsförbund", "en": "Coordination association"},
    "tables.about.period": {"sv": "Period", "en": "Period"},
    "tables.about.comparison_period": {"sv": "Jämförelseperiod", "en": "Comparison period"},
    "tables.about.insatser": {"sv": "Insatser", "en": "Interventions"},
    "tables.about.generated_at": {"sv": "Skapad", "en": "Generated"},
    "tables.about.suppression": {"sv": "Skydd av små tal", "en": "Small-count protection"},
    # One sentence, the same in the PDF, the XLSX and the Reports screen's preview.
    "report.protection": {
        "sv": "Talen är avrundade och skyddade (cellnyckelmetoden, som hos SCB): varje antal "
        "kan avvika högst ±{spread} från det verkliga, antal från 1 till {below} visas aldrig "
        "som sig själva, andelar och mål räknas på de skyddade talen, och .. står där gruppen "
        "är för liten (under {base}) för att delas upp.",
        "en": "The figures are rounded and protected (the cell-key method, as at Statistics "
        "Sweden): each count may differ by at most ±{spread} from the true one, counts from 1 "
        "to {below} never appear as themselves, shares and goals are computed from the "
        "protected counts, and .. stands where a group is too small (below {base}) to be "
        "broken down.",
    },
    "tables.about.internal": {
        "sv": "INTERNT: inga tal är dolda. Endast för samordnare och granskare.",
        "en": "INTERNAL: no count is hidden. For coordinators and reviewers only.",
    },
    "tables.about.audit_head": {"sv": "Granskningspunkt", "en": "Audit log head"},
    "tables.about.audit_head_value": {
        "sv": "händelse {seq}, hash {hash}",
        "en": "event {seq}, hash {hash}",
    },
    "tables.about.signer": {
        "sv": "Signeringsnyckelns fingeravtryck",
        "en": "Signing key fingerprint",
    },
    "tables.about.tool_version": {"sv": "Programversion", "en": "Tool version"},
    "tables.about.database_id": {"sv": "Registrets id", "en": "Register id"},
    "tables.about.verify_label": {"sv": "Kontroll", "en": "Verification"},
    "tables.about.verify": {
        "sv": "Siffrorna är beräknade ur registret till och med granskningspunkten ovan. Kontrollera paketets signatur med: tracker verify PAKET.zip",
        "en": "The figures are computed from the register up to the audit log head above. Check the bundle's signature with: tracker verify BUNDLE.zip",
    },
    "tables.about.marks": {"sv": "Tecken i tabellerna", "en": "Marks in the tables"},
    "tables.about.mark_zero": {"sv": "ingen person", "en": "no one"},
    "tables.about.mark_zero_protected": {
        "sv": "ingen, eller högst {largest} personer (skyddat värde)",
        "en": "no one, or at most {largest} people (a protected value)",
    },
    "tables.about.mark_hidden": {
        "sv": "visas inte: gruppen kan vara så liten att uppdelningen skulle beskriva enskilda",
        "en": "not shown: the group may be so small that the breakdown would describe individuals",
    },
    "tables.about.mark_none": {
        "sv": "inget värde (till exempel en andel av noll avslut)",
        "en": "no value (for example a share of zero exits)",
    },
    "tables.about.definitions": {"sv": "Definitioner", "en": "Definitions"},
    # --- reports: pdf -----------------------------------------------------------------------
    "pdf.kind.half": {"sv": "Halvårsrapport", "en": "Half-year report"},
    "pdf.kind.year": {"sv": "Helårsrapport", "en": "Annual report"},
    "pdf.kind.quarter": {"sv": "Kvartalsrapport", "en": "Quarterly report"},
    "pdf.kind.tertial": {"sv": "Tertialrapport", "en": "Four-month report"},
    "pdf.banner.preliminary": {
        "sv": "PRELIMINÄR – perioden slutar {last} och är inte slut; siffrorna kan ändras",
        "en": "PRELIMINARY – the period ends {last} and has not ended; the figures may change",
    },
    "pdf.kind.other": {"sv": "Rapport", "en": "Report"},
    "pdf.period": {"sv": "{label} ({first} – {last})", "en": "{label} ({first} – {last})"},
    "pdf.fact.insatser": {"sv": "Insatser", "en": "Interventions"},
    "pdf.fact.comparison": {"sv": "Jämförelseperiod", "en": "Comparison period"},
    "pdf.fact.generated": {"sv": "Skapad", "en": "Generated"},
    "pdf.fact.as_of": {"sv": "Underlag", "en": "Source"},
    "pdf.as_of": {
        "sv": "registret till och med händelse {seq} i revisionsloggen",
        "en": "the register up to event {seq} of the audit log",
    },
    "pdf.fact.suppression": {"sv": "Små tal", "en": "Small counts"},
    "pdf.suppression_on": {
        "sv": "skyddade med cellnyckelmetoden (tröskel {threshold}, högst ±{spread})",
        "en": "protected by the cell-key method (threshold {threshold}, at most ±{spread})",
    },
    "pdf.protection_footer": {
        "sv": "Avrundat och skyddat: varje antal kan avvika högst ±{spread} från det verkliga; "
        ".. = gruppen för liten för att delas upp.",
        "en": "Rounded and protected: each count may differ by at most ±{spread} from the "
        "true one; .. = group too small to break down.",
    },
    "pdf.suppression_off": {
        "sv": "visas oskyddade (INTERNT, inte för styrelsen)",
        "en": "shown unprotected (INTERNAL, not for the board)",
    },
    "pdf.fact.signer": {"sv": "Signeringsnyckel", "en": "Signing key"},
    "pdf.reading_guide_title": {"sv": "Så läser du rapporten", "en": "How to read the report"},
    "pdf.reading_guide": {
        "sv": "Varje avsnitt har ett diagram, en tabell per kön och en rad som förklarar måttet. "
        "Andelar är i procent av nämnaren i samma kolumn; – betyder att underlag saknas. "
        "Rapporten är signerad: sidfoten visar signeringsnyckelns fingeravtryck, som en "
        "granskare kan jämföra med tracker verify.",
        "en": "Each section has a chart, a table by gender and one line explaining the measure. "
        "Shares are percentages of the denominator in the same column; – means no data. "
        "The report is signed: the footer shows the signing key's fingerprint, which a "
        "reviewer can compare with tracker verify.",
    },
    "pdf.banner.demo": {
        "sv": "DEMO – påhittade uppgifter, inga verkliga deltagare",
        "en": "DEMO – made-up data, no real participants",
    },
    "pdf.banner.internal": {
        "sv": "INTERNT – små tal visas oskyddade, inte för styrelsen",
        "en": "INTERNAL – small counts are not suppressed, not for the board",
    },
    "pdf.watermark.demo": {"sv": "DEMO", "en": "DEMO"},
    "pdf.watermark.internal": {"sv": "INTERNT", "en": "INTERNAL"},
    "pdf.footer": {
        "sv": "Sida {page}/{pages} · Signeringsnyckelns fingeravtryck {fingerprint} · "
        "Skapad {generated}",
        "en": "Page {page}/{pages} · Signing key fingerprint {fingerprint} · Generated {generated}",
    },
    "pdf.continued": {"sv": "{title} (forts.)", "en": "{title} (cont.)"},
    "pdf.summary.title": {"sv": "Sammanfattning", "en": "Summary"},
    "pdf.summary.intro": {
        "sv": "Styrelsens mål mot resultatet {period} och samma period året innan ({comparison}).",
        "en": "The board's goals against the result for {period} and the same period a year "
        "earlier ({comparison}).",
    },
    "pdf.summary.intro_default": {
        "sv": "Målen mot resultatet {period} och samma period året innan ({comparison}). Standardmål är programmets förval, inte beslutade av styrelsen; en samordnare sätter styrelsens mål med tracker goals set.",
        "en": "The goals against the result for {period} and the same period a year earlier ({comparison}). Default goals are the tool's presets, not decided by the board; a coordinator sets the board's goals with tracker goals set.",
    },
    "pdf.summary.key_figures": {"sv": "Nyckeltal, totalt", "en": "Key figures, total"},
    "pdf.col.goal": {"sv": "Mål", "en": "Goal"},
    "pdf.col.target": {"sv": "Målvärde", "en": "Target"},
    "pdf.col.result": {"sv": "Resultat {label}", "en": "Result {label}"},
    "pdf.col.met": {"sv": "Uppnått", "en": "Met"},
    "pdf.col.comparison": {"sv": "Jämförelseperiod {label}", "en": "Comparison period {label}"},
    "pdf.col.metric": {"sv": "Mått", "en": "Measure"},
    "pdf.section.flow": {"sv": "Periodens flöde", "en": "The period's flow"},
    "pdf.section.step_up": {
        "sv": "Stegförflyttning mot målet",
        "en": "Step up against the goal",
    },
    "pdf.section.destinations": {
        "sv": "Sysselsättning vid avslut, per kön",
        "en": "Destinations at exit, by gender",
    },
    "pdf.section.followups": {
        "sv": "Uppföljning 6 och 18 månader efter avslut",
        "en": "Follow-up 6 and 18 months after exit",
    },
    "pdf.section.reasons": {
        "sv": "Orsaker till att deltagare inte startade",
        "en": "Reasons participants did not start",
    },
    "pdf.chart.flow": {
        "sv": "Kontakter → inskrivna / ej startade → avslut",
        "en": "Contacts → started / not started → exits",
    },
    "pdf.chart.step_up": {
        "sv": "Andel avslut med stegförflyttning, per kön",
        "en": "Share of exits with a step up, by gender",
    },
    "pdf.chart.destinations": {
        "sv": "Avslutade per sysselsättning och kön",
        "en": "Exits by destination and gender",
    },
    "pdf.chart.followups": {
        "sv": "Andel kvar på samma nivå eller högre, per kön",
        "en": "Share at the same level or higher, by gender",
    },
    "pdf.chart.reasons": {
        "sv": "Ej startade per orsak, totalt",
        "en": "Not started by reason, total",
    },
    "pdf.axis.people": {"sv": "Antal personer", "en": "Number of people"},
    "pdf.axis.share": {"sv": "Andel (%)", "en": "Share (%)"},
    "pdf.goal_line": {"sv": "Mål {target}", "en": "Goal {target}"},
    "pdf.goal_marker": {"sv": "Mål", "en": "Goal"},
    "pdf.goal_line_default": {
        "sv": "Standardmål {target} (ej beslutat av styrelsen)",
        "en": "Default goal {target} (not decided by the board)",
    },
    "pdf.goal_marker_default": {
        "sv": "Standardmål (ej beslutat av styrelsen)",
        "en": "Default goal (not decided by the board)",
    },
    "pdf.followup.6m": {"sv": "6 mån", "en": "6 months"},
    "pdf.followup.18m": {"sv": "18 mån", "en": "18 months"},
    "pdf.note.hidden": {
        "sv": "{mark} = dolt för att skydda enskilda; dolda värden ritas inte i diagrammet.",
        "en": "{mark} = hidden to protect individuals; hidden values are not drawn.",
    },
    "pdf.note.empty": {
        "sv": "– = inget underlag (ingen i nämnaren); ingen stapel ritas.",
        "en": "– = no data (nobody in the denominator); no bar is drawn.",
    },
    "pdf.more_tables": {"sv": "Fler tabeller", "en": "More tables"},
    # --- reports: recount (tracker audit recount) -------------------------------------------
    "recount.help": {
        "sv": "räkna om ett rapportpaket ur registret och jämför varje cell",
        "en": "recount a report bundle from the register and compare every cell",
    },
    "recount.help_bundle": {"sv": "rapportpaketet (.zip)", "en": "the report bundle (.zip)"},
    "recount.no_file": {
        "sv": "Rapportpaketet {path} finns inte.",
        "en": "The report bundle {path} does not exist.",
    },
    "recount.bundle_invalid": {
        "sv": "Rapportpaketet kunde inte verifieras.",
        "en": "The report bundle could not be verified.",
    },
    "recount.other_key": {
        "sv": "Rapportpaketet är inte signerat med det här registrets nyckel (registrets "
        "fingeravtryck: {fingerprint}).",
        "en": "The report bundle is not signed with this register's key (the register's "
        "fingerprint: {fingerprint}).",
    },
    "recount.members_heading": {
        "sv": "Det styrelsen läser stämmer inte med report.json eller registrets logg ({count}):",
        "en": "What the board reads does not match report.json or the register's log ({count}):",
    },
    "recount.not_exported": {
        "sv": "Registret har ingen loggad export av just det här rapportpaketet ({member} "
        "finns inte bland registrets exporter): paketet är inte gjort av tracker ur det här "
        "registret.",
        "en": "The register has no logged export of this very report bundle ({member} is not "
        "among the register's exports): the bundle was not made by tracker from this "
        "register.",
    },
    "recount.member_differs": {
        "sv": "{member} säger inte samma sak som report.json (omritad ur report.json blir den "
        "en annan): det styrelsen läser har ändrats.",
        "en": "{member} does not say what report.json says (rendered again from report.json "
        "it comes out different): what the board reads was changed.",
    },
    "recount.other_version": {
        "sv": "Rapportpaketet gjordes med tracker {version}; filerna kan bara ritas om och "
        "jämföras med samma version. Räkna om med tracker {version}.",
        "en": "The report bundle was made with tracker {version}; its files can only be "
        "rendered again and compared with the same version. Recount with tracker {version}.",
    },
    "recount.other_database": {
        "sv": "Rapportpaketet kommer från en annan databas än den här (databas-id skiljer sig).",
        "en": "The report bundle comes from another database than this one (the database "
        "ids differ).",
    },
    "recount.report_unreadable": {
        "sv": "report.json saknar period, insatser, granskningspunkt eller skydd av små tal "
        "och kan inte räknas om.",
        "en": "report.json lacks its period, insatser, audit head or suppression and cannot "
        "be recounted.",
    },
    "recount.chain_broken": {
        "sv": "Revisionsloggens kedja är bruten vid händelse {seq}: {problem}",
        "en": "The audit chain is broken at event {seq}: {problem}",
    },
    "recount.head_missing": {
        "sv": "Registret saknar rapportens granskningspunkt: händelse {seq} finns inte "
        "(den senaste är {last}). Historiken har kortats av.",
        "en": "The register lacks the report's audit head: event {seq} does not exist "
        "(the newest is {last}). The history has been truncated.",
    },
    "recount.head_rewritten": {
        "sv": "Händelse {seq} har inte samma kedjehash som rapportens granskningspunkt. "
        "Historiken har skrivits om sedan rapporten togs fram.",
        "en": "Event {seq} does not have the chain hash of the report's audit head. "
        "The history has been rewritten since the report was made.",
    },
    "recount.place": {"sv": "{metric}, {column}", "en": "{metric}, {column}"},
    "recount.place_code": {
        "sv": "{metric} – {code}, {column}",
        "en": "{metric} – {code}, {column}",
    },
    "recount.place_goal": {"sv": "Mål för {metric}: {field}", "en": "Goal for {metric}: {field}"},
    "recount.place_comparison": {
        "sv": "Jämförelseperioden {period}: {place}",
        "en": "Comparison period {period}: {place}",
    },
    "recount.goal.target": {"sv": "målvärde", "en": "target"},
    "recount.goal.source": {"sv": "vem som satt målet", "en": "who set the goal"},
    "recount.goal.value": {"sv": "utfall", "en": "result"},
    "recount.goal.num": {"sv": "täljare", "en": "numerator"},
    "recount.goal.den": {"sv": "nämnare", "en": "denominator"},
    "recount.goal.met": {"sv": "uppnått", "en": "met"},
    "recount.goal.comparison_value": {
        "sv": "utfall i jämförelseperioden",
        "en": "result in the comparison period",
    },
    "recount.goal.comparison_met": {
        "sv": "uppnått i jämförelseperioden",
        "en": "met in the comparison period",
    },
    "recount.missing": {"sv": "saknas", "en": "missing"},
    "recount.kind.goals_set": {"sv": "Mål ändrat", "en": "Goal changed"},
    "recount.kind.code_list_set": {"sv": "Kodlista ändrad", "en": "Code list changed"},
    "recount.failed": {
        "sv": "Omräkningen kunde inte göras: rapportpaketet eller registret godtas inte.",
        "en": "The recount could not be made: the report bundle or the register is not accepted.",
    },
    "recount.heading": {
        "sv": "Omräkning av {path}: period {period} ({first}–{last}), {insatser}",
        "en": "Recount of {path}: period {period} ({first} to {last}), {insatser}",
    },
    "recount.checked": {
        "sv": "Signatur och filhashar stämmer; signerad med registrets nyckel {fingerprint}.",
        "en": "Signature and file hashes hold; signed with the register's key {fingerprint}.",
    },
    "recount.chain_ok": {
        "sv": "Revisionsloggens kedja är hel och innehåller rapportens granskningspunkt "
        "(händelse {seq}, {hash}).",
        "en": "The audit chain is whole and holds the report's audit head (event {seq}, {hash}).",
    },
    "recount.suppressed": {
        "sv": "Skydd av små tal: {method}, tröskel {threshold}.",
        "en": "Small-count protection: {method}, threshold {threshold}.",
    },
    "recount.method.cell-key": {"sv": "cellnyckelmetoden", "en": "the cell-key method"},
    "recount.method.threshold": {
        "sv": "små tal under tröskeln dolda (äldre paket)",
        "en": "threshold suppression (older bundles)",
    },
    "recount.unsuppressed": {
        "sv": "Rapporten är utan skydd av små tal (INTERNT).",
        "en": "The report is without small-count protection (INTERNAL).",
    },
    "recount.identical": {
        "sv": "Alla {count} celler i rapporten räknades om till samma värde per händelse {seq}.",
        "en": "All {count} cells of the report were recounted to the same value as of event {seq}.",
    },
    "recount.differences": {
        "sv": "Celler som skiljer sig från en omräkning per händelse {seq}: {count}",
        "en": "Cells that differ from a recount as of event {seq}: {count}",
    },
    "recount.difference_line": {
        "sv": "{place}: rapporten {reported}, omräknat {recounted}",
        "en": "{place}: the report {reported}, recounted {recounted}",
    },
    "recount.no_later_events": {
        "sv": "Inga händelser har registrerats efter granskningspunkten.",
        "en": "No events have been registered after the audit head.",
    },
    "recount.later_heading": {
        "sv": "Händelser registrerade efter granskningspunkten: {total} (till och med nr {seq}); "
        "av dem kan {touching} påverka perioden eller jämförelseperioden.",
        "en": "Events registered after the audit head: {total} (up to no. {seq}); "
        "{touching} of them can affect the period or the comparison period.",
    },
    "recount.later_changes": {
        "sv": "Celler som ändras räknat i dag (utan skydd av små tal): {count}",
        "en": "Cells that change when counted today (without small-count protection): {count}",
    },
    "recount.later_no_changes": {
        "sv": "Räknat i dag ändras ingen cell i rapporten.",
        "en": "Counted today, no cell of the report changes.",
    },
    "recount.later_change_line": {
        "sv": "{place}: {before} → {after}",
        "en": "{place}: {before} → {after}",
    },
    "recount.later_events": {
        "sv": "Senare händelser som kan påverka perioden:",
        "en": "Later events that can affect the period:",
    },
    "recount.later_event_line": {
        "sv": "nr {seq}  registrerad {recorded}  {kind}  {date}  {code}",
        "en": "no. {seq}  registered {recorded}  {kind}  {date}  {code}",
    },
    "recount.more": {"sv": "… och {count} till", "en": "… and {count} more"},
    "recount.later_note": {
        "sv": "Senare ändringar är sena registreringar och rättelser; de gör inte rapporten "
        "felaktig men visar vad en ny rapport skulle säga.",
        "en": "Later changes are late entries and corrections; they do not make the report "
        "wrong but show what a new report would say.",
    },
    "recount.verdict_ok": {
        "sv": "Resultat: rapporten stämmer med registret.",
        "en": "Result: the report agrees with the register.",
    },
    "recount.verdict_differs": {
        "sv": "Resultat: rapporten stämmer INTE med registret.",
        "en": "Result: the report does NOT agree with the register.",
    },
    # --- tui: register (backups, insatser over time) --------------------------------------
    "tui.register.key_open": {"sv": "Register och säkerhetskopior", "en": "Register and backups"},
    "tui.register.title": {
        "sv": "Register: säkerhetskopior och insatser",
        "en": "Register: backups and insatser",
    },
    "tui.register.key_backup": {"sv": "Säkerhetskopiera nu", "en": "Back up now"},
    "tui.register.key_add": {"sv": "Ny insats", "en": "New insats"},
    "tui.register.key_rename": {"sv": "Byt namn", "en": "Rename"},
    "tui.register.key_close": {"sv": "Avsluta insats", "en": "Close insats"},
    "tui.register.key_back": {"sv": "Tillbaka", "en": "Back"},
    "tui.register.key_stay": {"sv": "Stanna kvar", "en": "Stay"},
    "tui.register.insatser_heading": {
        "sv": "Insatser (samordnare lägger till, byter namn och avslutar):",
        "en": "Insatser (coordinators add, rename and close):",
    },
    "tui.register.col_insats": {"sv": "Insats", "en": "Insats"},
    "tui.register.col_status": {"sv": "Status", "en": "Status"},
    "tui.register.open": {"sv": "aktiv", "en": "open"},
    "tui.register.closed": {"sv": "avslutad {on}", "en": "closed {on}"},
    "tui.register.add_title": {
        "sv": "Namn på den nya insatsen (Enter sparar, Esc avbryter):",
        "en": "Name of the new insats (Enter saves, Esc cancels):",
    },
    "tui.register.rename_title": {
        "sv": "Nytt namn för {name} (Enter sparar, Esc avbryter):",
        "en": "New name for {name} (Enter saves, Esc cancels):",
    },
    "tui.register.close_title": {
        "sv": "Sista dag för {name}, ÅÅÅÅ-MM-DD (inga nya deltagare efter den):",
        "en": "Last day of {name}, YYYY-MM-DD (no new participants after it):",
    },
    "tui.register.saved": {"sv": "Sparat.", "en": "Saved."},
    "tui.register.backup_due": {
        "sv": "Det är mer än {days} dagar sedan: gör en säkerhetskopia.",
        "en": "That is more than {days} days ago: make a backup.",
    },
    "tui.register.backup_failed": {
        "sv": "Säkerhetskopian kunde inte göras ({kind}). Inget har ändrats i registret.",
        "en": "The backup could not be made ({kind}). Nothing in the register changed.",
    },
    "tui.register.exit_title": {
        "sv": "Vill du göra en säkerhetskopia innan du avslutar?",
        "en": "Make a backup before you quit?",
    },
    "tui.register.exit_backup": {"sv": "Säkerhetskopiera och avsluta", "en": "Back up and quit"},
    "tui.register.exit_without": {"sv": "Avsluta utan", "en": "Quit without"},
    # --- tui: reports -----------------------------------------------------------------------
    "tui.reports.title": {"sv": "Rapporter", "en": "Reports"},
    "tui.reports.key_reports": {"sv": "Rapporter", "en": "Reports"},
    "tui.reports.key_export": {"sv": "Exportera", "en": "Export"},
    "tui.reports.period": {"sv": "Period", "en": "Period"},
    "tui.reports.period_this_half": {"sv": "Detta halvår", "en": "This half-year"},
    "tui.reports.period_last_half": {"sv": "Förra halvåret", "en": "Last half-year"},
    "tui.reports.period_this_year": {"sv": "Detta år", "en": "This year"},
    "tui.reports.period_last_year": {"sv": "Förra året", "en": "Last year"},
    "tui.reports.period_this_tertial": {"sv": "Detta tertial", "en": "This tertial"},
    "tui.reports.period_last_tertial": {"sv": "Förra tertialet", "en": "Last tertial"},
    "tui.reports.period_this_quarter": {"sv": "Detta kvartal", "en": "This quarter"},
    "tui.reports.period_last_quarter": {"sv": "Förra kvartalet", "en": "Last quarter"},
    "tui.reports.period_custom": {"sv": "Egna datum", "en": "Custom dates"},
    "tui.reports.from": {"sv": "Från", "en": "From"},
    "tui.reports.to": {"sv": "Till", "en": "To"},
    "tui.reports.date_missing": {"sv": "Datum saknas.", "en": "The date is missing."},
    "tui.reports.custom_hint": {
        "sv": "Skriv första och sista dag, ÅÅÅÅ-MM-DD, och tryck Enter.",
        "en": "Enter the first and last day, YYYY-MM-DD, and press Enter.",
    },
    "tui.reports.insatser": {"sv": "Insatser", "en": "Insatser"},
    "tui.reports.no_insats": {"sv": "Välj minst en insats.", "en": "Choose at least one insats."},
    "tui.reports.formats": {"sv": "Format", "en": "Formats"},
    "tui.reports.json_always": {
        "sv": "report.json och det signerade manifestet ingår alltid.",
        "en": "report.json and the signed manifest are always included.",
    },
    "tui.reports.forbund": {
        "sv": "Förbundets namn (titelsidan)",
        "en": "The förbund's name (title page)",
    },
    "tui.reports.forbund_save": {"sv": "Spara namnet", "en": "Save the name"},
    "tui.reports.forbund_placeholder": {"sv": "inte satt", "en": "not set"},
    "tui.reports.forbund_saved": {
        "sv": "Förbundets namn är sparat: {forbund}. Ändringen är loggad.",
        "en": "The förbund's name is saved: {forbund}. The change is logged.",
    },
    "tui.reports.forbund_unset": {
        "sv": "Inte satt (en samordnare sätter det här eller med tracker forbund set).",
        "en": "Not set (a coordinator sets it here or with tracker forbund set).",
    },
    "tui.reports.suppression": {
        "sv": "Skydd av små tal (under {threshold})",
        "en": "Small-count protection (below {threshold})",
    },
    "tui.reports.unsuppressed_warning": {
        "sv": "Utan skydd av små tal märks rapporten INTERNT och exporten loggas. Inte för styrelsen.",
        "en": "Without small-count protection, the report is marked INTERNT and the export is logged. "
        "Not for the board.",
    },
    "tui.reports.export_button": {"sv": "Exportera (Ctrl+E)", "en": "Export (Ctrl+E)"},
    "tui.reports.computing": {"sv": "Räknar …", "en": "Computing …"},
    "tui.reports.no_preview": {
        "sv": "Ingen förhandsvisning: välj period och insatser.",
        "en": "No preview: choose a period and insatser.",
    },
    "tui.reports.preview_heading": {
        "sv": "{label} ({first} – {last}) · {insatser} · t.o.m. händelse {seq}",
        "en": "{label} ({first} – {last}) · {insatser} · up to event {seq}",
    },
    "tui.reports.preview_suppressed": {
        "sv": "Som styrelsen ser den. {protection}",
        "en": "As the board sees it. {protection}",
    },
    "tui.reports.preview_internal": {
        "sv": "INTERNT: små tal visas som de är.",
        "en": "INTERNT: small counts are shown as they are.",
    },
    "tui.reports.goal": {"sv": "Styrelsens mål ≥ {target}", "en": "Board's goal ≥ {target}"},
    "tui.reports.goal_default": {
        "sv": "Standardmål ≥ {target} (ej beslutat av styrelsen)",
        "en": "Default goal ≥ {target} (not decided by the board)",
    },
    "tui.reports.goals_how_to_set": {
        "sv": 'Standardmål är inte styrelsens beslut. En samordnare sätter styrelsens mål med: tracker goals set --insats NAMN --metric step_up_share --target "80 %"',
        "en": "Default goals are not the board's decision. A coordinator sets the board's goals with: tracker goals set --insats NAME --metric step_up_share --target \"80 %\"",
    },
    "tui.reports.chart_flow": {"sv": "Flödet under perioden", "en": "The period's flow"},
    "tui.reports.chart_step_up": {
        "sv": "Andel avslut med stegförflyttning",
        "en": "Share of exits with a step up",
    },
    "tui.reports.chart_goal_legend": {
        "sv": "│ = styrelsens mål {target}",
        "en": "│ = the board's goal {target}",
    },
    "tui.reports.chart_goal_legend_default": {
        "sv": "│ = standardmål {target} (ej beslutat av styrelsen)",
        "en": "│ = default goal {target} (not decided by the board)",
    },
    "tui.reports.chart_destinations": {
        "sv": "Avslutade per destination",
        "en": "Exits by destination",
    },
    "tui.reports.chart_empty": {"sv": "Inga avslut.", "en": "No exits."},
    "tui.reports.failed": {
        "sv": "Rapporten kunde inte tas fram. Försök igen; kvarstår felet, kör tracker audit verify.",
        "en": "The report could not be produced. Try again; if it persists, run tracker audit "
        "verify.",
    },
    "tui.reports.exporting": {"sv": "Exporterar …", "en": "Exporting …"},
    "tui.reports.export_busy": {
        "sv": "En export pågår redan.",
        "en": "An export is already running.",
    },
    "tui.reports.export_os_error": {
        "sv": "Rapporten kunde inte sparas i {folder}. Kontrollera att mappen går att skriva i.",
        "en": "The report could not be saved in {folder}. Check that the folder is writable.",
    },
    "tui.reports.exported": {"sv": "Rapporten är sparad: {path}", "en": "Report saved: {path}"},
}
