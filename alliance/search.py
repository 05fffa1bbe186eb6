"""Full text search documents shared by the apps: one vector per text, built the same way for
stored (generated) columns and for vectors computed at query time."""

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQueryField, SearchVector, SearchVectorField
from django.db.models import BooleanField, Expression, Func, TextField

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


class SearchTerms(Expression):
    """A web-search-style query (quotes, OR, -word) asked in every configuration of CONFIGS:
    websearch_to_tsquery('simple', …) || websearch_to_tsquery('english', …) (PostgreSQL only).

    One leaf expression, not a tree of SearchQuery objects: a search names its terms once per
    document it matches, and Django copies every node of an expression each time it is used.
    """

    output_field = SearchQueryField()

    def __init__(self, query: str) -> None:
        super().__init__()
        self.query = query

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list]:
        # The configurations are this module's constants, so they are written into the SQL.
        terms = [f"websearch_to_tsquery('{config}'::regconfig, %s)" for config in CONFIGS]
        return f"({' || '.join(terms)})", [self.query] * len(CONFIGS)


def search_terms(query: str) -> SearchTerms:
    """A web-search-style query (quotes, OR, -word) asked in every configuration of CONFIGS."""
    return SearchTerms(query)


class QueryWords(Expression):
    """The distinct words (lexemes) of a query's text in every configuration of CONFIGS, as a
    text array: what tsvector_to_array(SearchDocument(query)) gives, as one leaf expression."""

    output_field = ArrayField(TextField())

    def __init__(self, query: str) -> None:
        super().__init__()
        self.query = query

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list]:
        vectors = [f"to_tsvector('{config}'::regconfig, %s)" for config in CONFIGS]
        return f"tsvector_to_array({' || '.join(vectors)})", [self.query] * len(CONFIGS)


class Matches(Func):
    """`document @@ terms`: whether a search vector matches a query, as a boolean expression
    (for filter(), Q() and When())."""

    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()


class Overlaps(Func):
    """`left && right`: whether two arrays share an element, as a boolean expression."""

    template = "(%(expressions)s)"
    arg_joiner = " && "
    output_field = BooleanField()


class Lexemes(Func):
    """The distinct words (lexemes) of a search vector, as a text array (PostgreSQL only)."""

    function = "tsvector_to_array"
    output_field = ArrayField(TextField())
