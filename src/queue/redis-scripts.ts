// Lua scripts of the Redis scheduler. Each runs atomically in Redis, so what it reads (the queue's
// lists) and what it publishes (rank updates) cannot be overtaken by a worker taking a job meanwhile:
// a job's `queued` events always reach listeners before its `started`.
//
// Shared arguments: KEYS[1] this event's BullMQ "wait" list, KEYS[2] its "active" list, KEYS[3..] the wait
// lists of every event of the app (maxSize and queueSize count them all). ARGV[1] the events channel,
// ARGV[2] the event's concurrency limit (-1: none), ARGV[3] its average duration in seconds (-1: unknown).
// A job's rank is how many jobs will start before it: those ahead of it in the wait list, less the free
// slots (a job that will start at once is at rank 0).

const RANK = `
local function total_waiting()
  local total = 0
  for i = 3, #KEYS do total = total + redis.call('LLEN', KEYS[i]) end
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
 * Admits a job: refuses it when the app's waiting jobs reach maxSize, else publishes its `queued` event
 * (the caller adds it to BullMQ next). ARGV[4] maxSize (-1: none), ARGV[5] the job's id.
 * Returns {1, waiting} when admitted, {0, waiting} when the queue is full.
 */
export const ADMIT = `${RANK}
local total = total_waiting()
local max = tonumber(ARGV[4])
if max >= 0 and total >= max then return {0, total} end
local waiting = redis.call('LLEN', KEYS[1])
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
local total = total_waiting()
local out = {}
for i = 4, #ARGV do
  local p = position[ARGV[i]]
  if p then out[#out + 1] = queued(string.sub(ARGV[i], 2), p, free, total) end
end
if #out > 0 then redis.call('PUBLISH', ARGV[1], cjson.encode(out)) end
return #out
`;
