/**
 * Finds positions in JSON text, for error messages with line numbers: JSON.parse is fast but
 * reports no position for many errors and none at all for a value that parses but is wrong.
 * Runs only after something failed, so its speed matters little; nesting is bounded so hostile
 * input cannot overflow the stack.
 */
export type JsonPath = readonly (string | number)[];

const MAX_DEPTH = 512;

class Stop {
  constructor(readonly offset: number) {}
}

class Walker {
  i = 0;
  readonly path: (string | number)[] = [];

  constructor(
    readonly text: string,
    readonly target: JsonPath | undefined,
  ) {}

  fail(): never {
    throw new Stop(Math.min(this.i, this.text.length));
  }

  space(): void {
    while (this.i < this.text.length && " \t\n\r".includes(this.text[this.i] as string)) this.i++;
  }

  expect(char: string): void {
    if (this.text[this.i] !== char) this.fail();
    this.i++;
  }

  atTarget(): boolean {
    const target = this.target;
    return target !== undefined && target.length === this.path.length && target.every((key, k) => key === this.path[k]);
  }

  value(depth: number): void {
    this.space();
    if (this.atTarget()) throw new Stop(this.i);
    if (depth > MAX_DEPTH) this.fail();
    const char = this.text[this.i];
    if (char === "{") this.object(depth);
    else if (char === "[") this.array(depth);
    else if (char === '"') this.string();
    else this.literal();
  }

  object(depth: number): void {
    this.i++;
    this.space();
    if (this.text[this.i] === "}") return void this.i++;
    for (;;) {
      this.space();
      const key = this.string();
      this.space();
      this.expect(":");
      this.path.push(key);
      this.value(depth + 1);
      this.path.pop();
      this.space();
      if (this.text[this.i] === "}") return void this.i++;
      this.expect(",");
    }
  }

  array(depth: number): void {
    this.i++;
    this.space();
    if (this.text[this.i] === "]") return void this.i++;
    for (let index = 0; ; index++) {
      this.path.push(index);
      this.value(depth + 1);
      this.path.pop();
      this.space();
      if (this.text[this.i] === "]") return void this.i++;
      this.expect(",");
    }
  }

  string(): string {
    if (this.text[this.i] !== '"') this.fail();
    const start = this.i;
    this.i++;
    while (this.i < this.text.length) {
      const code = this.text.charCodeAt(this.i);
      if (code === 34) break;
      if (code < 32) this.fail();
      this.i += code === 92 ? 2 : 1;
    }
    if (this.i >= this.text.length) this.fail();
    this.i++;
    try {
      return JSON.parse(this.text.slice(start, this.i)) as string;
    } catch {
      this.i = start;
      return this.fail();
    }
  }

  literal(): void {
    const match = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(
      this.text.slice(this.i, this.i + 400),
    );
    if (match === null) this.fail();
    this.i += match[0].length;
  }
}

/** Offset of the first syntax error in `text`, or undefined if it is valid JSON. */
export function jsonErrorOffset(text: string): number | undefined {
  const walker = new Walker(text, undefined);
  try {
    walker.value(0);
    walker.space();
    if (walker.i < text.length) walker.fail();
    return undefined;
  } catch (stop) {
    if (stop instanceof Stop) return stop.offset;
    throw stop;
  }
}

/** Offset where the value at `path` starts (e.g. ["nodes", 3, "callFrame"]), or undefined. */
export function jsonPathOffset(text: string, path: JsonPath): number | undefined {
  const walker = new Walker(text, path);
  try {
    walker.value(0);
    return undefined;
  } catch (stop) {
    if (stop instanceof Stop && walker.atTarget()) return stop.offset;
    return undefined;
  }
}

/** `["nodes", 3, "id"]` → `nodes[3].id`. */
export function formatJsonPath(path: JsonPath): string {
  return path.map((key, k) => (typeof key === "number" ? `[${key}]` : k === 0 ? key : `.${key}`)).join("");
}
