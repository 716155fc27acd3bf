// An M/M/1 queue written as generator processes on twintune's kernel.
// Run: node examples/mm1.mjs   (after npm ci)
import { mm1MeanWait } from "twintune";
import { RandomStreams, Resource, Simulation } from "twintune/sim";

const SECOND = 1e9; // the kernel's time is integer nanoseconds
const sim = new Simulation();
const server = new Resource(sim, 1, "server");
const streams = new RandomStreams(42);
const arrivals = streams.stream("arrivals");
const services = streams.stream("services");
let waited = 0;
let served = 0;

function* customer() {
  const arrival = sim.now;
  const request = server.request();
  yield request; // wait for the server
  waited += sim.now - arrival;
  served++;
  yield Math.round(services.exponential(1.0) * SECOND); // hold it for the service time
  server.release(request);
}

function* source() {
  for (let i = 0; i < 200_000; i++) {
    yield Math.round(arrivals.exponential(0.8) * SECOND);
    sim.process(customer());
  }
}

sim.process(source());
sim.run();
console.log(
  `mean wait ${(waited / served / SECOND).toFixed(3)} s (theory ${mm1MeanWait(0.8, 1.0)}), ` +
    `utilization ${server.utilization().toFixed(3)}, ${sim.dispatched} events, trace ${sim.traceHashHex}`,
);
