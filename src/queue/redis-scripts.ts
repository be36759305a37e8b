// Lua scripts of the Redis scheduler. Each runs atomically in Redis, so what it reads (the queue's
// lists) and what it publishes (rank updates) cannot be overtaken by a worker taking a job meanwhile:
// a job's `queued` events always reach listeners before its `started`.
//
// Shared arguments: KEYS[1] this event's BullMQ "wait" list, KEYS[2] its "active" list, KEYS[3] the app's
// admissions in flight (a sorted set, see ADMIT), KEYS[4..] the wait lists of every event of the app
// (maxSize and queueSize count them all, and the admissions in flight). ARGV[1] the events channel,
// ARGV[2] the event's concurrency limit (-1: none), ARGV[3] its average duration in seconds (-1: unknown).
// A job's rank is how many jobs will start before it: those ahead of it in the wait list, less the free
// slots (a job that will start at once is at rank 0).

/** An admission whose job is not in BullMQ this long after is dropped (its process died in between). */
const STALE_MS = 60_000;

const RANK = `
-- Admissions in flight: jobs admitted whose BullMQ job does not exist yet. Each member is the job's
-- BullMQ key, scored with the time of its admission; a member whose job exists now is counted in a
-- wait list (or has started) and leaves the set; one older than STALE_MS (its process died between
-- admitting and adding it) is dropped. Returns how many are in flight, and how many of them are this event's.
local function in_flight()
  local now = redis.call('TIME')
  local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ms - ${STALE_MS})
  local queue = string.sub(KEYS[1], 1, -5) -- "<prefix>:<queue>:" from "<prefix>:<queue>:wait"
  local n, mine = 0, 0
  for _, key in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
    if redis.call('EXISTS', key) == 1 then
      redis.call('ZREM', KEYS[3], key)
    else
      n = n + 1
      if string.sub(key, 1, #queue) == queue then mine = mine + 1 end
    end
  end
  return n, mine, ms
end
local function total_waiting()
  local total = 0
  for i = 4, #KEYS do total = total + redis.call('LLEN', KEYS[i]) end
  return total
end
local limit = tonumber(ARGV[2])
local avg = tonumber(ARGV[3])
local function free_slots(waiting)
  if limit < 0 then return waiting + 1 end
  return math.max(0, limit - redis.call('LLEN', KEYS[2]))
end
local function queued(id, ahead, free, size)
  local rank = math.max(0, ahead - free)
  local eta = cjson.null
  if avg >= 0 then
    local slots = limit
    if slots < 1 then slots = 1000000 end
    eta = (math.floor(rank / slots) + 1) * avg + avg
  end
  return { type = 'queued', jobId = id, rank = rank, queueSize = size, eta = eta }
end
`;

/**
 * Admits a job: refuses it when the app's waiting jobs and admissions in flight reach maxSize, else
 * records it as in flight and publishes its `queued` event (the caller adds it to BullMQ next, then
 * removes it from the in-flight set). Counting admissions in flight is what makes maxSize hold when
 * several processes admit at once: each admission sees the others before their jobs reach a wait list.
 * ARGV[4] maxSize (-1: none), ARGV[5] the job's id, ARGV[6] its BullMQ key.
 * Returns {1, waiting} when admitted, {0, waiting} when the queue is full.
 */
export const ADMIT = `${RANK}
local max = tonumber(ARGV[4])
-- Without maxSize nothing needs counting exactly: no reservation.
local flying, mine, now = 0, 0, 0
if max >= 0 then flying, mine, now = in_flight() end
local total = total_waiting() + flying
if max >= 0 and total >= max then return {0, total} end
if max >= 0 then redis.call('ZADD', KEYS[3], now, ARGV[6]) end
local waiting = redis.call('LLEN', KEYS[1]) + mine
local event = queued(ARGV[5], waiting, free_slots(waiting), total + 1)
redis.call('PUBLISH', ARGV[1], cjson.encode({ event }))
return {1, total}
`;

/**
 * Publishes the current rank of each waiting job among ARGV[4..] (BullMQ ids: "j" + job id); jobs no
 * longer waiting are skipped. Returns how many are still waiting.
 */
export const RANKS = `${RANK}
local ids = redis.call('LRANGE', KEYS[1], 0, -1)
local n = #ids
local position = {}
-- BullMQ pushes new jobs on the left and takes them from the right: the last is the oldest.
for i, id in ipairs(ids) do position[id] = n - i end
local free = free_slots(n)
local total = total_waiting() + in_flight()
local out = {}
for i = 4, #ARGV do
  local p = position[ARGV[i]]
  if p then out[#out + 1] = queued(string.sub(ARGV[i], 2), p, free, total) end
end
if #out > 0 then redis.call('PUBLISH', ARGV[1], cjson.encode(out)) end
return #out
`;
