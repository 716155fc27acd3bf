// A process that takes the journal lock `rounds` times, logging when it holds it, and every fifth
// time leaves it stale as a killed run would: the lock race test.
import { appendFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JournalBusyError, JournalLock } from "../../live/journal/lock.js";

const [dir, log, roundsText] = process.argv.slice(2) as [string, string, string];
for (let round = 0; round < Number(roundsText); ) {
  let lock: JournalLock;
  try {
    lock = await JournalLock.acquire(dir);
  } catch (error) {
    if (!(error instanceof JournalBusyError)) throw error;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
    continue;
  }
  appendFileSync(log, `in ${process.pid}\n`);
  await new Promise((resolve) => setTimeout(resolve, 1));
  appendFileSync(log, `out ${process.pid}\n`);
  if (round % 5 === 4) {
    // As if this holder had been killed: its lock replaced in one step by one naming a dead pid.
    const stale = join(dir, `stale-${process.pid}`);
    writeFileSync(stale, "999999999\n");
    renameSync(stale, join(dir, "lock"));
  } else {
    await lock.release();
  }
  round++;
}
