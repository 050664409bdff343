// Holds the consumer page's key rule (api/src/page/key_rule.js, which the page runs
// before verify.js) to fixtures/vectors/keys/keys.json, the vectors the Rust rule is
// derived against: every case must be classified exactly as the file says. Prints one
// line per disagreement and a summary; exits 1 if any case disagrees.
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';

const root = new URL('../../', import.meta.url);
const source = readFileSync(new URL('api/src/page/key_rule.js', root), 'utf8');
const context = { Uint8Array, BigInt };
runInNewContext(source, context);
const rule = context.suyuanKeyRule;
const { cases } = JSON.parse(readFileSync(new URL('fixtures/vectors/keys/keys.json', root), 'utf8'));

let wrong = 0;
for (const c of cases) {
  const bytes = Uint8Array.from(Buffer.from(c.hex, 'hex'));
  const got = rule(bytes) ?? 'accepted';
  if (got !== c.expect) {
    wrong++;
    console.log(`${c.hex} (${c.note}): expected ${c.expect}, got ${got}`);
  }
}
console.log(JSON.stringify({ cases: cases.length, wrong }));
process.exit(wrong === 0 ? 0 : 1);
