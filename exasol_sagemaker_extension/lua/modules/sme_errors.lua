-- Errors of the orchestration scripts in the exact text format of Python's SmeError
-- ("E-SME-<n>: message" followed by one "Mitigation: ..." line per mitigation), so a SQL user sees one style
-- whichever part of the extension failed. Lua owns the codes E-SME-1..99; the table is in doc/user_guide.md.

local M = {}

-- Returns the text of an error; a user error (E-) without a mitigation is a programming mistake.
function M.format_error(code, message, mitigations)
    mitigations = mitigations or {}
    if type(code) ~= "string" or not code:match("^[EF]%-SME%-%d+$") then
        error("not an SME error code: " .. tostring(code), 2)
    end
    if code:sub(1, 1) == "E" and #mitigations == 0 then
        error("user error " .. code .. " needs at least one mitigation", 2)
    end
    local lines = { code .. ": " .. message }
    for _, mitigation in ipairs(mitigations) do
        lines[#lines + 1] = "Mitigation: " .. mitigation
    end
    return table.concat(lines, "\n")
end

-- Ends the script with the error; level 0 keeps Lua's position prefix out of the user-facing text.
function M.raise_error(code, message, mitigations)
    error(M.format_error(code, message, mitigations), 0)
end

return M
