/**
 * The entity type selector of queries (clause 4.17): `A,B` and `A|B` mean either type, `A;B`
 * means both, parentheses group: `(Building;Home)|Vehicle`. Result is OR of ANDs of type terms.
 */
export type TypeSelector = string[][];

export type TypeResult = { ok: true; value: TypeSelector } | { ok: false; error: string };

const MAX_TERMS = 64;

/** Parses a type selector into a list of alternatives, each a list of types all required. */
export function parseTypeSelector(text: string): TypeResult {
  const s = text.trim();
  if (s === '') return { ok: false, error: 'type: must not be empty' };
  let pos = 0;
  let terms = 0;
  const err = (msg: string): TypeResult => ({ ok: false, error: `type: ${msg} at position ${pos}` });

  // or := and (('|' | ',') and)* ; and := atom (';' atom)* ; atom := name | '(' or ')'
  function parseOr(): TypeSelector | TypeResult {
    const alts: TypeSelector = [];
    for (;;) {
      const a = parseAnd();
      if (!Array.isArray(a)) return a;
      alts.push(...a);
      if (s[pos] === '|' || s[pos] === ',') {
        pos++;
        continue;
      }
      return alts;
    }
  }
  function parseAnd(): TypeSelector | TypeResult {
    let acc: TypeSelector = [[]];
    for (;;) {
      const atom = parseAtom();
      if (!Array.isArray(atom)) return atom;
      // (a|b);c → a;c | b;c
      const next: TypeSelector = [];
      for (const left of acc) for (const right of atom) next.push([...left, ...right]);
      acc = next;
      if (acc.length > MAX_TERMS) return err('too many type combinations');
      if (s[pos] === ';') {
        pos++;
        continue;
      }
      return acc;
    }
  }
  function parseAtom(): TypeSelector | TypeResult {
    if (s[pos] === '(') {
      pos++;
      const inner = parseOr();
      if (!Array.isArray(inner)) return inner;
      if (s[pos] !== ')') return err("expected ')'");
      pos++;
      return inner;
    }
    const start = pos;
    while (pos < s.length && !'|,;()'.includes(s[pos]!)) pos++;
    const name = s.slice(start, pos).trim();
    if (name === '') return err('expected a type name');
    if (/\s/.test(name)) return err(`type name "${name}" contains a space`);
    if (++terms > MAX_TERMS) return err('too many types');
    return [[name]];
  }
  const result = parseOr();
  if (!Array.isArray(result)) return result;
  if (pos !== s.length) return err(`unexpected '${s[pos]}'`);
  return { ok: true, value: result };
}
