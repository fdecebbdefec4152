-- unicode.utf8, the UTF-8 string library Exasol documents for its Lua (docs "Scripting > Libraries"): the string
-- functions counted in characters instead of bytes. Exasol's scripting environment has no plain `utf8` global in
-- its documentation, so the sandbox offers only this table; scripts that reach for Lua 5.4's `utf8` fail here
-- as they may on a real database.
--
-- Built on Lua 5.4's utf8 functions (captured before the sandbox removes the global). upper/lower use the host's
-- Unicode case mapping. Deviation: find, match, gmatch and gsub are the byte-oriented string functions (their
-- positions count bytes and %a etc. match ASCII only); len returns nil for invalid UTF-8.

local std_utf8, upper, lower = ...

local char, codepoint, offset, codes, len = std_utf8.char, std_utf8.codepoint, std_utf8.offset, std_utf8.codes,
    std_utf8.len
local concat = table.concat

-- The byte range of characters i..j (negative positions count from the end), or nil when it is empty.
local function byte_range(s, i, j)
    local n = len(s)
    if n == nil then
        error("invalid UTF-8 string", 3)
    end
    i, j = i or 1, j or -1
    if i < 0 then i = n + i + 1 end
    if j < 0 then j = n + j + 1 end
    if i < 1 then i = 1 end
    if j > n then j = n end
    if i > j then
        return nil
    end
    local first = offset(s, i)
    local after = offset(s, j + 1) or #s + 1
    return first, after - 1
end

local M = {}

M.len = function(s)
    return len(s)
end

M.sub = function(s, i, j)
    local first, last = byte_range(s, i, j)
    return first and s:sub(first, last) or ""
end

M.byte = function(s, i, j)
    i = i or 1
    local first, last = byte_range(s, i, j or i)
    if first == nil then
        return
    end
    return codepoint(s, first, last)
end

M.char = char

M.reverse = function(s)
    local characters = {}
    for _, code in codes(s) do
        table.insert(characters, 1, char(code))
    end
    return concat(characters)
end

M.upper, M.lower = upper, lower
M.rep, M.format = string.rep, string.format
M.find, M.match, M.gmatch, M.gsub = string.find, string.match, string.gmatch, string.gsub

return M
