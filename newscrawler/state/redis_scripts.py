"""The Redis store's Lua scripts: each write that must be atomic is one script (``state/redis.py``).

The claim script applies the claim rule of ``state/rules.py``; all of them take the key prefix
first and use the key layout that ``state/redis.py``'s docstring lists.
"""

# Deleting an article: its keys, fingerprint entry, LSH buckets, pending mark.
DELETE = """
local function delete_article(P, id)
  local a = redis.call('HMGET', P..':a:'..id, 'k', 'b', 'f', 'o')
  if a[1] then
    for k in string.gmatch(a[1], '%S+') do
      if redis.call('HGET', P..':keys', k) == id then redis.call('HDEL', P..':keys', k) end
    end
  end
  if a[2] then
    for b in string.gmatch(a[2], '%S+') do
      local v = redis.call('HGET', P..':lsh', b)
      if v then
        local rest = {}
        for x in string.gmatch(v, '%S+') do if x ~= id then rest[#rest+1] = x end end
        if #rest == 0 then redis.call('HDEL', P..':lsh', b)
        else redis.call('HSET', P..':lsh', b, table.concat(rest, ' ')) end
      end
    end
  end
  if a[3] and redis.call('HGET', P..':fp', a[3]) == id then redis.call('HDEL', P..':fp', a[3]) end
  if a[4] then redis.call('SREM', P..':pending:'..a[4], id) end
  redis.call('DEL', P..':a:'..id)
end
"""

# ARGV: prefix, owner, url, fp, sig, listed, fetched, known revision, number of keys, keys...,
# number of dead owners, dead owners..., bands...
# The claim rule of state/rules.py (claim_revision), in one script: refused by 1. another owner's
# pending claim on a key while that owner is alive (its lease runs and it is not among the dead
# owners: those of this host whose process is gone, which Lua cannot see), 2. a revision above the
# known one, 3. no key known and the text claimed; else the next revision, replacing the keys'
# articles. Refused by 1, it returns that owner (the caller checks its process and may retry).
CLAIM = (
    DELETE
    + """
local P, owner = ARGV[1], ARGV[2]
if redis.call('HEXISTS', P..':meta', 'schema') == 0 then return -1 end  -- emptied under us
local known = tonumber(ARGV[8])
local nk = tonumber(ARGV[9])
local keys, bands, dead = {}, {}, {}
for i = 1, nk do keys[i] = ARGV[9 + i] end
local nd = tonumber(ARGV[10 + nk])
for i = 1, nd do dead[ARGV[10 + nk + i]] = true end
for i = 11 + nk + nd, #ARGV do bands[#bands + 1] = ARGV[i] end
local ids, rev = {}, 0
for _, k in ipairs(keys) do
  local id = redis.call('HGET', P..':keys', k)
  if id and not ids[id] then
    ids[id] = true
    local a = redis.call('HMGET', P..':a:'..id, 'o', 'r')
    if a[1] and a[1] ~= owner and not dead[a[1]] and redis.call('EXISTS', P..':lease:'..a[1]) == 1 then
      return a[1]  -- 1.
    end
    if a[2] and tonumber(a[2]) > rev then rev = tonumber(a[2]) end
  end
end
if rev > known then return false end  -- 2.
if next(ids) == nil and redis.call('HEXISTS', P..':fp', ARGV[4]) == 1 then return false end  -- 3.
for id, _ in pairs(ids) do delete_article(P, id) end
local id = tostring(redis.call('INCR', P..':next'))
rev = rev + 1
redis.call('HSET', P..':a:'..id, 'u', ARGV[3], 'f', ARGV[4], 's', ARGV[5], 'r', rev, 'l', ARGV[6],
           't', ARGV[7], 'k', table.concat(keys, ' '), 'b', table.concat(bands, ' '), 'o', owner)
for _, k in ipairs(keys) do redis.call('HSET', P..':keys', k, id) end
redis.call('HSET', P..':fp', ARGV[4], id)
for _, b in ipairs(bands) do
  local v = redis.call('HGET', P..':lsh', b)
  redis.call('HSET', P..':lsh', b, v and (v..' '..id) or id)
end
redis.call('SADD', P..':pending:'..owner, id)
redis.call('SADD', P..':owners', owner)
return rev
"""
)

# ARGV: prefix, owner, keys...: this owner's claims on those keys become permanent (only its own).
CONFIRM = """
local P, owner = ARGV[1], ARGV[2]
for i = 3, #ARGV do
  local id = redis.call('HGET', P..':keys', ARGV[i])
  if id and redis.call('HGET', P..':a:'..id, 'o') == owner then
    redis.call('HDEL', P..':a:'..id, 'o')
    redis.call('SREM', P..':pending:'..owner, id)
  end
end
return 0
"""

# ARGV: prefix, owner, keys...: forget this owner's pending claims on those keys.
RELEASE = (
    DELETE
    + """
local P, owner = ARGV[1], ARGV[2]
for i = 3, #ARGV do
  local id = redis.call('HGET', P..':keys', ARGV[i])
  if id and redis.call('HGET', P..':a:'..id, 'o') == owner then delete_article(P, id) end
end
return 0
"""
)

# ARGV: prefix, owner, only_if_expired (1/0): drop every pending claim of owner.
RELEASE_OWNER = (
    DELETE
    + """
local P, owner = ARGV[1], ARGV[2]
if ARGV[3] == '1' and redis.call('EXISTS', P..':lease:'..owner) == 1 then return 0 end
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', P..':pending:'..owner)) do
  if redis.call('HGET', P..':a:'..id, 'o') == owner then delete_article(P, id); n = n + 1 end
end
redis.call('DEL', P..':pending:'..owner)
redis.call('SREM', P..':owners', owner)
return n
"""
)

# ARGV: prefix, site, article key hash, paragraph hashes...
ADD_PARAGRAPHS = """
local P = ARGV[1]
if redis.call('SADD', P..':counted', ARGV[3]) == 0 then return 0 end
for i = 4, #ARGV do redis.call('HINCRBY', P..':para:'..ARGV[2], ARGV[i], 1) end
return 1
"""

# ARGV: prefix, source, done (1/0), offset (-1: none): a WARC file's progress, "done:offset", never
# moved back (the furthest offset, done once done).
ARCHIVE_PROGRESS = """
local P, source = ARGV[1], ARGV[2]
local done, offset = tonumber(ARGV[3]), tonumber(ARGV[4])
local old = redis.call('HGET', P..':archives', source)
if old then
  local d, o = string.match(old, '^(%d):(-?%d+)$')
  done, offset = math.max(done, tonumber(d)), math.max(offset, tonumber(o))
end
redis.call('HSET', P..':archives', source, done..':'..string.format('%d', offset))
return 1
"""
