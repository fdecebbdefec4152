-- Character counts of user text. Exasol documents unicode.utf8 as its Lua's UTF-8 library (Lua 5.4's plain
-- utf8 table is not part of the documented scripting environment), and unicode.utf8 does not promise to reject
-- malformed input, so validity is checked here byte by byte (RFC 3629: no overlong forms, no surrogates).

local M = {}

-- Byte ranges of the second byte after a lead byte that needs a narrower range than 0x80..0xBF.
local SECOND_BYTE = { [0xE0] = { 0xA0, 0xBF }, [0xED] = { 0x80, 0x9F }, [0xF0] = { 0x90, 0xBF },
    [0xF4] = { 0x80, 0x8F } }

local function sequence_length(lead)
    if lead < 0x80 then
        return 1
    elseif lead >= 0xC2 and lead <= 0xDF then
        return 2
    elseif lead >= 0xE0 and lead <= 0xEF then
        return 3
    elseif lead >= 0xF0 and lead <= 0xF4 then
        return 4
    end
    return nil
end

function M.is_utf8(text)
    local i, n = 1, #text
    while i <= n do
        local lead = text:byte(i)
        local size = sequence_length(lead)
        if size == nil or i + size - 1 > n then
            return false
        end
        for k = i + 1, i + size - 1 do
            local low, high = 0x80, 0xBF
            if k == i + 1 and SECOND_BYTE[lead] then
                low, high = SECOND_BYTE[lead][1], SECOND_BYTE[lead][2]
            end
            local byte = text:byte(k)
            if byte < low or byte > high then
                return false
            end
        end
        i = i + size
    end
    return true
end

-- The number of characters of `text`, or nil when it is not valid UTF-8.
function M.length(text)
    if not M.is_utf8(text) then
        return nil
    end
    return unicode.utf8.len(text)
end

return M
