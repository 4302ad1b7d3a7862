"""Words of the directory, folded the same way on both sides: lower-cased, without accents, split on anything
that is not a letter or a digit. "Aménagement" and "amenagement" are one word; a query's words all have to be
found, each as the start of a word of the actor ("amena" finds it too).

PostgreSQL matches them with its full-text search (`to_tsvector('simple', …) @@ to_tsquery`, prefix terms, a
GIN index); SQLite, with one LIKE per word on the same folded text."""
import re
import unicodedata

from sqlalchemy import ColumnElement, and_, func, literal_column, or_
from sqlalchemy.orm import InstrumentedAttribute

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


def matches(column: InstrumentedAttribute[str], query: str, dialect: str) -> ColumnElement[bool] | None:
    """A condition that the folded `column` holds every word of `query` as a word start; None for no word."""
    terms = words(query)[:LONGEST_QUERY_WORDS]
    if not terms:
        return None
    if dialect == "postgresql":
        # The terms are letters and digits only, so nothing in them is tsquery syntax.
        tsquery = " & ".join(f"{term}:*" for term in terms)
        return func.to_tsvector(literal_column("'simple'"), column).op("@@")(
            func.to_tsquery(literal_column("'simple'"), tsquery))
    # A word start: at the beginning, or after the space that separates the document's words.
    return and_(*(or_(column.like(f"{term}%"), column.like(f"% {term}%")) for term in terms))
