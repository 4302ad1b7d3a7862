"""How kinds, sizes and states of actors read on the pages (English msgids)."""
from cohorts.territory.enums import ActorKind, ActorSize, ActorStatus
from totem.i18n import N_

KIND_LABELS = {
    ActorKind.STARTUP: N_("Start-up"),
    ActorKind.SME: N_("SME"),
    ActorKind.CORPORATE: N_("Corporate"),
    ActorKind.INCUBATOR: N_("Incubator or accelerator"),
    ActorKind.INVESTOR: N_("Investor"),
    ActorKind.CLUB: N_("Business club"),
    ActorKind.LAB: N_("Lab or school"),
    ActorKind.PUBLIC_BODY: N_("Public body"),
}
SIZE_LABELS = {
    ActorSize.MICRO: N_("Fewer than 10 people"),
    ActorSize.SMALL: N_("10 to 49 people"),
    ActorSize.MEDIUM: N_("50 to 249 people"),
    ActorSize.LARGE: N_("250 people or more"),
}
STATUS_LABELS = {
    ActorStatus.PENDING: N_("Waiting for approval"),
    ActorStatus.APPROVED: N_("Approved"),
    ActorStatus.DECLINED: N_("Declined"),
}
