// A process that takes the journal lock `rounds` times, logging when it holds it: the lock race test.
import { appendFileSync } from "node:fs";
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
  await lock.release();
  round++;
}
