// The Node peer of jwt_auth's interop suite: jose, from npm (test/interop/package-lock.json).
//
// Usage: node peers.mjs jose < job.json > result.json
//
// The job and the result have the shapes peers.py describes:
//   job    {"claims", "sign": [{"alg", "key": PKCS#8 PEM or oct JWK, "kid"}],
//           "verify": [{"alg", "token", "key": public JWK, oct JWK or JWK set}]}
//   result {"library", "signed": [{"alg", "token", "public_key": JWK} or {"alg", "error"}],
//           "verified": [{"alg", "claims"} or {"alg", "error"}]}
// A JWK set is used as a verifier would use a JWKS endpoint: the token's kid picks the key.
// Errors name what failed, never a key or a token; interop.sql compares the claims.

import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  SignJWT, createLocalJWKSet, exportJWK, importJWK, importPKCS8, jwtVerify,
} from 'jose';

const isHmac = (alg) => alg.startsWith('HS');

// Sign with the private PEM (or the secret) and export the public JWK that verifies the token:
// for HMAC that is the secret itself as an oct JWK.
async function sign(alg, key, claims, kid) {
  const privateKey = isHmac(alg) ? await importJWK(key, alg) : await importPKCS8(key, alg);
  const header = kid ? { alg, kid } : { alg };
  const token = await new SignJWT(claims).setProtectedHeader(header).sign(privateKey);
  const publicKey = isHmac(alg) ? privateKey : createPublicKey(privateKey);
  return { token, public_key: await exportJWK(publicKey) };
}

async function verify(alg, token, key) {
  const verifier = key.keys ? createLocalJWKSet(key) : await importJWK(key, alg);
  const { payload } = await jwtVerify(token, verifier, { algorithms: [alg] });
  return payload;
}

function failure(e) {
  return `${e.code || e.name}: ${e.message}`.slice(0, 200);
}

async function main() {
  if (process.argv[2] !== 'jose') {
    process.stderr.write('usage: node peers.mjs jose < job.json\n');
    process.exit(2);
  }
  const job = JSON.parse(readFileSync(0, 'utf8'));
  const { version } = JSON.parse(
    readFileSync(new URL('node_modules/jose/package.json', import.meta.url), 'utf8'));

  const signed = [];
  for (const s of job.sign) {
    try {
      signed.push({ alg: s.alg, ...await sign(s.alg, s.key, job.claims, s.kid) });
    } catch (e) { // one failed algorithm is one failed test, not a crash
      signed.push({ alg: s.alg, error: failure(e) });
    }
  }

  const verified = [];
  for (const v of job.verify) {
    try {
      verified.push({ alg: v.alg, claims: await verify(v.alg, v.token, v.key) });
    } catch (e) {
      verified.push({ alg: v.alg, error: failure(e) });
    }
  }

  const library = `jose ${version} (Node ${process.version})`;
  process.stdout.write(`${JSON.stringify({ library, signed, verified })}\n`);
}

await main();
