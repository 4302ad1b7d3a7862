"""What the directory holds about a person: the listings they consented to, with when (an organisation's
record, not theirs: kept when they are erased, as their erased account still names who consented)."""
from cohorts.territory.models import Actor
from totem.personal_data import register

register("directory_listing_consents", Actor, lambda user: Actor.listing_consent_by_id == user.id)
