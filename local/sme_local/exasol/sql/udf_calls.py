"""UDF calls inside queries: read each call's input from DuckDB, run the script with the UDF executor, load
its output into a session temp table and put a SELECT from that table where the call was.

Input and output move in bulk as column batches (``sme_local.exasol.udf.column_arrays``): fetched and loaded a
column at a time (``duckdb_columns``), grouped with numpy, never as a Python tuple per row.

Innermost SELECTs are replaced first, so calls nested in subqueries, CTAS and INSERT … SELECT work. Shapes:
- ``EMITS`` (SCALAR or SET): the call must be the only select item; output rows replace the SELECT.
- ``SCALAR … RETURNS``: one value per input row, next to the other select items of that row.
- ``SET … RETURNS``: one value per group (GROUP BY) or for all rows, next to the group-by items.
SCALAR scripts get all rows as one group (their VM calls ``run`` per row, in order); SET scripts get the rows
of each GROUP BY group, or all rows as one group.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import duckdb
import numpy
from sqlglot import exp

from sme_local.exasol.catalog.store import Script
from sme_local.exasol.catalog.types import ExaType, parse_exa_type
from sme_local.exasol.sql.errors import SYNTAX_OR_UNKNOWN_OBJECT, SqlError, syntax_error, unsupported_construct
from sme_local.exasol.sql.lexer import END, identifier, tokenize
from sme_local.exasol.sql.preprocess import EMITS_MARKER
from sme_local.exasol.sql.rewrite import TEMP_CATALOG, TEMP_SCHEMA
from sme_local.exasol.sql.duck_errors import translate_duckdb_error
from sme_local.exasol.udf.column_arrays import ColumnArray, ColumnBatch, group_indices
from sme_local.exasol.udf.duckdb_columns import fetch_batch, kind_of_exa_type, load_batch

if TYPE_CHECKING:
    from sme_local.exasol.sql.context import UdfCallSession

VALUE_COLUMN = "__V"
_counter = itertools.count(1)


class UdfCalls:
    def __init__(self, session: UdfCallSession) -> None:
        self.session = session
        self._known_types: dict[str, ExaType] = {}
        self._temp_tables: list[str] = []

    # -- public ----------------------------------------------------------------------------------------------
    def substitute(self, tree: exp.Expression) -> exp.Expression:
        self._known_types = {}
        for select in _selects_inner_first(tree):
            calls = [(i, p) for i, p in enumerate(select.expressions) if self._resolve(_unalias(p)) is not None]
            if not calls:
                continue
            if len(calls) > 1:
                raise unsupported_construct("more than one UDF call in one select list")
            replacement = self._replace(select, *calls[0])
            if select is tree:
                tree = replacement
            else:
                select.replace(replacement)
        for node in tree.walk():
            if self._resolve(node) is not None:
                raise unsupported_construct("a UDF call outside the select list (e.g. in WHERE or inside an expression)")
        return tree

    def known_output_types(self, tree: exp.Expression) -> dict[str, ExaType]:
        """Declared Exasol types of UDF output columns in the current statement (DuckDB loses VARCHAR sizes)."""
        return self._known_types

    def cleanup(self) -> None:
        for name in self._temp_tables:
            self.session.cursor.execute(f'DROP TABLE IF EXISTS {TEMP_CATALOG}.{TEMP_SCHEMA}."{name}"')
        self._temp_tables = []

    # -- resolution ------------------------------------------------------------------------------------------
    def _resolve(self, node: exp.Expression) -> tuple[Script, exp.Anonymous] | None:
        schema = None
        call = node
        if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Anonymous) and isinstance(node.this, exp.Identifier):
            schema, call = node.this.name, node.expression
        if not isinstance(call, exp.Anonymous) or (isinstance(node, exp.Anonymous) and isinstance(node.parent, exp.Dot)):
            return None
        name = call.this.name if isinstance(call.this, exp.Identifier) and call.this.quoted else str(call.name).upper()
        schema = schema or self.session.current_schema
        if schema is None or name == EMITS_MARKER:
            return None
        script = self.session.database.store.script(schema, name)
        if script is None or script.script_type != "UDF":
            return None
        return script, call

    # -- replacement -----------------------------------------------------------------------------------------
    def _replace(self, select: exp.Select, index: int, projection: exp.Expression) -> exp.Select:
        script, call = self._resolve(_unalias(projection))
        arguments, emits = _split_emits_marker(call)
        others = [p for i, p in enumerate(select.expressions) if i != index]
        group_by = list(select.args["group"].expressions) if select.args.get("group") else []
        if script.result_type == "EMITS" and others:
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"the EMITS UDF {script.schema}.{script.name} must be the only select item")
        if script.result_type == "RETURNS" and emits is not None:
            raise syntax_error(f"EMITS clause given for RETURNS script {script.schema}.{script.name}")
        if script.input_type == "SCALAR" and group_by:
            raise unsupported_construct("GROUP BY together with a SCALAR UDF")
        self.session.privileges.require_call(script)
        input_columns, batch = self._input(select, script, arguments, others, group_by)
        argument_end, other_end = len(arguments), len(arguments) + len(others)
        groups, extras = _groups(script, ColumnBatch(batch.row_count, batch.columns[:argument_end]),
                                 batch.columns[argument_end:other_end],
                                 batch.columns[other_end : other_end + len(group_by)], len(group_by))
        output_columns, outputs = self._run(script, input_columns[:argument_end], groups, emits)
        if script.result_type == "EMITS":
            columns = output_columns
            data = ColumnBatch.concat(outputs, _kinds(columns))
            self._known_types.update(dict(columns))
            projections: list[exp.Expression] = [exp.Star()]
        else:
            columns, data, projections = self._returns_table(list(select.expressions), projection,
                                                             input_columns[argument_end:other_end], output_columns,
                                                             outputs, extras)
        table = f"__UDF_{self.session.id}_{next(_counter)}"
        self._temp_tables.append(table)
        load_batch(self.session.cursor, table, [(name, exa_type.duckdb_type()) for name, exa_type in columns], data)
        replacement = exp.select(*projections).from_(
            exp.Table(this=exp.to_identifier(table, quoted=True), db=exp.to_identifier(TEMP_SCHEMA),
                      catalog=exp.to_identifier(TEMP_CATALOG))
        )
        for key in ("order", "limit", "offset", "distinct"):
            if select.args.get(key) is not None:
                replacement.set(key, select.args[key])
        return replacement

    def _input(self, select: exp.Select, script: Script, arguments: list[exp.Expression], others: list[exp.Expression],
               group_by: list[exp.Expression]) -> tuple[list[tuple[str, ExaType]], ColumnBatch]:
        """The call's input, read in bulk: (arguments…, other select items…, group-by keys…) per row."""
        query = select.copy()
        for key in ("group", "having", "order", "limit", "offset", "distinct", "qualify"):
            query.set(key, None)
        visible = _visible_ctes(select) + (list(query.args["with_"].expressions) if query.args.get("with_") else [])
        if visible:
            query.set("with_", exp.With(expressions=visible))
        items = []
        for position, argument in enumerate(arguments):
            expression = argument.copy()
            if not script.dynamic_input and position < len(script.parameters):
                declared = parse_exa_type(script.parameters[position].sql_type)
                expression = exp.cast(expression, exp.DataType.build(declared.duckdb_type(), dialect="duckdb"))
            items.append(exp.alias_(expression, _input_name(argument, position), quoted=True))
        items += [exp.alias_(_unalias(o).copy(), f"__P{i}", quoted=True) for i, o in enumerate(others)]
        items += [exp.alias_(g.copy(), f"__G{i}", quoted=True) for i, g in enumerate(group_by)]
        if not items:  # a call without arguments still runs once per input row; SELECT needs some column
            items.append(exp.alias_(exp.Literal.number(1), "__ROW", quoted=True))
        query.set("expressions", items)
        # Read in columns, typed by the same engine that types a query's result.
        try:
            relation = self.session.cursor.sql(self.session.engine.generate(query))
            columns = self.session.engine.result_columns(relation, query)
            return columns, fetch_batch(relation, _kinds(columns))
        except duckdb.Error as error:
            raise translate_duckdb_error(error, statement=self.session.statement_kind) from None

    def _run(self, script: Script, input_columns: list[tuple[str, ExaType]], groups: list[ColumnBatch],
             emits: list[tuple[str, ExaType]] | None) -> tuple[list[tuple[str, ExaType]], list[ColumnBatch]]:
        from sme_local.exasol.udf.model import UdfColumn, UdfError

        udf_script = _udf_script(script)
        udf_inputs = [UdfColumn(name, t.column_type()) for name, t in input_columns]
        emit_columns = None if emits is None else [UdfColumn(n, t.column_type()) for n, t in emits]
        try:
            columns, outputs = self.session.database.udf_executor().run_batches(
                udf_script, udf_inputs, groups, emit_columns, self._udf_session(script)
            )
        except UdfError as error:
            raise SqlError(error.sql_code, error.text) from None
        return [(c.name, parse_exa_type(c.sql_type)) for c in columns], outputs

    def _returns_table(self, original: list[exp.Expression], projection: exp.Expression,
                       other_columns: list[tuple[str, ExaType]], output_columns: list[tuple[str, ExaType]],
                       outputs: list[ColumnBatch], extras: list[ColumnArray],
                       ) -> tuple[list[tuple[str, ExaType]], ColumnBatch, list[exp.Expression]]:
        """Table of (other select items…, UDF value) and the projections that restore the original order.

        RETURNS gives exactly one value per group (SET) or per row (SCALAR), in the order of ``extras``."""
        value_type = output_columns[0][1]
        columns = [(f"__P{i}", t) for i, (_, t) in enumerate(other_columns)] + [(VALUE_COLUMN, value_type)]
        values = ColumnBatch.concat(outputs, _kinds(output_columns[:1]))
        if any(len(extra) != values.row_count for extra in extras):
            raise SqlError("22002", f"F-EMU-UDF-11: the RETURNS UDF produced {values.row_count} values for "
                                    f"{len(extras[0])} rows (emulator bug).")
        data = ColumnBatch(values.row_count, [*extras, values.columns[0]])
        value_name = projection.alias if isinstance(projection, exp.Alias) else _call_text(_unalias(projection))
        self._known_types[value_name] = value_type
        projections: list[exp.Expression] = []
        position = 0
        for item in original:
            if item is projection:
                projections.append(exp.alias_(exp.column(VALUE_COLUMN, quoted=True), value_name, quoted=True))
            else:
                name = item.alias_or_name or f"__P{position}"
                projections.append(exp.alias_(exp.column(f"__P{position}", quoted=True), name, quoted=True))
                position += 1
        return columns, data, projections

    def _udf_session(self, script: Script) -> Any:
        """What the running ``script`` may ask: ``exa.get_connection`` needs ACCESS on the connection for it."""
        from sme_local.exasol.udf.model import ConnectionLookupError, UdfConnection, UdfSession

        store = self.session.database.store

        def connection(name: str) -> UdfConnection | None:
            stored = store.connection(name)
            if stored is None:
                return None
            if not self.session.privileges.may_access_connection(stored.name, script):
                # Exasol's text, as its script-languages tests pin it (README, "Users and privileges")
                raise ConnectionLookupError(f"insufficient privileges for using connection {stored.name} in script "
                                            f"{script.name}")
            return UdfConnection(stored.address, stored.user or "", stored.password or "")

        def script_code(name: str) -> str | None:
            tokens = [t for t in tokenize(name) if t.kind != END and not t.is_symbol(".")]
            if not tokens or len(tokens) > 2:
                return None
            parts = [identifier(t) for t in tokens]
            schema = parts[0] if len(parts) == 2 else self.session.current_schema
            found = store.script(schema, parts[-1]) if schema else None
            return found.body if found else None

        languages = self.session.parameters.get("SCRIPT_LANGUAGES") or store.parameter("SCRIPT_LANGUAGES") or ""
        return UdfSession(
            session_id=self.session.id, statement_id=self.session.statement_id, current_user=self.session.user,
            current_schema=self.session.current_schema, script_languages=languages,
            connections=connection, scripts=script_code, database_version=self.session.database.release.version,
            node_count=self.session.database.nodes,
        )


def _selects_inner_first(tree: exp.Expression) -> list[exp.Select]:
    """Every SELECT in post-order: children before parents, earlier CTEs before later ones.

    A call's input is read with the CTEs it can see, so a CTE holding a UDF call must be substituted before a
    later CTE that reads it is materialised."""
    ordered: list[exp.Select] = []

    def visit(node: exp.Expression) -> None:
        for child in node.iter_expressions():
            visit(child)
        if isinstance(node, exp.Select):
            ordered.append(node)

    visit(tree)
    return ordered


def _visible_ctes(select: exp.Select) -> list[exp.CTE]:
    """Copies of the CTEs of enclosing queries that ``select`` may read (inside a CTE: only the earlier ones).

    The input query of a UDF call is run on its own, detached from the statement, so without these a call
    over ``FROM src`` where ``src`` is a CTE would name a table that does not exist."""
    visible: list[exp.CTE] = []
    node: exp.Expression = select
    while node.parent is not None:
        parent = node.parent
        if isinstance(parent, exp.With):
            position = next(i for i, cte in enumerate(parent.expressions) if cte is node)
            visible = [cte.copy() for cte in parent.expressions[:position]] + visible
            node = parent.parent if parent.parent is not None else parent
            continue
        enclosing = parent.args.get("with_")
        if isinstance(enclosing, exp.With) and enclosing is not node:
            visible = [cte.copy() for cte in enclosing.expressions] + visible
        node = parent
    return visible


def _unalias(node: exp.Expression) -> exp.Expression:
    return node.this if isinstance(node, exp.Alias) else node


def _split_emits_marker(call: exp.Anonymous) -> tuple[list[exp.Expression], list[tuple[str, ExaType]] | None]:
    arguments = list(call.expressions)
    if arguments and isinstance(arguments[-1], exp.Anonymous) and str(arguments[-1].name).upper() == EMITS_MARKER:
        marker = arguments.pop()
        return arguments, _parse_column_list(marker.expressions[0].name)
    return arguments, None


def _parse_column_list(text: str) -> list[tuple[str, ExaType]]:
    """``a DOUBLE, "b" VARCHAR(10)`` → [(name, type)]; names keep their case like script columns."""
    tokens = tokenize(text)
    columns, position = [], 0
    while tokens[position].kind != END:
        name = tokens[position].text
        position += 1
        start, depth = tokens[position].start, 0
        end = start
        while tokens[position].kind != END and not (depth == 0 and tokens[position].is_symbol(",")):
            depth += {"(": 1, ")": -1}.get(tokens[position].text, 0)
            end = tokens[position].end
            position += 1
        columns.append((name, parse_exa_type(text[start:end])))
        if tokens[position].is_symbol(","):
            position += 1
    if not columns:
        raise syntax_error("EMITS needs at least one column")
    return columns


def _input_name(argument: exp.Expression, position: int) -> str:
    if isinstance(argument, exp.Column):
        return argument.name
    return f"ARG{position + 1}"


def _call_text(call: exp.Expression) -> str:
    return call.sql(dialect="exasol").upper()


def _groups(script: Script, arguments: ColumnBatch, others: list[ColumnArray], keys: list[ColumnArray],
            group_count: int) -> tuple[list[ColumnBatch], list[ColumnArray]]:
    """Input groups for the executor, and the other select items to put beside each RETURNS value (per row for
    SCALAR scripts, per group for SET scripts).

    SCALAR scripts get all rows as one group: their VM calls ``run`` once per row, and RETURNS yields one value
    per row in order, so the association with the other select items holds."""
    rows = arguments.row_count
    if script.input_type == "SCALAR":
        return ([arguments] if rows else []), others
    if group_count == 0:
        if others:
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, "select items next to a SET UDF must be GROUP BY expressions")
        return ([arguments] if rows else []), []
    positions = group_indices(keys, rows)
    first_rows = numpy.array([group[0] for group in positions], dtype=numpy.int64)
    return [arguments.take(group) for group in positions], [other.take(first_rows) for other in others]


def _kinds(columns: list[tuple[str, ExaType]]) -> list[str]:
    return [kind_of_exa_type(exa_type.name, exa_type.precision, exa_type.scale) for _, exa_type in columns]


def _udf_script(script: Script) -> Any:
    from sme_local.exasol.udf.model import UdfColumn, UdfScript

    parameters = None if script.dynamic_input else tuple(UdfColumn(p.name, p.sql_type) for p in script.parameters)
    if script.dynamic_output:
        outputs = None
    else:
        outputs = tuple(UdfColumn(e.name or script.name, e.sql_type) for e in script.emits)
    return UdfScript(script.schema, script.name, script.language, script.input_type, parameters,
                     script.result_type, outputs, script.body)
