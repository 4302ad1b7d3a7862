"""The public application form's fields, their questions, and the checks they pass before they are stored."""
from dataclasses import dataclass, field
from functools import lru_cache

from babel import Locale

from cohorts.programs.models import Program
from cohorts.startups.enums import Stage
from cohorts.startups.models import StartupProfile
from totem.errors import Invalid
from totem.i18n import N_
from totem.identity.service import normalize_email
from totem.text import bounded, website

# The form's questions besides the pitch: key -> the question (an English msgid).
QUESTIONS = {
    "problem": N_("What problem do you solve, and for whom?"),
    "traction": N_("Where are you today: customers, revenue, pilots?"),
    "expectations": N_("What do you expect from the program?"),
}
SHORT_MAX, SECTOR_MAX, WEBSITE_MAX, PITCH_MAX, ANSWER_MAX = 200, 100, 300, 1000, 3000
TEAM_MAX = 10_000
# Babel's territories that are not countries.
NOT_COUNTRIES = {"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"}


@lru_cache
def countries(locale: str) -> list[tuple[str, str]]:
    """ISO 3166 alpha-2 codes and their names in `locale`, by name."""
    names = Locale.parse(locale).territories
    return sorted(((code, name) for code, name in names.items()
                   if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES), key=lambda c: c[1])


def is_country(code: str) -> bool:
    return code in dict(countries("en"))


@dataclass(frozen=True)
class CleanApplication:
    startup_name: str
    founder_name: str
    founder_email: str
    website: str
    country: str
    stage: str
    sector: str
    team_size: int | None
    track_id: int | None
    pitch: str
    answers: dict[str, str]
    locale: str


@dataclass(frozen=True)
class ApplicationForm:
    """What was typed in the form (or posted to the API), as text."""

    startup_name: str = ""
    founder_name: str = ""
    founder_email: str = ""
    website: str = ""
    country: str = ""
    stage: str = ""
    sector: str = ""
    team_size: str = ""
    track_id: str = ""
    pitch: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    locale: str = "fr"

    def cleaned(self, program: Program) -> CleanApplication:
        """The checked values; the first bad field raises Invalid with its name."""
        startup_name = _required(self.startup_name, "startup_name", N_("Enter the start-up's name."), SHORT_MAX)
        founder_name = _required(self.founder_name, "founder_name", N_("Enter your name."), SHORT_MAX)
        try:
            email = normalize_email(self.founder_email)
        except Invalid as error:
            raise Invalid(error.message, field="founder_email") from None
        country = self.country.strip().upper()
        if not is_country(country):
            raise Invalid("Choose a country.", field="country")
        if self.stage not in {stage.value for stage in Stage}:
            raise Invalid("Choose the start-up's stage.", field="stage")
        return CleanApplication(
            startup_name=startup_name, founder_name=founder_name, founder_email=email, website=website(self.website, longest=WEBSITE_MAX),
            country=country, stage=self.stage, sector=_optional(self.sector, "sector", SECTOR_MAX),
            team_size=_team_size(self.team_size), track_id=_track(self.track_id, program),
            pitch=_required(self.pitch, "pitch", N_("Say in a few words what the start-up does."), PITCH_MAX),
            answers={key: _optional(self.answers.get(key, ""), key, ANSWER_MAX) for key in QUESTIONS},
            locale=self.locale if self.locale in ("fr", "en") else "fr",
        )


def _required(value: str, name: str, message: str, longest: int) -> str:
    value = value.strip()
    if not value:
        raise Invalid(message, field=name)
    return _optional(value, name, longest)


def _optional(value: str, name: str, longest: int) -> str:
    return bounded(value, field=name, longest=longest)


def _team_size(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= TEAM_MAX:
        raise Invalid("Enter the number of people in the team.", field="team_size")
    return int(value)


def _track(value: str, program: Program) -> int | None:
    tracks = {track.id for track in program.tracks}
    if not tracks:
        return None
    if not value.strip().isdigit() or int(value) not in tracks:
        raise Invalid("Choose one of the program's tracks.", field="track_id")
    return int(value)


DESCRIPTION_MAX = 2000
PROFILE_FIELDS = ("stage", "sector", "website", "description", "team_size", "country")


@dataclass(frozen=True)
class CleanProfile:
    stage: str | None
    sector: str
    website: str
    description: str
    team_size: int | None
    country: str | None


@dataclass(frozen=True)
class ProfileForm:
    """A start-up's profile as typed in its form (or merged from an API patch), as text; blank clears a field."""

    stage: str = ""
    sector: str = ""
    website: str = ""
    description: str = ""
    team_size: str = ""
    country: str = ""

    @classmethod
    def of(cls, profile: StartupProfile | None) -> "ProfileForm":
        """The profile as it is, to fill the form."""
        if profile is None:
            return cls()
        return cls(stage=profile.stage or "", sector=profile.sector, website=profile.website,
                   description=profile.description, country=profile.country or "",
                   team_size="" if profile.team_size is None else str(profile.team_size))

    def cleaned(self) -> CleanProfile:
        """The checked values; the first bad field raises Invalid with its name."""
        stage = self.stage.strip()
        if stage and stage not in {s.value for s in Stage}:
            raise Invalid("Choose the start-up's stage.", field="stage")
        country = self.country.strip().upper()
        if country and not is_country(country):
            raise Invalid("Choose a country.", field="country")
        return CleanProfile(
            stage=stage or None, sector=_optional(self.sector, "sector", SECTOR_MAX), website=website(self.website, longest=WEBSITE_MAX),
            description=_optional(self.description, "description", DESCRIPTION_MAX),
            team_size=_team_size(self.team_size), country=country or None,
        )
