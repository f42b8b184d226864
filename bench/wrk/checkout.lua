-- wrk script for bench/checkout-wrk: posts each prepared cart exactly once to POST /api/v1/orders with its
-- customer's token and its own Idempotency-Key, and counts the answers by status.
--
-- Usage: wrk -t THREADS -c CONNECTIONS -d SECONDS -s checkout.lua URL -- CARTS_FILE THREADS
-- CARTS_FILE has one checkout per line: "token cartId idempotencyKey" (written by dev.mercato.bench.PreparedCarts).
-- THREADS must repeat -t: wrk calls setup() and init() for one thread before the next is created, so a thread
-- cannot learn how many there are; each takes every THREADS-th line, so no cart is posted twice.
--
-- A cart is never reused: a second POST with its key is an idempotent replay (the stored answer, no
-- checkout), which would inflate orders/s. A thread that runs out of carts stops and says so; the run is
-- then too short of carts to be a measurement. A cart taken is not always posted: before the threads start,
-- wrk builds one request from the first thread's script only to check its shape, and requests in flight
-- when the time is up are never answered. Either way a cart is lost, never posted twice.

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   local file, count = args[1], tonumber(args[2])
   if file == nil or count == nil then
      error("usage: wrk ... -s checkout.lua URL -- CARTS_FILE THREADS")
   end
   carts = {}
   local n = 0
   for line in io.lines(file) do
      if n % count == id then
         local token, cart, key = line:match("^(%S+)%s+(%S+)%s+(%S+)$")
         if token then
            table.insert(carts, { token = token, cart = cart, key = key })
         end
      end
      n = n + 1
   end
   next_cart = 1
   -- Globals, so done() can read them from each thread with thread:get.
   available = #carts
   taken = 0
   ran_out = 0
   by_status = {}
end

function request()
   local c = carts[next_cart]
   if c == nil then
      -- Out of carts: stop this thread rather than replay one. wrk still wants a request back; the health
      -- check answers 200, which no checkout does, so it is told apart in the counts.
      ran_out = ran_out + 1
      wrk.thread:stop()
      return wrk.format("GET", "/actuator/health")
   end
   carts[next_cart] = nil
   next_cart = next_cart + 1
   taken = taken + 1
   return wrk.format("POST", "/api/v1/orders", {
      ["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. c.token,
      ["Idempotency-Key"] = c.key,
   }, '{"cartId":"' .. c.cart .. '"}')
end

-- A checkout refused at the door (503 checkout-overloaded) recorded nothing; like a storefront, the
-- connection that got it waits as long as its Retry-After says before its next request. wrk calls
-- response() and then delay() for the same connection, so the wait lands where the refusal did. The
-- refused cart is not posted again (its key was never used, but re-queueing needs a request's identity in
-- response(), which wrk does not give).
local wait_ms = 0

function response(status, headers, body)
   by_status[status] = (by_status[status] or 0) + 1
   if status == 503 then
      wait_ms = 1000 * (tonumber(headers["Retry-After"]) or 1)
   end
end

function delay()
   local d = wait_ms
   wait_ms = 0
   return d
end

function done(summary, latency, requests)
   local total = { available = 0, taken = 0, ran_out = 0, status = {} }
   local threads_out = 0
   for _, thread in ipairs(threads) do
      total.available = total.available + thread:get("available")
      total.taken = total.taken + thread:get("taken")
      local out = thread:get("ran_out")
      total.ran_out = total.ran_out + out
      if out > 0 then
         threads_out = threads_out + 1
      end
      for status, n in pairs(thread:get("by_status")) do
         total.status[status] = (total.status[status] or 0) + n
      end
   end
   local seconds = summary.duration / 1e6
   local placed = total.status[201] or 0
   local answered = 0
   local parts = {}
   local statuses = {}
   for status in pairs(total.status) do
      table.insert(statuses, status)
   end
   table.sort(statuses)
   for _, status in ipairs(statuses) do
      local n = total.status[status]
      if status ~= 200 then
         answered = answered + n
      end
      table.insert(parts, string.format("%d: %d", status, n))
   end
   local e = summary.errors
   io.write("\n-- checkout.lua --\n")
   io.write(string.format("carts available %d, taken %d (%.0f %%), answered %d; the other %d: one to check the"
      .. " script's request, never sent, and those in flight when the time was up\n",
      total.available, total.taken, 100 * total.taken / math.max(1, total.available), answered,
      total.taken - answered))
   io.write("answers by status: " .. table.concat(parts, ", ") .. (total.status[200] and
      " (200 = health checks sent after running out, not checkouts)" or "") .. "\n")
   io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\n",
      e.connect, e.read, e.write, e.timeout))
   if total.ran_out > 0 then
      io.write(string.format("RAN OUT of carts in %d of %d threads: prepare more; this run is not a measurement\n",
         threads_out, #threads))
   else
      io.write("did not run out of carts\n")
   end
   io.write(string.format("orders placed (201): %d in %.1f s = %.1f orders/s\n", placed, seconds, placed / seconds))
   io.write(string.format("latency of every answer: mean %.1f ms, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
      latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000))
   -- One line for bench/checkout-wrk to read.
   io.write(string.format("WRK placed=%d seconds=%.3f per_second=%.2f mean_ms=%.2f p50_ms=%.2f p99_ms=%.2f"
      .. " available=%d taken=%d answered=%d ran_out=%d\n",
      placed, seconds, placed / seconds, latency.mean / 1000, latency:percentile(50) / 1000,
      latency:percentile(99) / 1000, total.available, total.taken, answered, total.ran_out))
end
