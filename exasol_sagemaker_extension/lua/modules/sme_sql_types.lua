-- SQL types of prediction features and of PREDICTIONS, written by users (Aurora-style `bigint`, `varchar(2048)`)
-- or read from SYS.EXA_ALL_COLUMNS, turned into the canonical COLUMN_TYPE text the prediction UDF's config holds
-- (DECIMAL(18,0), VARCHAR(2048) UTF8, ...). Only the kinds the prediction path can encode and cast are accepted
-- (autopilot/sql_type.py reads the same text): DECIMAL, DOUBLE, BOOLEAN, VARCHAR, CHAR, DATE, TIMESTAMP.

local errors = require("sme_errors")

local M = {}

-- name -> { kind, precision for integer aliases }
local ALIASES = {
    ["DECIMAL"] = { "DECIMAL" }, ["DEC"] = { "DECIMAL" }, ["NUMERIC"] = { "DECIMAL" }, ["NUMBER"] = { "DECIMAL" },
    ["INT"] = { "DECIMAL", 18 }, ["INTEGER"] = { "DECIMAL", 18 }, ["BIGINT"] = { "DECIMAL", 36 },
    ["SMALLINT"] = { "DECIMAL", 9 }, ["SHORTINT"] = { "DECIMAL", 9 }, ["TINYINT"] = { "DECIMAL", 3 },
    ["DOUBLE"] = { "DOUBLE" }, ["DOUBLE PRECISION"] = { "DOUBLE" }, ["FLOAT"] = { "DOUBLE" }, ["REAL"] = { "DOUBLE" },
    ["BOOLEAN"] = { "BOOLEAN" }, ["BOOL"] = { "BOOLEAN" },
    ["VARCHAR"] = { "VARCHAR" }, ["CHARACTER VARYING"] = { "VARCHAR" }, ["VARCHAR2"] = { "VARCHAR" },
    ["NVARCHAR"] = { "VARCHAR" }, ["NVARCHAR2"] = { "VARCHAR" },
    ["CHAR"] = { "CHAR" }, ["CHARACTER"] = { "CHAR" }, ["NCHAR"] = { "CHAR" },
    ["DATE"] = { "DATE" }, ["TIMESTAMP"] = { "TIMESTAMP" },
}
local MAX_LENGTH = { VARCHAR = 2000000, CHAR = 2000 }

local function unsupported(what, text, reason)
    errors.raise_error("E-SME-63", string.format("The SQL type %q of %s %s.", tostring(text), what, reason), {
        "Use DECIMAL(p,s) (or INT, BIGINT, ...), DOUBLE, BOOLEAN, VARCHAR(n), CHAR(n), DATE or TIMESTAMP.",
        "For a table column of another type (INTERVAL, GEOMETRY, HASHTYPE), list the features explicitly, or use a"
            .. " view that casts the column.",
    })
end

local function split(text)
    local upper = text:upper():gsub("^%s+", ""):gsub("%s+$", ""):gsub("%s+", " ")
    local name, a, b, suffix = upper:match("^([A-Z][A-Z0-9 ]-) ?%( ?(%d+) ?, ?(%d+) ?%) ?(.-)$")
    if name == nil then
        name, a, suffix = upper:match("^([A-Z][A-Z0-9 ]-) ?%( ?(%d+) ?%) ?(.-)$")
    end
    if name == nil then
        name, suffix = upper, ""
        for _, ending in ipairs({ " UTF8", " ASCII", " WITH LOCAL TIME ZONE" }) do
            if upper:sub(-#ending) == ending then
                name, suffix = upper:sub(1, -#ending - 1), ending:sub(2)
            end
        end
    end
    return name, tonumber(a), tonumber(b), suffix
end

local function canonical_decimal(what, text, alias, precision, scale)
    if alias[2] ~= nil and precision ~= nil then
        unsupported(what, text, "takes no precision")
    end
    precision, scale = precision or alias[2] or 18, scale or 0
    if precision < 1 or precision > 36 or scale > precision then
        unsupported(what, text, "needs a precision from 1 to 36 and a scale from 0 to the precision")
    end
    return string.format("DECIMAL(%d,%d)", precision, scale)
end

local function canonical_text(what, text, kind, length, suffix)
    if kind == "VARCHAR" and length == nil then
        unsupported(what, text, "needs a length, e.g. VARCHAR(2000)")
    end
    length = length or 1
    if length < 1 or length > MAX_LENGTH[kind] then
        unsupported(what, text, string.format("needs a length from 1 to %d", MAX_LENGTH[kind]))
    end
    if suffix ~= "" and suffix ~= "UTF8" and suffix ~= "ASCII" then
        unsupported(what, text, "has an unknown character set")
    end
    return string.format("%s(%d) %s", kind, length, suffix ~= "" and suffix or "UTF8")
end

-- The canonical COLUMN_TYPE of `text`; `what` names the feature or key in errors (E-SME-63).
function M.canonical(text, what)
    if type(text) ~= "string" then
        unsupported(what, text, "is not a string")
    end
    local name, a, b, suffix = split(text)
    local alias = ALIASES[name]
    if alias == nil then
        unsupported(what, text, "is not supported for prediction")
    end
    local kind = alias[1]
    if name == "NUMBER" and a == nil then -- Exasol: NUMBER without precision is DOUBLE
        kind = "DOUBLE"
    end
    local takes_suffix = kind == "VARCHAR" or kind == "CHAR" or kind == "TIMESTAMP"
    if (suffix ~= "" and not takes_suffix) or (b ~= nil and kind ~= "DECIMAL")
        or (a ~= nil and kind ~= "DECIMAL" and not takes_suffix) then
        unsupported(what, text, "is not written as Exasol writes it")
    end
    if kind == "DECIMAL" then
        return canonical_decimal(what, text, alias, a, b)
    elseif kind == "VARCHAR" or kind == "CHAR" then
        return canonical_text(what, text, kind, a, suffix)
    elseif kind == "TIMESTAMP" then
        if suffix ~= "" and suffix ~= "WITH LOCAL TIME ZONE" or (a ~= nil and a > 9) then
            unsupported(what, text, "is not a TIMESTAMP Exasol knows")
        end
        return "TIMESTAMP" .. (a and string.format("(%d)", a) or "") .. (suffix ~= "" and " " .. suffix or "")
    end
    return kind
end

return M
