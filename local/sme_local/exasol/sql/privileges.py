"""Who may do what: the privilege checks of one session's user, with Exasol's texts (SQL state 42500).

The admin user the emulator was started with plays SYS: it has the DBA role, so every check passes for it and
a single-user emulator behaves exactly as before users existed. Other users (CREATE USER) start with nothing;
GRANT gives them system privileges, object privileges on a schema or one of its objects, connections (use in
IMPORT/EXPORT) and ACCESS on connections (read from a script with ``exa.get_connection``). Grants to PUBLIC
apply to everyone. The owner of a schema (its creator, or the user named by ALTER SCHEMA … CHANGE OWNER) holds
every object privilege on the schema's objects. Facts and sources: local/sme_local/exasol/README.md, "Users and
privileges".
"""

from __future__ import annotations

from sqlglot import exp

from sme_local.exasol.catalog.store import CatalogStore, Grant, Script
from sme_local.exasol.sql.errors import INSUFFICIENT_PRIVILEGES, SqlError

PUBLIC = "PUBLIC"
DBA_ROLE = "DBA"
ROLES = (DBA_ROLE, PUBLIC)

# The system privileges GRANT accepts (docs.exasol.com, "Details on rights management"); the emulator checks the
# ones its statements need and records the others, so a script granting them runs unchanged.
SYSTEM_PRIVILEGES = frozenset({
    "GRANT ANY OBJECT PRIVILEGE", "GRANT ANY PRIVILEGE", "SET ANY CONSUMER GROUP", "MANAGE CONSUMER GROUPS",
    "CREATE SESSION", "KILL ANY SESSION", "ALTER SYSTEM", "IMPORT", "EXPORT", "CREATE USER", "ALTER USER",
    "DROP USER", "IMPERSONATE ANY USER", "CREATE ROLE", "DROP ANY ROLE", "GRANT ANY ROLE", "CREATE CONNECTION",
    "ALTER ANY CONNECTION", "DROP ANY CONNECTION", "GRANT ANY CONNECTION", "USE ANY CONNECTION",
    "ACCESS ANY CONNECTION", "CREATE SCHEMA", "ALTER ANY SCHEMA", "DROP ANY SCHEMA", "USE ANY SCHEMA",
    "CREATE VIRTUAL SCHEMA", "ALTER ANY VIRTUAL SCHEMA", "ALTER ANY VIRTUAL SCHEMA REFRESH",
    "DROP ANY VIRTUAL SCHEMA", "CREATE TABLE", "CREATE ANY TABLE", "ALTER ANY TABLE", "DELETE ANY TABLE",
    "DROP ANY TABLE", "INSERT ANY TABLE", "SELECT ANY TABLE", "SELECT ANY DICTIONARY", "UPDATE ANY TABLE",
    "CREATE VIEW", "CREATE ANY VIEW", "DROP ANY VIEW", "CREATE FUNCTION", "CREATE ANY FUNCTION",
    "DROP ANY FUNCTION", "EXECUTE ANY FUNCTION", "CREATE SCRIPT", "CREATE ANY SCRIPT", "DROP ANY SCRIPT",
    "EXECUTE ANY SCRIPT", "ALTER SESSION",
})
# The privilege a DML statement needs on its target table.
_TARGET_PRIVILEGES: tuple[tuple[type[exp.Expression], tuple[str, ...]], ...] = (
    (exp.Insert, ("INSERT",)), (exp.Update, ("UPDATE",)), (exp.Delete, ("DELETE",)),
    (exp.TruncateTable, ("DELETE",)), (exp.Merge, ("INSERT", "UPDATE")),
)
# Object privileges (ALL stands for all of them on the object or schema).
OBJECT_PRIVILEGES = frozenset({"ALTER", "SELECT", "INSERT", "UPDATE", "DELETE", "REFERENCES", "EXECUTE", "USAGE",
                               "ACCESS", "ALL"})


def insufficient(text: str) -> SqlError:
    return SqlError(INSUFFICIENT_PRIVILEGES, f"insufficient privileges{text}")


class Privileges:
    """The checks for ``user``; ``admin_user`` is the emulator's SYS (DBA)."""

    def __init__(self, store: CatalogStore, user: str, admin_user: str) -> None:
        self._store = store
        self.user = user
        self._admin_user = admin_user

    # -- what the user holds -------------------------------------------------------------------------------
    def _grants(self) -> list[Grant]:
        return [g for g in self._store.grants() if g.grantee in (self.user, PUBLIC)]

    def is_dba(self) -> bool:
        return self.user == self._admin_user or any(g.privilege == DBA_ROLE and g.on_kind is None
                                                    for g in self._grants())

    def has_system(self, privilege: str) -> bool:
        return self.is_dba() or any(g.privilege == privilege and g.on_kind is None for g in self._grants())

    def system_privileges(self) -> frozenset[str]:
        """Every system privilege the user holds (EXA_SESSION_PRIVS); the DBA holds them all."""
        if self.is_dba():
            return SYSTEM_PRIVILEGES
        return frozenset(g.privilege for g in self._grants() if g.on_kind is None and g.privilege not in ROLES)

    def can_see(self, schema: str, name: str) -> bool:
        """Whether EXA_ALL_* lists the object: the user may use it in some way (owner, a grant on it or its schema,
        or an ANY privilege for tables or scripts)."""
        if self.is_dba() or self.owns_schema(schema) or self.has_system("SELECT ANY TABLE") \
                or self.has_system("EXECUTE ANY SCRIPT"):
            return True
        return any((g.on_kind == "SCHEMA" and g.on_schema == schema)
                   or (g.on_kind == "OBJECT" and (g.on_schema, g.on_name) == (schema, name)) for g in self._grants())

    def schema_owner(self, schema: str) -> str:
        return self._store.schema_owner(schema) or self._admin_user

    def owns_schema(self, schema: str) -> bool:
        return self.schema_owner(schema) == self.user

    def has_object(self, privilege: str, schema: str, name: str, any_privilege: str) -> bool:
        """``privilege`` on ``schema.name``: as DBA, schema owner, holder of ``any_privilege`` (e.g. SELECT ANY
        TABLE) or of a grant on the object or on its schema."""
        if self.has_system(any_privilege) or self.owns_schema(schema):
            return True
        for grant in self._grants():
            if grant.privilege not in (privilege, "ALL"):
                continue
            if grant.on_kind == "SCHEMA" and grant.on_schema == schema:
                return True
            if grant.on_kind == "OBJECT" and (grant.on_schema, grant.on_name) == (schema, name):
                return True
        return False

    # -- checks (raise SqlError 42500) ---------------------------------------------------------------------
    def check_sql(self, tree: exp.Expression) -> None:
        """A plain SQL statement after its tables were qualified: the right on its target (CREATE/DROP/ALTER in
        the schema, INSERT/UPDATE/DELETE on the table) and SELECT on every other table or view it reads. A view
        is checked, not what it reads: Exasol runs views with their owner's privileges."""
        if self.is_dba():
            return
        tables = [t for t in tree.find_all(exp.Table) if t.db and not t.catalog]  # CTEs, SYS and temp tables: no
        target = tree.find(exp.Table) if not isinstance(tree, (exp.Select, exp.SetOperation, exp.Subquery)) else None
        if target is not None and target.db:
            self._check_target(tree, target.db, target.name)
        for table in tables:
            if table is not target:
                self.require_table_privilege("SELECT", table.db, table.name)

    def _check_target(self, tree: exp.Expression, schema: str, name: str) -> None:
        kind = str(tree.args.get("kind") or "").upper()
        if isinstance(tree, exp.Create):
            self.require_create(kind, schema)
        elif isinstance(tree, exp.Drop):
            self.require_drop(kind, schema)
        elif isinstance(tree, exp.Alter):
            self.require_alter_table(schema, name)
        for statement, privileges in _TARGET_PRIVILEGES:
            if isinstance(tree, statement):
                for privilege in privileges:
                    self.require_table_privilege(privilege, schema, name)

    def require_table_privilege(self, privilege: str, schema: str, name: str) -> None:
        """SELECT/INSERT/UPDATE/DELETE on a table or view (Exasol names both "table" in the message)."""
        if not self.has_object(privilege, schema, name, f"{privilege} ANY TABLE"):
            raise insufficient(f": {privilege} on table {name}")

    def require_create(self, kind: str, schema: str) -> None:
        """CREATE TABLE/VIEW/SCRIPT in ``schema``: CREATE ANY <kind>, or CREATE <kind> in a schema one owns."""
        if self.has_system(f"CREATE ANY {kind}") or (self.owns_schema(schema) and self.has_system(f"CREATE {kind}")):
            return
        raise insufficient(f" for creating {kind.lower()} in schema {schema}")

    def require_drop(self, kind: str, schema: str) -> None:
        if not (self.has_system(f"DROP ANY {kind}") or self.owns_schema(schema)):
            raise insufficient(f" for dropping {kind.lower()} in schema {schema}")

    def require_alter_table(self, schema: str, name: str) -> None:
        if not self.has_object("ALTER", schema, name, "ALTER ANY TABLE"):
            raise insufficient(f": ALTER on table {name}")

    def require_system(self, privilege: str, action: str) -> None:
        """A statement guarded by one system privilege, e.g. CREATE SCHEMA → "… for creating schema"."""
        if not self.has_system(privilege):
            raise insufficient(f" for {action}")

    def require_drop_schema(self, schema: str) -> None:
        if not (self.has_system("DROP ANY SCHEMA") or self.owns_schema(schema)):
            raise insufficient(" for dropping schema")

    def require_execute_script(self, script: Script) -> None:
        """EXECUTE SCRIPT (a Lua scripting program)."""
        if not self.has_object("EXECUTE", script.schema, script.name, "EXECUTE ANY SCRIPT"):
            raise insufficient(" for executing a script")

    def require_call(self, script: Script) -> None:
        """A UDF call in a query."""
        if not self.has_object("EXECUTE", script.schema, script.name, "EXECUTE ANY SCRIPT"):
            raise insufficient(" for calling script")

    def holds_connection(self, name: str, with_admin: bool = False) -> bool:
        return any(g.privilege == "CONNECTION" and g.on_name == name and (g.with_admin or not with_admin)
                   for g in self._grants())

    def require_connection_use(self, name: str) -> None:
        """A connection named in IMPORT/EXPORT: USE ANY CONNECTION or GRANT CONNECTION (ACCESS does not count)."""
        if not (self.has_system("USE ANY CONNECTION") or self.holds_connection(name)):
            raise insufficient(f" for using connection {name}")

    def may_access_connection(self, name: str, script: Script) -> bool:
        """``exa.get_connection(name)`` inside ``script``: ACCESS ANY CONNECTION, or ACCESS on the connection for
        every script, for the script's schema or for this script (GRANT CONNECTION alone does not count)."""
        if self.has_system("ACCESS ANY CONNECTION"):
            return True
        for grant in self._grants():
            if grant.privilege != "ACCESS" or grant.on_kind != "CONNECTION" or grant.on_name != name:
                continue
            if grant.for_kind is None:
                return True
            if grant.for_kind == "SCHEMA" and grant.for_name == script.schema:
                return True
            if grant.for_kind == "SCRIPT" and (grant.for_schema, grant.for_name) == (script.schema, script.name):
                return True
        return False

    def require_grant_right(self, grant: Grant) -> None:
        """Who may GRANT/REVOKE what (docs.exasol.com sql/grant.htm, "Prerequisites")."""
        if grant.on_kind in ("SCHEMA", "OBJECT"):
            allowed = self.has_system("GRANT ANY OBJECT PRIVILEGE") or self.owns_schema(grant.on_schema or "")
        elif grant.on_kind == "CONNECTION":
            allowed = self.has_system("GRANT ANY CONNECTION") or self.holds_connection(grant.on_name or "", True)
        elif grant.privilege in ROLES:
            allowed = self.has_system("GRANT ANY ROLE")
        else:
            allowed = self.has_system("GRANT ANY PRIVILEGE")
        if not allowed:
            raise insufficient(f" for granting {grant.privilege}")
