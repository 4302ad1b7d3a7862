"""How kinds of event, audiences and registration states read on the pages (English msgids)."""
from spaces.events.enums import Audience, EventKind, RegistrationStatus
from totem.i18n import N_

KIND_LABELS = {
    EventKind.MEETUP: N_("Meetup"),
    EventKind.WORKSHOP: N_("Workshop"),
    EventKind.DEMO_DAY: N_("Demo day"),
    EventKind.CONFERENCE: N_("Conference"),
    EventKind.COMMUNITY_EVENT: N_("Community event"),
}
AUDIENCE_LABELS = {
    Audience.PUBLIC: N_("Open to the public"),
    Audience.MEMBERS: N_("Members only"),
}
STATUS_LABELS = {
    RegistrationStatus.REGISTERED: N_("Registered"),
    RegistrationStatus.WAITLISTED: N_("On the waiting list"),
    RegistrationStatus.OFFERED: N_("Seat offered"),
    RegistrationStatus.CANCELLED: N_("Cancelled"),
}
