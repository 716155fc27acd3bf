/** Whether process `pid` exists (signal 0 probes without sending; EPERM: it exists, someone else's). */
export function processAlive(pid: number): boolean {
  // kill(0 or -N, 0) probes a process group, -1 every process: none of them is "this pid".
  if (!(Number.isSafeInteger(pid) && pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
