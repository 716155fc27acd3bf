import { describe, expect, it } from "vitest";
import { markdownCode } from "../../src/report/markdown-code.js";

describe("markdownCode", () => {
  it("fences text so that backticks inside cannot end the code span", () => {
    expect(markdownCode("twintune run x.yaml")).toBe("`twintune run x.yaml`");
    expect(markdownCode("--set 'description=a `b`'")).toBe("``--set 'description=a `b`'``");
    expect(markdownCode("`x``")).toBe("``` `x`` ```");
  });
});
