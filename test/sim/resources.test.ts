import { describe, expect, it } from "vitest";
import { Container } from "../../sim/container.js";
import { Simulation } from "../../sim/kernel.js";
import { Resource } from "../../sim/resource.js";
import { Store } from "../../sim/store.js";

describe("Resource", () => {
  it("serves FIFO, tracks busy servers over time and rejects bad releases", () => {
    const sim = new Simulation();
    const cpu = new Resource(sim, 2, "cpu");
    const served: string[] = [];
    for (const [name, at] of [
      ["a", 0],
      ["b", 0],
      ["c", 1],
      ["d", 2],
    ] as const) {
      sim.schedule(at, () => {
        const request = cpu.request();
        request.onDone(() => {
          served.push(`${name}@${sim.now}`);
          sim.schedule(10, () => cpu.release(request));
        });
      });
    }
    sim.run();
    expect(served).toEqual(["a@0", "b@0", "c@10", "d@10"]);
    // Two servers busy from 0 to 20: utilization 1 over 20 ns.
    expect(cpu.utilization()).toBeCloseTo(1, 12);
    const extra = cpu.request();
    sim.run();
    cpu.release(extra);
    expect(() => cpu.release(extra)).toThrow(/twice/);
    expect(() => new Resource(sim, 0)).toThrow(/positive integer/);
  });

  it("serves lower priority numbers first, FIFO within a priority", () => {
    const sim = new Simulation();
    const disk = new Resource(sim, 1);
    const first = disk.request();
    const order: string[] = [];
    for (const [name, priority] of [
      ["low", 5],
      ["high", 0],
      ["low2", 5],
      ["high2", 0],
    ] as const) {
      disk.request(priority).onDone((request) => {
        order.push(name);
        sim.schedule(1, () => disk.release(request));
      });
    }
    sim.schedule(1, () => disk.release(first));
    sim.run();
    expect(order).toEqual(["high", "high2", "low", "low2"]);
  });

  it("a waiting request can be withdrawn by releasing it", () => {
    const sim = new Simulation();
    const lock = new Resource(sim, 1);
    const holder = lock.request();
    const waiter = lock.request();
    expect(lock.queued).toBe(1);
    lock.release(waiter);
    expect(lock.queued).toBe(0);
    lock.release(holder);
    expect(lock.count).toBe(0);
    expect(() => lock.release(waiter)).toThrow(/withdrawn/);
  });
});

describe("Container", () => {
  it("gets wait for enough, puts wait for room, both FIFO", () => {
    const sim = new Simulation();
    const memory = new Container(sim, 10, 4);
    const log: string[] = [];
    memory.get(6).onDone(() => log.push(`got 6 @${sim.now}`));
    memory.get(1).onDone(() => log.push(`got 1 @${sim.now}`)); // blocked behind the 6
    sim.schedule(5, () => memory.put(3).onDone(() => log.push(`put 3 @${sim.now}`)));
    sim.schedule(6, () => memory.put(10).onDone(() => log.push(`put 10 @${sim.now}`)));
    sim.run();
    // The put of 3 is served on the spot, which serves both waiting gets in the same instant; its
    // own callback, attached after it completed, runs after theirs.
    expect(log).toEqual(["got 6 @5", "got 1 @5", "put 3 @5", "put 10 @6"]);
    expect(memory.level).toBe(10);
    expect(() => memory.get(11)).toThrow(RangeError);
    expect(() => new Container(sim, 5, 6)).toThrow(/initial level/);
  });

  it("reports the time-weighted level", () => {
    const sim = new Simulation();
    const tank = new Container(sim, 100, 0);
    sim.schedule(10, () => tank.put(50));
    sim.run({ until: 20 });
    expect(tank.levels.mean(sim.now)).toBeCloseTo(25, 12);
    expect(tank.levels.max).toBe(50);
  });
});

describe("Store", () => {
  it("blocks puts when full and gives items back when a served getter is interrupted", () => {
    const sim = new Simulation();
    const queue = new Store<number>(sim, 1);
    queue.put(1);
    const blocked = queue.put(2);
    expect(blocked.triggered).toBe(false);
    const consumer = sim.process(
      (function* () {
        yield 5;
        yield queue.get();
      })(),
    );
    sim.run();
    expect(consumer.value).toBeUndefined();
    expect(queue.size).toBe(1);
    expect(blocked.triggered).toBe(true);
    expect(() => new Store(sim, 0)).toThrow(/at least 1/);
  });
});
