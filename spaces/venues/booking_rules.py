"""Managers' booking rules: per venue, one per kind of space and one per zone, within the database's constraints."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from spaces.venues.enums import SpaceKind
from spaces.venues.labels import KIND_LABELS
from spaces.venues.models import BookingRule, Floor, Zone
from spaces.venues.service import check_not_negative, flush_or_refuse, get_venue, refuse_if
from totem import audit
from totem.errors import Conflict, Invalid, NotFound
from totem.i18n import N_, said
from totem.identity.enums import ROLE_LABELS, Role
from totem.identity.models import User
from totem.permissions import require


@dataclass(frozen=True)
class RuleData:
    """A rule's settings; exactly one of `space_kind` and `zone_id` says what it covers."""

    space_kind: str | None
    zone_id: int | None
    allowed_roles: list[str]
    min_minutes: int | None
    max_minutes: int | None
    max_days_ahead: int | None
    buffer_minutes: int
    requires_approval: bool
    credits_per_hour: int
    refund_notice_hours: int
    open_to_grant_holders: bool




def list_rules(db: Session, venue_id: int) -> list[BookingRule]:
    """The venue's rules: those per kind first, then those per zone."""
    return list(db.scalars(select(BookingRule).where(BookingRule.venue_id == venue_id)
                           .order_by(BookingRule.zone_id.is_not(None), BookingRule.space_kind, BookingRule.zone_id)))


def list_venue_zones(db: Session, venue_id: int) -> list[Zone]:
    """The zones of every floor of the venue, with their floor."""
    return list(db.scalars(select(Zone).join(Floor, Floor.id == Zone.floor_id).where(Floor.venue_id == venue_id)
                           .options(joinedload(Zone.floor)).order_by(Floor.level, Zone.name)))


def get_rule(db: Session, rule_id: int) -> BookingRule:
    found = db.get(BookingRule, rule_id)
    if found is None:
        raise NotFound("No such rule.")
    return found


def _check_rule(db: Session, venue_id: int, data: RuleData, rule_id: int | None) -> None:
    """The database's CHECK and UNIQUE constraints on `booking_rule`, as messages."""
    if (data.space_kind is None) == (data.zone_id is None):
        raise Invalid("Choose a kind of space or a zone.", field="target")
    if data.space_kind is not None and data.space_kind not in {kind.value for kind in SpaceKind}:
        raise Invalid("Unknown kind of space.", field="target")
    if data.zone_id is not None and data.zone_id not in {zone.id for zone in list_venue_zones(db, venue_id)}:
        raise Invalid("Choose a zone of this venue.", field="target")
    if not set(data.allowed_roles) <= {role.value for role in Role}:
        raise Invalid("Unknown role.", field="allowed_roles")
    if data.min_minutes is not None and data.min_minutes < 1:
        raise Invalid("The shortest booking lasts at least 1 minute.", field="min_minutes")
    if data.max_minutes is not None and data.max_minutes < (data.min_minutes or 1):
        raise Invalid("The longest booking cannot be shorter than the shortest.", field="max_minutes")
    for field in ("max_days_ahead", "buffer_minutes", "credits_per_hour", "refund_notice_hours"):
        check_not_negative(getattr(data, field), field)
    refuse_if(db, select(BookingRule.id).where(
        BookingRule.venue_id == venue_id, BookingRule.id != (rule_id or 0),
        BookingRule.space_kind == data.space_kind if data.space_kind else BookingRule.zone_id == data.zone_id,
    ), _rule_taken(data))


def _rule_taken(data: RuleData) -> Conflict:
    if data.space_kind is not None:
        return Conflict("This venue already has a rule for this kind of space.", field="target")
    return Conflict("This venue already has a rule for this zone.", field="target")


def save_rule(
    db: Session, *, actor: User, data: RuleData, now: datetime, venue_id: int | None = None,
    rule_id: int | None = None,
) -> BookingRule:
    """Add a rule to a venue, for one kind of space or one zone, or change one (`rule_id`)."""
    require(actor, "space.manage")
    if rule_id is not None:
        booking_rule = get_rule(db, rule_id)
    else:
        booking_rule = BookingRule(venue_id=get_venue(db, venue_id or 0).id)
    _check_rule(db, booking_rule.venue_id, data, rule_id)
    for field, value in vars(data).items():
        setattr(booking_rule, field, value)
    db.add(booking_rule)
    flush_or_refuse(db, _rule_taken(data))
    audit.record(db, actor=actor, action="rule.create" if rule_id is None else "rule.update", obj=booking_rule,
                 now=now, summary=_describe_rule(data))
    return booking_rule


def delete_rule(db: Session, *, actor: User, rule_id: int, now: datetime) -> BookingRule:
    """Remove a rule: its spaces fall back to their kind's rule, or to the defaults."""
    require(actor, "space.manage")
    booking_rule = get_rule(db, rule_id)
    db.delete(booking_rule)
    db.flush()
    audit.record(db, actor=actor, action="rule.delete", obj=booking_rule, now=now,
                 summary=said(N_("venue #{venue}: rule for {kind}, zone #{zone}"), venue=booking_rule.venue_id,
                              kind=[KIND_LABELS[SpaceKind(booking_rule.space_kind)]] if booking_rule.space_kind else "—",
                              zone=booking_rule.zone_id or "—"))
    return booking_rule


def _describe_rule(data: RuleData) -> str:
    """For the audit log, translated when shown: the kind of space or zone, then the rule's figures."""
    return said(N_("{target}: roles {roles}, {min}–{max} min, {days} days ahead, buffer {buffer} min, {approval}, "
                   "{credits} credits/h"),
                target=[KIND_LABELS[SpaceKind(data.space_kind)]] if data.space_kind else f"#{data.zone_id}",
                roles=[ROLE_LABELS[Role(role)] for role in data.allowed_roles] or "—", min=data.min_minutes,
                max=data.max_minutes, days=data.max_days_ahead, buffer=data.buffer_minutes,
                approval=[N_("needs approval") if data.requires_approval else N_("no approval")],
                credits=data.credits_per_hour)
