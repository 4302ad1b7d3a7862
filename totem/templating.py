"""One Jinja environment for pages and e-mails, with each package's templates."""
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, Undefined, pass_context, select_autoescape
from jinja2.runtime import Context

from totem.domains import DOMAINS
from totem.i18n import ntranslate, translate
from totem.identity.enums import ROLE_LABELS
from totem.settings import get_settings
from totem.web.formats import FILTERS


@pass_context
def _gettext(context: Context, message: str, **params: Any) -> str:
    return translate(context.get("locale", "fr"), message, **params)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int, **params: Any) -> str:
    return ntranslate(context.get("locale", "fr"), singular, plural, n, **params)


@lru_cache
def environment() -> Environment:
    strict = get_settings().environment == "test"
    # Each package keeps its templates under templates/<package>/ (names are
    # namespaced, "spaces/booking.html"); a domain without pages has no folder.
    loaders = [
        PackageLoader(package, "templates")
        for package in ("totem", *DOMAINS)
        if (files(package) / "templates").is_dir()
    ]
    env = Environment(
        loader=ChoiceLoader(loaders),
        # HTML pages and mails are escaped; plain-text mails (.txt) are not, or "l'outil" would read "l&#39;outil".
        autoescape=select_autoescape(enabled_extensions=("html", "xml"), default_for_string=True, default=False),
        undefined=StrictUndefined if strict else Undefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # `_("Hello {name}", name=...)`: translated, then formatted; `{% trans %}` is not used.
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext, role_labels=ROLE_LABELS)
    env.filters.update(FILTERS)
    return env


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
