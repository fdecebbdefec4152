-- Exasol identifiers given by users: the same rules as in SQL, so users can name objects in the JSON exactly as
-- they would in a statement. Unquoted names (ASCII letters, digits, underscores, starting with a letter) are
-- converted to upper case; names in double quotes are kept exactly, with "" standing for one quote. Every name
-- that goes into generated SQL passes through quote(), so no name can end a literal or inject a statement.

local errors = require("sme_errors")
local text = require("sme_text")

local M = {}

local MAX_LENGTH = 128

local function invalid(what, value, reason)
    errors.raise_error("E-SME-7", string.format("Invalid name for %s: %q %s.", what, value, reason), {
        "Unquoted names may contain only ASCII letters, digits and underscores and must start with a letter;"
            .. " they are converted to upper case.",
        "Write any other name in double quotes, e.g. \"\\\"My Table\\\"\" inside the JSON string; a quote inside"
            .. " the name is written twice.",
        "Names are 1 to " .. MAX_LENGTH .. " characters long.",
    })
end

local function unquote(what, value)
    if #value < 2 or value:sub(-1) ~= '"' then
        invalid(what, value, "has no closing double quote")
    end
    local inner = value:sub(2, -2)
    if inner:gsub('""', ""):find('"', 1, true) then
        invalid(what, value, "contains a single double quote; write it twice inside a quoted name")
    end
    return (inner:gsub('""', '"'))
end

-- The name Exasol stores for an identifier written as `value`; `what` names the key or argument for errors.
function M.normalize(value, what)
    if not text.is_utf8(value) then
        invalid(what, value, "is not valid UTF-8")
    end
    local name
    if value:sub(1, 1) == '"' then
        name = unquote(what, value)
    elseif value:match("^[A-Za-z][A-Za-z0-9_]*$") then
        name = value:upper()
    else
        invalid(what, value, "is not a valid unquoted name")
    end
    if name == "" then
        invalid(what, value, "is empty")
    end
    if text.length(name) > MAX_LENGTH then
        invalid(what, value, "is longer than " .. MAX_LENGTH .. " characters")
    end
    if name:find("%c") then
        invalid(what, value, "contains a control character")
    end
    return name
end

-- The identifier as a quoted SQL identifier.
function M.quote(name)
    return '"' .. name:gsub('"', '""') .. '"'
end

-- "SCHEMA"."OBJECT"
function M.qualified(schema, name)
    return M.quote(schema) .. "." .. M.quote(name)
end

return M
