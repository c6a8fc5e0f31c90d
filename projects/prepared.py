"""Queries whose SQL is compiled once per database connection and language, then reused.

Django turns a QuerySet into SQL anew each time it is evaluated. For this site's queries
(every translated field has a column per language, joins for ``select_related``, an
ordering) that costs 0.3–0.6 ms a query on this machine class, where SQLite runs the SQL
itself in about 0.05 ms: on the project page, compiling was most of the render. A page
whose queries always have the same shape, with only the looked-up values changing, can
compile each shape once and run its SQL with new values, as a database's prepared
statement does.

Nothing of the content is kept: each call runs its query and reads the rows as they are
now. What is kept is the SQL text, the positions of the parameters in it and what Django
needs to build model instances from the rows (the same steps as ``ModelIterable``).

    PROJECT_BY_SLUG = PreparedQuery(lambda slug: Project.objects.filter(slug=slug))
    projects = PROJECT_BY_SLUG.fetch(slug="alfaclu")  # a list of Project instances

``build`` must pass each parameter to the SQL unchanged (``filter(slug=slug)``, not
``filter(slug=slug.lower())``), as a string or a whole number; a parameter that does not
reach the SQL, or reaches it changed, is refused when the query is first compiled.
"""

import itertools
import threading
import weakref

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators
from django.utils.translation import get_language

# Stand-ins for the parameters while the query is compiled: values no real row uses, and
# distinct from each other, so each one's place among the SQL parameters is unambiguous.
_STAND_IN_INTS = itertools.count(-2_000_000_001, -1)


def _stand_in(name, value):
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(
            f"PreparedQuery parameter {name!r}: a string or whole number, not {value!r}; "
            "a choice between query shapes needs one PreparedQuery per shape."
        )
    if isinstance(value, int):
        return next(_STAND_IN_INTS)
    return f"\x00prepared-query-parameter:{name}\x00"


class _Compiled:
    """One compiled shape: SQL, parameter slots and the instance builders of its compiler."""

    def __init__(self, queryset, stand_ins):
        # The site has one database; compiled queries are kept per its connection.
        if queryset.db != DEFAULT_DB_ALIAS:
            raise ImproperlyConfigured("PreparedQuery reads from the default database only.")
        self.db = queryset.db
        compiler = queryset.query.get_compiler(using=self.db)
        try:
            self.sql, params = compiler.as_sql()
        except EmptyResultSet:
            self.sql, params = None, ()
        by_value = {(type(value), value): name for name, value in stand_ins.items()}
        # Each slot is (a parameter's name, its stand-in) or (None, a value the query
        # itself fixes, such as published=True).
        self.slots = [(by_value.get((type(value), value)), value) for value in params]
        missing = set(stand_ins) - {name for name, _value in self.slots if name}
        if self.sql is not None and missing:
            raise ImproperlyConfigured(
                f"PreparedQuery: parameter(s) {', '.join(sorted(missing))} do not reach the "
                "SQL unchanged; filter on them directly."
            )
        if self.sql is None:
            return
        select, klass_info = compiler.select, compiler.klass_info
        self.compiler = compiler
        self.col_count = compiler.col_count
        self.trim = compiler.has_extra_select
        columns = [column[0] for column in select[: self.col_count]]
        self.converters = compiler.get_converters(columns)
        self.model = klass_info["model"]
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model_columns = slice(first, last)
        self.init_list = [column[0].target.attname for column in select[first:last]]
        self.related_populators = get_related_populators(klass_info, select, self.db)
        self.annotations = tuple((compiler.annotation_col_map or {}).items())

    def run(self, values):
        if self.sql is None:
            return []
        params = [values[name] if name else value for name, value in self.slots]
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.trim:
            rows = [row[: self.col_count] for row in rows]
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        return [self._instance(row) for row in rows]

    def _instance(self, row):
        instance = self.model.from_db(self.db, self.init_list, row[self.model_columns])
        for populator in self.related_populators:
            populator.populate(row, instance)
        for name, position in self.annotations:
            setattr(instance, name, row[position])
        return instance


class AttachedRows(QuerySet):
    """A relation's rows left by ``attach``: to be read (iterated, counted, indexed).

    Django's own prefetch stores the related manager's QuerySet; building that costs a
    filter and, with django-modeltranslation, a new QuerySet class per call, six times a
    project page. These rows know no filter of their own, so a new query from them
    (``filter``, ``order_by`` …) is refused instead of answering for the whole table.
    """

    def _chain(self):
        raise TypeError(
            f"{self.model.__name__} rows attached to a page are for reading; "
            "query the relation anew to filter or order it."
        )


def attach(instance, relation, objects):
    """Leave ``objects`` where ``prefetch_related`` leaves a relation's rows, so that
    ``instance.<relation>.all()`` returns them without a query; on a reverse foreign key
    each object also knows ``instance`` (``funding.project``), as after a prefetch."""
    field = instance._meta.get_field(relation)
    objects = list(objects)
    if field.one_to_many:
        for obj in objects:
            field.field.set_cached_value(obj, instance)
    rows = AttachedRows(model=field.related_model)
    rows._result_cache = objects
    rows._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = rows


def attach_grouped(instances, relation, rows, key, item=None):
    """Share ``rows`` out to ``instances`` by ``key(row)`` (an instance's pk) and
    ``attach`` each instance its own, in the rows' order; ``item(row)`` is what is
    attached (the row itself by default, or e.g. the person of a many-to-many row)."""
    groups = {instance.pk: [] for instance in instances}
    for row in rows:
        group = groups.get(key(row))
        if group is not None:
            group.append(item(row) if item else row)
    for instance in instances:
        attach(instance, relation, groups[instance.pk])


def ordering_through(model, relation):
    """The related model's ``Meta.ordering`` as seen from ``model`` through the foreign
    key ``relation``: for the rows of a many-to-many table, sorted within each group as a
    prefetch of the relation would sort them (["family_name"] -> ["person__family_name"])."""
    related = model._meta.get_field(relation).related_model
    return [
        f"-{relation}__{key[1:]}" if key.startswith("-") else f"{relation}__{key}"
        for key in related._meta.ordering
    ]


class PreparedQuery:
    """A query of fixed shape: ``build(**parameters)`` returns the QuerySet; ``fetch``
    runs it with the given values and returns a list of model instances.

    Compiled per database connection (a compiled query holds its connection's
    converters; each thread has its own connection) and per active language
    (django-modeltranslation writes the language's columns into orderings and lookups).
    """

    def __init__(self, build):
        self.build = build
        self._compiled = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def fetch(self, **values):
        return self._compiled_for(values).run(values)

    def _compiled_for(self, values):
        connection = connections[DEFAULT_DB_ALIAS]
        key = (get_language(), tuple(sorted((name, type(v)) for name, v in values.items())))
        by_key = self._compiled.get(connection)
        compiled = by_key.get(key) if by_key is not None else None
        if compiled is None:
            stand_ins = {name: _stand_in(name, value) for name, value in values.items()}
            compiled = _Compiled(self.build(**stand_ins), stand_ins)
            with self._lock:
                self._compiled.setdefault(connection, {})[key] = compiled
        return compiled

    def compiled_shapes(self):
        """How many shapes this thread's connection has compiled (for tests)."""
        return len(self._compiled.get(connections[DEFAULT_DB_ALIAS], {}))
