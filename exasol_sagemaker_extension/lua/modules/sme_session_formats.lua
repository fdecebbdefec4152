-- The training export in fixed formats, whatever the caller's session settings. Exasol's EXPORT writes DATE and
-- TIMESTAMP columns without a FORMAT in the session's NLS_DATE_FORMAT / NLS_TIMESTAMP_FORMAT (docs "Format
-- Models"), and numbers with NLS_NUMERIC_CHARACTERS' decimal character, so a session with ',.' would hand
-- Autopilot "0,7" for 0.7. The script runs in the caller's session: the settings are changed only where they
-- differ from the fixed ones, and restored afterwards, also when the export fails.

local database = require("sme_database")
local errors = require("sme_errors")

local M = {}

-- The formats of the developer guide's "Exasol CSV", in the order EXA_PARAMETERS is read.
M.FIXED = {
    { name = "NLS_DATE_FORMAT", value = "YYYY-MM-DD" },
    { name = "NLS_NUMERIC_CHARACTERS", value = ".," },
    { name = "NLS_TIMESTAMP_FORMAT", value = "YYYY-MM-DD HH24:MI:SS.FF6" },
}

local function current_values()
    return database.index("SELECT PARAMETER_NAME, SESSION_VALUE FROM SYS.EXA_PARAMETERS WHERE PARAMETER_NAME"
        .. " IN ('NLS_DATE_FORMAT', 'NLS_NUMERIC_CHARACTERS', 'NLS_TIMESTAMP_FORMAT') ORDER BY PARAMETER_NAME", nil, {
            code = "E-SME-18",
            message = "Reading the session's NLS settings from SYS.EXA_PARAMETERS failed",
            mitigations = { "Check that you may read SYS.EXA_PARAMETERS." },
        }, 2)
end

local function set(name, value, failure)
    database.run("ALTER SESSION SET " .. name .. " = :value", { value = value }, failure)
end

-- Runs `export()` with the fixed formats and returns its result; the session's own values are restored after.
function M.with_fixed_formats(export)
    local before, changed = current_values(), {}
    for _, fixed in ipairs(M.FIXED) do
        if before[fixed.name] ~= fixed.value then
            set(fixed.name, fixed.value, {
                code = "E-SME-56",
                message = "Setting " .. fixed.name .. " for the training export failed",
                mitigations = { "Run ALTER SESSION SET " .. fixed.name .. " = '" .. fixed.value .. "' yourself and"
                    .. " train again." },
            })
            changed[#changed + 1] = fixed.name
        end
    end
    local ok, result = pcall(export)
    for _, name in ipairs(changed) do
        set(name, before[name], {
            code = "E-SME-57",
            message = "Restoring the session's " .. name .. " after the training export failed; the session now"
                .. " uses the export's format",
            mitigations = { "Run ALTER SESSION SET " .. name .. " = '" .. tostring(before[name]) .. "'." },
        })
    end
    if not ok then
        error(result, 0)
    end
    return result
end

return M
