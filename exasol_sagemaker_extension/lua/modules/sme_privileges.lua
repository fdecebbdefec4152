-- Missing privileges, said as the GRANT that fixes them. The scripts run with the caller's privileges (Exasol
-- runs scripting programs as the executing user), so every statement they send needs the caller's own grants;
-- doc/user_guide.md, "Permissions", lists them all. A statement Exasol refuses for lack of a privilege fails
-- with SQL state 42500.

local identifiers = require("sme_identifiers")

local M = {}

M.INSUFFICIENT_PRIVILEGES = "42500"

local GUIDE = "doc/user_guide.md, section Permissions, lists every grant the extension needs."

-- "GRANT <what> TO <current user>" for each entry of `what` (e.g. "SELECT ON \"DATA\".\"CHURN\"").
function M.grants(what)
    local statements = {}
    for i, privilege in ipairs(what) do
        statements[i] = "GRANT " .. privilege .. " TO " .. identifiers.quote(exa.meta.current_user)
    end
    return statements
end

-- The mitigations of E-SME-58/59: the grants to ask the administrator for, then the guide.
function M.mitigations(what)
    return { "Ask your database administrator to run: " .. table.concat(M.grants(what), "; ") .. ".", GUIDE }
end

-- The system privileges a deployment needs after the endpoint exists (its model connection, its prediction UDF),
-- checked before anything is created. Raises E-SME-59 naming the missing ones. EXA_SESSION_PRIVS lists the
-- system privileges the user holds, directly or through roles.
function M.check_deployment(database, errors, schema)
    local held = database.index("SELECT PRIVILEGE FROM SYS.EXA_SESSION_PRIVS WHERE PRIVILEGE IN"
        .. " ('CREATE CONNECTION', 'CREATE SCRIPT', 'CREATE ANY SCRIPT')", nil, {
            code = "E-SME-18",
            message = "Reading SYS.EXA_SESSION_PRIVS failed",
            mitigations = { "Check that you may read SYS.EXA_SESSION_PRIVS." },
        })
    local missing = {}
    if not held["CREATE CONNECTION"] then
        missing[#missing + 1] = "CREATE CONNECTION"
    end
    if not (held["CREATE SCRIPT"] or held["CREATE ANY SCRIPT"]) then
        missing[#missing + 1] = "CREATE SCRIPT"
    end
    if #missing > 0 then
        local mitigations = M.mitigations(missing)
        table.insert(mitigations, 2, string.format("CREATE SCRIPT creates the prediction UDF only in a schema you"
            .. " own; otherwise ALTER SCHEMA %s CHANGE OWNER %s, or grant CREATE ANY SCRIPT.",
            identifiers.quote(schema), identifiers.quote(exa.meta.current_user)))
        errors.raise_error("E-SME-59", string.format("The user %s may not deploy: it lacks the system privilege %s"
            .. " for the model connection and the prediction UDF. Nothing was created.",
            identifiers.quote(exa.meta.current_user), table.concat(missing, " and ")), mitigations)
    end
end

return M
