"""The serving lab's server in Python: aiohttp on asyncio, with the wire
protocol, the model and the policy of the Rust reference
(exercises/serving's DynamicBatcher behind src/serving/http.rs).

    python3 serving.py --port 8080      # serves POST /infer until Ctrl-C

`POST /infer` takes {"prompt": 7, "class": "interactive", "deadline_ms": 100}
and answers 200 {"output": ..., "batch": n}, 503 with Retry-After when the
class's queue is full, 504 when the deadline comes first, 400 on a bad body.

The policy, as in Rust: a bounded queue per class; batch requests queue
`aging` behind their arrival; one loop runs a batch when it is full or its
oldest request has waited `max_wait`; a request whose deadline comes before
a batch could finish is answered 504 and never run; a client that hangs up
leaves the queue (aiohttp's handler cancellation); identical prompts in
flight are computed once. The accelerator is a sleep of
`fixed + n * per_item`, so the server's own work is all the CPU it uses.

Everything runs on one event loop in one thread, under the GIL: parsing,
admission, the batcher's timers and the answers take turns. The Rust
harness (python-compare/src/serving.rs) calls start(), then stop() on what
it returns, and sends the load from Rust threads that do not hold the GIL.
"""

import argparse
import asyncio
import collections
import math
import sys
import threading

MASK = (1 << 64) - 1
CLASSES = ("interactive", "batch")


def output_of(prompt):
    """The simulated model's answer: splitmix64's finaliser, as in Rust."""
    x = (prompt + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


class Busy(Exception):
    def __init__(self, retry_after):
        super().__init__(retry_after)
        self.retry_after = retry_after


class Expired(Exception):
    pass


class Entry:
    __slots__ = ("prompt", "arrived", "turn", "deadline", "future")

    def __init__(self, prompt, arrived, turn, deadline, future):
        self.prompt = prompt
        self.arrived = arrived
        self.turn = turn
        self.deadline = deadline
        self.future = future


class Waiting:
    """A queue per class, each a dict in arrival order (arrivals come in
    time order, and dicts keep insertion order). An interactive request's
    turn is its arrival; a batch request's, its arrival plus `aging`. So
    the order to run is a merge of the two heads, and the oldest request is
    one of the two heads."""

    def __init__(self, bound, aging):
        self.bound = bound
        self.aging = aging
        self.queues = {name: {} for name in CLASSES}
        self.admitted = 0

    def admit(self, prompt, klass, deadline, now, future):
        queue = self.queues[klass]
        if self.bound is not None and len(queue) >= self.bound:
            return None
        self.admitted += 1
        turn = now + self.aging if klass == "batch" else now
        queue[self.admitted] = Entry(prompt, now, turn, deadline, future)
        return klass, self.admitted

    def leave(self, ticket):
        klass, number = ticket
        self.queues[klass].pop(number, None)

    def expire(self, now):
        """Takes out every request whose deadline is `now` or past."""
        gone = []
        for queue in self.queues.values():
            for number in [n for n, e in queue.items() if e.deadline <= now]:
                gone.append(queue.pop(number))
        return gone

    def __len__(self):
        return sum(len(q) for q in self.queues.values())

    def _head(self, klass):
        queue = self.queues[klass]
        return next(iter(queue.items()), None)

    def next(self, now, max_batch, max_wait):
        """("run", entries), ("wait", until) or ("empty", None)."""
        heads = [h for h in (self._head(k) for k in CLASSES) if h]
        if not heads:
            return "empty", None
        due = min(entry.arrived for _, entry in heads) + max_wait
        if len(self) < max_batch and now < due:
            return "wait", due
        batch = []
        while len(batch) < max_batch:
            candidates = []
            for klass in CLASSES:
                head = self._head(klass)
                if head:
                    number, entry = head
                    candidates.append((entry.turn, number, klass))
            if not candidates:
                break
            _, number, klass = min(candidates)
            batch.append(self.queues[klass].pop(number))
        return "run", batch


class Server:
    """DynamicBatcher's policy on one event loop."""

    def __init__(self, options):
        self.fixed = options["fixed_ms"] / 1e3
        self.per_item = options["per_item_ms"] / 1e3
        self.max_batch = max(1, options["max_batch"])
        self.max_wait = options["max_wait_ms"] / 1e3
        self.drop_expired = options["drop_expired"]
        self.waiting = Waiting(options["queue"], options["aging_ms"] / 1e3)
        self.bell = asyncio.Event()
        self.last_batch = 0.0
        # The prompts of the last thousand requests run, for the tests.
        self.ran = collections.deque(maxlen=1000)
        self.worker = asyncio.ensure_future(self.run())

    async def infer(self, prompt, klass, deadline):
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self.drop_expired and deadline <= now:
            raise Expired()
        future = loop.create_future()
        ticket = self.waiting.admit(prompt, klass, deadline, now, future)
        if ticket is None:
            raise Busy(self.retry_after(klass))
        self.bell.set()
        try:
            if self.drop_expired:
                return await asyncio.wait_for(future, deadline - now)
            return await future
        except asyncio.TimeoutError:
            raise Expired() from None
        finally:
            # An answer, a deadline or a caller that hung up (cancelled):
            # the place is given up, if the loop has not taken it.
            self.waiting.leave(ticket)

    def retry_after(self, klass):
        batches = max(1, math.ceil(len(self.waiting.queues[klass]) / self.max_batch))
        return max(0.001, batches * self.last_batch)

    async def run(self):
        while True:
            batch = await self.next_batch()
            await self.run_batch(batch)

    async def next_batch(self):
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            if self.drop_expired:
                for entry in self.waiting.expire(now + self.last_batch):
                    if not entry.future.done():
                        entry.future.set_exception(Expired())
            kind, value = self.waiting.next(now, self.max_batch, self.max_wait)
            if kind == "run":
                return value
            # One thread: nothing can ring between the look and the clear.
            self.bell.clear()
            if kind == "empty":
                await self.bell.wait()
            else:
                # A timer rings the bell when the batch is due. (Not
                # wait_for: on 3.11 it can swallow a cancel that comes as
                # the wait ends, and stop() would then wait for ever.)
                timer = loop.call_at(value, self.bell.set)
                try:
                    await self.bell.wait()
                finally:
                    timer.cancel()

    async def run_batch(self, batch):
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.sleep(self.fixed + self.per_item * len(batch))
        outputs = [output_of(entry.prompt) for entry in batch]
        self.ran.extend(entry.prompt for entry in batch)
        self.last_batch = loop.time() - started
        for entry, output in zip(batch, outputs):
            if not entry.future.done():
                entry.future.set_result((output, len(batch)))


class Flights:
    """Identical prompts in flight computed once: every waiter awaits one
    task through a shield; the last waiter to leave cancels it."""

    def __init__(self):
        self.flights = {}

    async def get(self, key, make):
        flight = self.flights.get(key)
        if flight is None:
            flight = [None, 0]
            self.flights[key] = flight

            async def compute():
                try:
                    return await make()
                finally:
                    # Forgotten before anyone hears the result, as in Rust:
                    # a caller after this starts a new flight.
                    self._forget(key, flight)

            flight[0] = asyncio.ensure_future(compute())
            flight[0].add_done_callback(_heard)
        flight[1] += 1
        try:
            return await asyncio.shield(flight[0])
        finally:
            flight[1] -= 1
            if flight[1] == 0 and not flight[0].done():
                flight[0].cancel()
                self._forget(key, flight)

    def _forget(self, key, flight):
        if self.flights.get(key) is flight:
            del self.flights[key]


def _heard(task):
    """Marks a flight's outcome as heard. When the last waiter leaves as
    the answer comes, Python 3.11's wait_for can end the task with the
    answer's exception instead of the cancel; nobody is left to read it,
    and asyncio would log a traceback for every such request, on the
    loop's own time."""
    if not task.cancelled():
        task.exception()


def parse(body):
    """The request's fields, or a ValueError that says what is wrong."""
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    prompt, klass, deadline_ms = body.get("prompt"), body.get("class"), body.get("deadline_ms")
    for name, value in (("prompt", prompt), ("deadline_ms", deadline_ms)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MASK:
            raise ValueError(f"{name} must be an unsigned 64-bit integer")
    if klass not in CLASSES:
        raise ValueError('class must be "interactive" or "batch"')
    return prompt, klass, deadline_ms


def application(options, state=None):
    """The app; `state["server"]` is its server once the first request
    made it (on the loop that serves it)."""
    # Imported here, so that `serving.py --help` runs without aiohttp.
    from aiohttp import web

    state = {} if state is None else state
    flights = Flights()

    async def infer(request):
        server = state.get("server")
        if server is None:
            # Made here, not before, because its batcher is a task of the
            # loop that serves the app.
            server = state["server"] = Server(options)
        try:
            prompt, klass, deadline_ms = parse(await request.json())
        except ValueError as error:
            return web.json_response({"error": str(error)}, status=400)
        deadline = asyncio.get_running_loop().time() + deadline_ms / 1e3
        try:
            output, size = await flights.get(prompt, lambda: server.infer(prompt, klass, deadline))
        except Busy as busy:
            return web.json_response(
                {"retry_after_ms": int(busy.retry_after * 1e3)},
                status=503,
                headers={"Retry-After": str(max(1, math.ceil(busy.retry_after)))},
            )
        except Expired:
            return web.json_response({"expired": True}, status=504)
        return web.json_response({"output": output, "batch": size})

    app = web.Application()
    app.router.add_post("/infer", infer)
    return app


DEFAULTS = {
    "fixed_ms": 9,
    "per_item_ms": 1,
    "max_batch": 8,
    "max_wait_ms": 2,
    "queue": 64,
    "aging_ms": 50,
    "drop_expired": True,
}


class Running:
    """A server on its own thread and event loop, for the Rust harness."""

    def __init__(self, options):
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.port = None
        self.error = None
        self.thread = threading.Thread(target=self._serve, args=(options,), daemon=True)
        self.thread.start()
        self.ready.wait()
        if self.error:
            raise self.error

    def _serve(self, options):
        asyncio.set_event_loop(self.loop)
        try:
            from aiohttp import web

            self.state = {}
            app = application(options, self.state)
            # A client that hangs up cancels its handler, and so leaves the
            # queue. A second for handlers still running at stop(), not 60.
            self.runner = web.AppRunner(
                app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
            )
            self.loop.run_until_complete(self.runner.setup())
            site = web.TCPSite(self.runner, "127.0.0.1", 0)
            self.loop.run_until_complete(site.start())
            self.port = self.runner.addresses[0][1]
        except BaseException as error:  # reported to the caller of start()
            self.error = error
            self.loop.close()
            return
        finally:
            self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.runner.cleanup())
        # The batcher's loop and any handler still waiting end here.
        tasks = asyncio.all_tasks(self.loop)
        for task in tasks:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        self.loop.close()

    def stop(self):
        """Stops serving and waits for the thread (ten seconds at most)."""
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            if self.thread.is_alive():
                print("serving.py: the server's thread did not stop in 10 s", file=sys.stderr)

    def ran(self):
        """The prompts this server has run, oldest first (the last
        thousand)."""
        server = self.state.get("server")
        if server is None or self.loop.is_closed():
            return []
        return asyncio.run_coroutine_threadsafe(_copy(server.ran), self.loop).result()


async def _copy(items):
    return list(items)


def start(options=None):
    """Serves on a free port of 127.0.0.1, on a thread of its own: a
    Running, whose `port` is where, and whose stop() ends it."""
    return Running({**DEFAULTS, **(options or {})})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    from aiohttp import web

    web.run_app(application(DEFAULTS), host="127.0.0.1", port=args.port, handler_cancellation=True)


if __name__ == "__main__":
    main()
