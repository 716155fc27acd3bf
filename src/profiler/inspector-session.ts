import { Session } from "node:inspector";

/**
 * A connection to this process's own V8 inspector, with promise-returning calls. One per
 * profiler: the CPU and heap samplers share it.
 */
export class InspectorSession {
  private readonly session = new Session();
  private connected = false;

  connect(): void {
    if (this.connected) return;
    this.session.connect();
    this.connected = true;
  }

  post<T = unknown>(method: string, params: object = {}): Promise<T> {
    return new Promise((resolve, reject) => {
      this.session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T)));
    });
  }

  /** Calls `listener` with the params of each `event` ("Profiler.consoleProfileFinished"); returns an unsubscribe. */
  on<T = unknown>(event: string, listener: (params: T) => void): () => void {
    const handler = (message: { params: T }) => listener(message.params);
    this.session.on(event, handler);
    return () => this.session.off(event, handler);
  }

  disconnect(): void {
    if (!this.connected) return;
    this.session.disconnect();
    this.connected = false;
  }
}
