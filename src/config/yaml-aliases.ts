import { type Document, isNode, visit } from "yaml";

/** Where an alias goes wrong: the byte offset of the alias in the source, and why. */
export interface AliasProblem {
  offset: number;
  message: string;
}

/**
 * The first alias that cannot become data: one naming an anchor not set before it (the YAML
 * parser leaves it unresolved), or one inside the node its anchor marks (a structure containing
 * itself, which no scenario, catalog or trace can mean). Checked before `toJS`, which would throw
 * on the first and build a cycle from the second.
 */
export function aliasProblem(document: Document): AliasProblem | undefined {
  let problem: AliasProblem | undefined;
  visit(document, {
    Alias(_key, alias) {
      const offset = alias.range?.[0] ?? 0;
      const target = alias.resolve(document);
      if (!isNode(target)) {
        problem = { offset, message: `alias *${alias.source} names no anchor set before it (&${alias.source})` };
        return visit.BREAK;
      }
      const range = target.range;
      if (range !== undefined && range !== null && offset >= range[0] && offset < range[2]) {
        problem = { offset, message: `alias *${alias.source} is inside the node &${alias.source} marks: a cycle` };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return problem;
}
