"""Full text search documents shared by the apps: one vector per text, built the same way for
stored (generated) columns and for vectors computed at query time."""

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db.models import Func, TextField

# 'simple' does not stem, so Arabic and Hebrew words match as written; 'english' stems English
# words ("sharing" finds "share"). A document holds both and a query asks both.
CONFIGS = ("simple", "english")


class SearchDocument(Func):
    """The search vector of `fields`: to_tsvector('simple', …) || to_tsvector('english', …).

    Usable as a GeneratedField's expression (it deconstructs for migrations) and in queries.
    On databases without full text search (SQLite, for `make run`) it is NULL: searches there
    use a case-insensitive match on the texts instead.
    """

    output_field = SearchVectorField()

    def __init__(self, *fields: Any) -> None:
        super().__init__(*fields)

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list]:
        return "NULL", []

    def as_postgresql(
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, list]:
        fields = self.get_source_expressions()
        vectors = [SearchVector(*fields, config=config) for config in CONFIGS]
        document = vectors[0]
        for vector in vectors[1:]:
            document = document + vector
        return compiler.compile(document.resolve_expression(compiler.query))


def search_terms(query: str) -> SearchQuery:
    """A web-search-style query (quotes, OR, -word) asked in every configuration of CONFIGS."""
    terms = [SearchQuery(query, config=config, search_type="websearch") for config in CONFIGS]
    combined = terms[0]
    for term in terms[1:]:
        combined = combined | term
    return combined


class Lexemes(Func):
    """The distinct words (lexemes) of a search vector, as a text array (PostgreSQL only)."""

    function = "tsvector_to_array"
    output_field = ArrayField(TextField())
