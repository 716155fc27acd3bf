import { describe, expect, it } from "vitest";
import { Simulation } from "../../sim/kernel.js";
import type { Interrupt } from "../../sim/process.js";
import { Resource } from "../../sim/resource.js";
import { Store } from "../../sim/store.js";

describe("generator processes", () => {
  it("wait on delays and timeouts, and return a value other processes can wait for", () => {
    const sim = new Simulation();
    const log: string[] = [];
    const child = sim.process(
      (function* () {
        yield 5;
        log.push(`child woke at ${sim.now}`);
        const value = yield sim.timeout(3, "tick");
        log.push(`child got ${String(value)} at ${sim.now}`);
        return 42;
      })(),
    );
    sim.process(
      (function* () {
        const result = yield child;
        log.push(`parent got ${String(result)} at ${sim.now}`);
      })(),
    );
    sim.run();
    expect(log).toEqual(["child woke at 5", "child got tick at 8", "parent got 42 at 8"]);
    expect(child.isAlive).toBe(false);
  });

  it("a yielded event that already happened resumes the process at once", () => {
    const sim = new Simulation();
    const done = sim.event<string>();
    done.succeed("early");
    let got: unknown;
    sim.process(
      (function* () {
        yield 1;
        got = yield done;
      })(),
    );
    sim.run();
    expect(got).toBe("early");
    expect(sim.now).toBe(1);
  });

  it("an event's failure is thrown into the waiting process, which may handle it", () => {
    const sim = new Simulation();
    const failing = sim.event();
    let caught: unknown;
    sim.process(
      (function* () {
        try {
          yield failing;
        } catch (error) {
          caught = error;
        }
      })(),
    );
    sim.schedule(2, () => failing.fail(new Error("disk gone")));
    sim.run();
    expect((caught as Error).message).toBe("disk gone");
  });

  it("an unhandled failure aborts the run with its error", () => {
    const sim = new Simulation();
    sim.process(
      (function* () {
        yield 3;
        throw new Error("model bug");
      })(),
    );
    expect(() => sim.run()).toThrow("model bug");
    const lonely = new Simulation();
    lonely.event().fail(new Error("nobody listens"));
    expect(() => lonely.run()).toThrow("nobody listens");
    const defused = new Simulation();
    defused.event().fail(new Error("handled elsewhere")).defuse();
    expect(() => defused.run()).not.toThrow();
  });

  it("a process failing while another waits for it passes the error on", () => {
    const sim = new Simulation();
    const worker = sim.process(
      (function* () {
        yield 1;
        throw new Error("worker failed");
      })(),
    );
    let seen = "";
    sim.process(
      (function* () {
        try {
          yield worker;
        } catch (error) {
          seen = (error as Error).message;
        }
      })(),
    );
    sim.run();
    expect(seen).toBe("worker failed");
  });

  it("yielding something that is not a delay or an event throws a clear error into the process", () => {
    const sim = new Simulation();
    const messages: string[] = [];
    sim.process(
      (function* () {
        for (const bad of [-1, 0.5, "soon" as unknown as number]) {
          try {
            yield bad;
          } catch (error) {
            messages.push((error as Error).message);
          }
        }
      })(),
    );
    sim.run();
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/non-negative integer/);
    expect(messages[2]).toMatch(/yield a delay in nanoseconds, an event, or another process/);
  });

  it("interrupting a sleeping process wakes it at once with the cause; its old wake-up never fires", () => {
    const sim = new Simulation();
    const log: string[] = [];
    const sleeper = sim.process(
      (function* () {
        try {
          yield 100;
          log.push("slept through");
        } catch (error) {
          log.push(`interrupted at ${sim.now}: ${String((error as Interrupt).cause)}`);
        }
        yield 10;
        log.push(`done at ${sim.now}`);
      })(),
    );
    sim.schedule(30, () => sleeper.interrupt("reboot"));
    sim.run();
    expect(log).toEqual(["interrupted at 30: reboot", "done at 40"]);
    expect(() => sleeper.interrupt()).toThrow(/finished/);
  });

  it("an interrupted process withdraws its queued resource request (reneging)", () => {
    const sim = new Simulation();
    const server = new Resource(sim, 1);
    const order: string[] = [];
    const customer = (name: string) =>
      function* () {
        const request = server.request();
        try {
          yield request;
        } catch {
          order.push(`${name} left`);
          return;
        }
        order.push(`${name} served at ${sim.now}`);
        yield 10;
        server.release(request);
      };
    sim.process(customer("a")());
    const impatient = sim.process(customer("b")());
    sim.process(customer("c")());
    sim.schedule(5, () => impatient.interrupt("gave up"));
    sim.run();
    expect(order).toEqual(["a served at 0", "b left", "c served at 10"]);
    expect(server.count).toBe(0);
    expect(server.queued).toBe(0);
  });

  it("allOf waits for every event; anyOf for the first and withdraws the losers", () => {
    const sim = new Simulation();
    const server = new Resource(sim, 1);
    const hog = server.request();
    let all: unknown;
    let first: unknown;
    sim.process(
      (function* () {
        all = yield sim.allOf([sim.timeout(2, "a"), sim.timeout(5, "b")]);
        const request = server.request();
        first = yield sim.anyOf([request, sim.timeout(3, "timeout")]);
      })(),
    );
    sim.run({ until: 100 });
    expect(all).toEqual(["a", "b"]);
    expect(first).toEqual({ index: 1, value: "timeout" });
    expect(server.queued).toBe(0);
    server.release(hog);
    expect(server.count).toBe(0);
  });

  it("allOf fails with the first failure; an empty allOf succeeds at once", () => {
    const sim = new Simulation();
    const bad = sim.event();
    let error: unknown;
    let empty: unknown;
    sim.process(
      (function* () {
        empty = yield sim.allOf([]);
        try {
          yield sim.allOf([sim.timeout(10), bad]);
        } catch (e) {
          error = e;
        }
      })(),
    );
    sim.schedule(1, () => bad.fail(new Error("one failed")));
    sim.run();
    expect(empty).toEqual([]);
    expect((error as Error).message).toBe("one failed");
    expect(() => sim.anyOf([])).toThrow(RangeError);
  });

  it("a store passes items from producers to consumers in FIFO order", () => {
    const sim = new Simulation();
    const store = new Store<string>(sim, 2);
    const got: string[] = [];
    sim.process(
      (function* () {
        for (const item of ["x", "y", "z"]) yield store.put(item);
      })(),
    );
    sim.process(
      (function* () {
        yield 10;
        for (let i = 0; i < 3; i++) got.push(`${String(yield store.get())}@${sim.now}`);
      })(),
    );
    sim.run();
    expect(got).toEqual(["x@10", "y@10", "z@10"]);
  });

  it("callbacks can wait on events with onDone", () => {
    const sim = new Simulation();
    const event = sim.event<number>();
    const seen: number[] = [];
    event.onDone((e) => seen.push(e.value * 2));
    sim.schedule(4, () => event.succeed(21));
    sim.run();
    event.onDone((e) => seen.push(e.value));
    sim.run();
    expect(seen).toEqual([42, 21]);
    expect(() => event.succeed(1)).toThrow(/once/);
  });
});
