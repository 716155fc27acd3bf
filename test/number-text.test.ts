import { describe, expect, it } from "vitest";
import { grouped, signedPercent } from "../src/number-text.js";

describe("numbers as people read them", () => {
  it("groups thousands and never prints -0", () => {
    expect(grouped(1089443.4)).toBe("1,089,443");
    expect(grouped(9520.372, 2)).toBe("9,520.37");
    expect(grouped(-0.001, 2)).toBe("0.00");
    expect(grouped(-1234.5, 1)).toBe("-1,234.5");
    expect(grouped(Number.NaN)).toBe("NaN");
  });

  it("signs percentages, a change that rounds to zero as +", () => {
    expect(signedPercent(0.0231)).toBe("+2.31%");
    expect(signedPercent(-0.0005)).toBe("-0.05%");
    expect(signedPercent(-0.00001)).toBe("+0.00%");
    expect(signedPercent(-0.00001, 1)).toBe("+0.0%");
    expect(signedPercent(12.5, 0)).toBe("+1,250%");
  });
});
