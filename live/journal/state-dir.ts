import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where twintune keeps its journal: /var/lib/twintune for root (state that must survive a reboot
 * and a crash, FHS 5.8), $XDG_STATE_HOME/twintune otherwise (default ~/.local/state, XDG Base
 * Directory spec 0.8). TWINTUNE_STATE_DIR or --state-dir override both.
 */
export function stateDirectory(env: Record<string, string | undefined>, uid: number, override?: string): string {
  if (override) return override;
  if (env.TWINTUNE_STATE_DIR) return env.TWINTUNE_STATE_DIR;
  if (uid === 0) return "/var/lib/twintune";
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), ".local", "state");
  return join(base, "twintune");
}
