"""One Jinja environment for pages and e-mails, with each package's templates."""
from collections.abc import Callable
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    PackageLoader,
    StrictUndefined,
    TemplateNotFound,
    Undefined,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context

from totem.domains import packages
from totem.i18n import ntranslate, shown, translate
from totem.identity.enums import ROLE_LABELS
from totem.settings import get_settings
from totem.web.formats import FILTERS


@pass_context
def _gettext(context: Context, message: str, **params: Any) -> str:
    return translate(context.get("locale", "fr"), message, **params)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int, **params: Any) -> str:
    return ntranslate(context.get("locale", "fr"), singular, plural, n, **params)


@pass_context
def _shown(context: Context, stored: str | None) -> str:
    return shown(stored, context.get("locale", "fr"))


@lru_cache
def environment() -> Environment:
    strict = get_settings().environment == "test"
    env = Environment(
        loader=_loader(),
        # HTML pages and mails are escaped; plain-text mails (.txt) are not, or "l'outil" would read "l&#39;outil".
        autoescape=select_autoescape(enabled_extensions=("html", "xml"), default_for_string=True, default=False),
        undefined=StrictUndefined if strict else Undefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # `_("Hello {name}", name=...)`: translated, then formatted; `{% trans %}` is not used.
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext, role_labels=ROLE_LABELS)
    env.filters.update(FILTERS, shown=_shown)
    return env


def _loader() -> BaseLoader:
    """The core's templates under `totem/templates/totem/` ("totem/base.html"); a domain part's in its own
    `templates/` folder, named after the part: `spaces/booking/templates/book.html` is "spaces/booking/book.html"."""
    parts: dict[str, BaseLoader] = {
        package.replace(".", "/"): PackageLoader(package, "templates")
        for package in packages()
        if (files(package) / "templates").is_dir()
    }
    return ChoiceLoader([PackageLoader("totem", "templates"), PartLoader(parts)])


class PartLoader(BaseLoader):
    """Find "<domain>/<part>/<name>" in that part's loader; the longest part wins (a part may hold another)."""

    def __init__(self, parts: dict[str, BaseLoader]) -> None:
        self.parts = sorted(parts.items(), key=lambda item: -len(item[0]))

    def _split(self, template: str) -> tuple[BaseLoader, str]:
        for prefix, loader in self.parts:
            if template.startswith(prefix + "/"):
                return loader, template[len(prefix) + 1:]
        raise TemplateNotFound(template)

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        loader, name = self._split(template)
        try:
            return loader.get_source(environment, name)
        except TemplateNotFound:
            raise TemplateNotFound(template) from None

    def list_templates(self) -> list[str]:
        return sorted(f"{prefix}/{name}" for prefix, loader in self.parts for name in loader.list_templates())


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
