"""The one way to DuckDB: a connection wrapper that runs the SQL files in sql/, inside transactions."""

import hashlib
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"


@dataclass(frozen=True)
class SqlStatement:
    """One statement of a SQL file, and the names of the `$parameters` it uses."""

    query: str
    parameters: frozenset[str]
    kind: duckdb.StatementType


@cache
def sql_statements(name: str) -> tuple[SqlStatement, ...]:
    """The statements of `sql/<name>.sql`, as DuckDB's own parser splits them."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    return tuple(
        SqlStatement(statement.query, frozenset(statement.named_parameters), statement.type)
        for statement in duckdb.extract_statements(text)
    )


def _memory_size(text: str) -> str:
    """A DuckDB memory size such as 1GB or 512MiB; SET takes no bound parameters, so it is validated here."""
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", text.strip(), flags=re.IGNORECASE):
        raise ValueError(f"SMS_WAREHOUSE_MEMORY_LIMIT must look like 1GB or 512MiB, got {text!r}")
    return text.strip()


def _relation(name: str) -> tuple[str, SqlStatement]:
    """The relation a file defines: its name (the file's) and its one SELECT."""
    relation = Path(name).name
    if not re.fullmatch(r"[a-z][a-z0-9_]*", relation):
        raise ValueError(f"a relation file is named like a table (lower_snake_case), got {name!r}")
    statements = sql_statements(name)
    if len(statements) != 1 or statements[0].kind != duckdb.StatementType.SELECT:
        raise ValueError(f"sql/{name}.sql must hold exactly one SELECT: it defines one relation")
    return relation, statements[0]


def _bound(statement: SqlStatement, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters a statement names, so each statement gets exactly the values it uses."""
    missing = statement.parameters - params.keys()
    if missing:
        raise KeyError(f"SQL parameter(s) not provided: {', '.join(sorted(missing))}")
    return {name: params[name] for name in statement.parameters}


# The write-ahead log DuckDB lets grow before a commit folds it into the file (its default is 16 MiB). A
# backfill's window or an Infobank load writes more than that per commit, and each fold rewrote the tables'
# last row groups again; with a larger log the file is written once, when the run's last connection closes.
# Durability is the same: a committed transaction is in the log, which a crash replays on the next open.
CHECKPOINT_THRESHOLD = "1GiB"


class Warehouse:
    """A DuckDB connection that runs named SQL files with bound parameters."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, memory_limit: str | None = None) -> None:
        self.connection = connection
        connection.execute("SET TimeZone = 'Asia/Seoul'")
        connection.execute("SET enable_progress_bar = false")
        connection.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
        if memory_limit:
            connection.execute(f"SET memory_limit = '{_memory_size(memory_limit)}'")

    def run(self, name: str, **params: Any) -> duckdb.DuckDBPyConnection:
        """Run every statement of `sql/<name>.sql`; returns the connection holding the last result."""
        result = self.connection
        for statement in sql_statements(name):
            result = self.connection.execute(statement.query, _bound(statement, params))
        return result

    def rows(self, name: str, **params: Any) -> list[tuple[Any, ...]]:
        """Run `sql/<name>.sql` and fetch all rows of its last statement."""
        return self.run(name, **params).fetchall()

    def records(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run `sql/<name>.sql` and fetch its last statement's rows as dicts keyed by column name."""
        result = self.run(name, **params)
        columns = [column[0] for column in result.description or []]
        return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]

    def materialize(self, name: str, **params: Any) -> str:
        """Build the relation `sql/<name>.sql` defines (one SELECT) as a temp table named after the file, for
        the statements that follow in this connection; returns the table's name."""
        relation, statement = _relation(name)
        # The SQL text written here: the two wrappers a relation file is built with.
        self.connection.execute(
            f"CREATE OR REPLACE TEMP TABLE {relation} AS {statement.query}", _bound(statement, params)
        )
        return relation

    def define_view(self, name: str) -> str:
        """Define the relation `sql/<name>.sql` (one SELECT, no parameters) as a temp view named after the
        file: for a relation read once or twice, where copying its rows would cost more than reading them."""
        relation, statement = _relation(name)
        if statement.parameters:
            raise ValueError(f"sql/{name}.sql is a view: it cannot take parameters")
        self.connection.execute(f"CREATE OR REPLACE TEMP VIEW {relation} AS {statement.query}")
        return relation

    def register(self, view_name: str, relation: Any) -> None:
        """Expose an in-memory table (pyarrow or pandas) to SQL under `view_name`."""
        self.connection.register(view_name, relation)

    def unregister(self, view_name: str) -> None:
        self.connection.unregister(view_name)

    @contextmanager
    def transaction(self) -> Iterator["Warehouse"]:
        """Everything inside commits together, or not at all."""
        self.connection.execute("BEGIN TRANSACTION")
        try:
            yield self
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def ensure_schema(self) -> None:
        """Create every table of the warehouse that does not exist yet (sql/schema/*.sql, in name order) and
        reload the seeds, unless this file already carries exactly these schema and seed files."""
        digest = schema_digest()
        if self._applied_schema() == digest:
            return
        # One transaction: the schema and its record change together or not at all (and one commit is
        # cheaper than one for each of the files' hundreds of statements).
        with self.transaction():
            for path in _schema_files():
                self.run(f"schema/{path.stem}", seeds_dir=str(SQL_DIR / "seeds"))
            self.run("warehouse/record_schema", digest=digest)

    def _applied_schema(self) -> str | None:
        try:
            return self.rows("warehouse/applied_schema")[0][0]
        except duckdb.CatalogException:  # a new file, or one made before schemas were recorded
            return None


@contextmanager
def open_warehouse(path: Path | str, memory_limit: str | None = None) -> Iterator[Warehouse]:
    """The warehouse file at `path` on a fresh connection, with the schema in place; closed afterwards."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(path))
    try:
        warehouse = Warehouse(connection, memory_limit=memory_limit)
        warehouse.ensure_schema()
        yield warehouse
    finally:
        connection.close()


def _schema_files() -> list[Path]:
    return sorted((SQL_DIR / "schema").glob("*.sql"))


@cache
def schema_digest() -> str:
    """SHA-256 over every schema and seed file: a change to any of them re-applies the schema."""
    digest = hashlib.sha256()
    for path in [*_schema_files(), *sorted((SQL_DIR / "seeds").glob("*.csv"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
