// The Node signer of jwt_auth's idp suite: jose from npm, the copy test/interop pins
// (test/interop/package-lock.json, installed in test/interop/node_modules by test/idp/run).
//
// Usage: node sign.mjs < jobs.json > tokens.json
//   jobs    [{"alg", "key": private JWK (with kid), "header": extra header fields, "claims"}]
//   tokens  [{"token"} or {"error"}], in the same order, then {"library"} as the last entry
// Errors name what failed, never a key or a token.

import { readFileSync } from 'node:fs';

const jose = await import(new URL('../interop/node_modules/jose/dist/node/esm/index.js',
  import.meta.url));
const { version } = JSON.parse(readFileSync(
  new URL('../interop/node_modules/jose/package.json', import.meta.url), 'utf8'));

const jobs = JSON.parse(readFileSync(0, 'utf8'));
const out = [];
for (const job of jobs) {
  try {
    const key = await jose.importJWK(job.key, job.alg);
    const header = { ...(job.header || {}), alg: job.alg, kid: job.key.kid };
    const token = await new jose.SignJWT(job.claims).setProtectedHeader(header).sign(key);
    out.push({ token });
  } catch (e) {
    out.push({ error: `${e.code || e.name}: ${e.message}`.slice(0, 200) });
  }
}
out.push({ library: `jose ${version} (Node ${process.version})` });
process.stdout.write(`${JSON.stringify(out)}\n`);
