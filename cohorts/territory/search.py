"""Words of the directory, folded the same way on both sides: lower-cased, without accents, split on anything
that is not a letter or a digit. "Aménagement" and "amenagement" are one word; a query's words all have to be
found, each as the start of a word of the actor ("amena" finds it too).

The words are stored as a `tsvector` on PostgreSQL (made by `to_tsvector('simple', …)` as they are written,
GIN-indexed, matched by its full-text search with prefix terms), and as the same folded text on SQLite, matched
with one LIKE per word."""
import re
import unicodedata

from typing import Any

from sqlalchemy import ColumnElement, Text, and_, func, literal_column, or_
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

_WORD = re.compile(r"[^\W_]+")
LONGEST_QUERY_WORDS = 8


def fold(text: str) -> str:
    """`text` lower-cased, without accents or ligatures: 'Œuvre Aménagée' -> 'oeuvre amenagee'."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae")
                                       .replace("Æ", "ae").replace("ß", "ss"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def document(*parts: str) -> str:
    """One space-separated line of the distinct words of `parts`, in their first order."""
    return " ".join(dict.fromkeys(word for part in parts for word in words(part)))


class _Vector(FunctionElement[Any]):
    """The words as the column stores them: `to_tsvector('simple', words)` on PostgreSQL, the text elsewhere."""

    inherit_cache = True


@compiles(_Vector)
def _as_text(element: _Vector, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(_Vector, "postgresql")
def _as_tsvector(element: _Vector, compiler: Any, **kw: Any) -> str:
    return f"to_tsvector('simple', {compiler.process(element.clauses, **kw)})"


class SearchWords(TypeDecorator[str]):
    """A column of folded words (`document`): a tsvector on PostgreSQL, text on SQLite; written as text."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        return dialect.type_descriptor(TSVECTOR() if dialect.name == "postgresql" else Text())

    def bind_expression(self, bindvalue: Any) -> Any:
        return _Vector(bindvalue)


def matches(column: InstrumentedAttribute[str], query: str, dialect: str) -> ColumnElement[bool] | None:
    """A condition that the folded `column` holds every word of `query` as a word start; None for no word."""
    terms = words(query)[:LONGEST_QUERY_WORDS]
    if not terms:
        return None
    if dialect == "postgresql":
        # The terms are letters and digits only, so nothing in them is tsquery syntax.
        tsquery = " & ".join(f"{term}:*" for term in terms)
        return column.op("@@")(func.to_tsquery(literal_column("'simple'"), tsquery))
    # A word start: at the beginning, or after the space that separates the document's words.
    return and_(*(or_(column.like(f"{term}%"), column.like(f"% {term}%")) for term in terms))
