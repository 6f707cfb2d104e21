// deriveAuthKey (docs/PROTOCOL.md §2) against testdata/vectors/authkey.json,
// the same vectors the Go tests check, and its rejection of bad session keys.

import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { deriveAuthKey, AUTH_KEY_INFO } from "../authkey.js";
import * as sdk from "../index.js";
import { ErrorCode, SealkitError } from "../errors.js";

const vectors = JSON.parse(readFileSync(new URL("../../testdata/vectors/authkey.json", import.meta.url), "utf8"));

const hexToB64 = (hex) => Buffer.from(hex, "hex").toString("base64");

test("the info string is the vectors'", () => {
  assert.equal(AUTH_KEY_INFO, "sealkit/v1/auth-key");
  assert.equal(vectors.info, AUTH_KEY_INFO);
});

test("every vector", async () => {
  assert.ok(vectors.vectors.length >= 3);
  for (const [i, v] of vectors.vectors.entries()) {
    // The password vector's Argon2id step is the crate's (vectors.test.mjs
    // covers deriveSessionKey); only the HKDF step is checked here.
    const got = await deriveAuthKey(hexToB64(v.session_key));
    assert.equal(got, hexToB64(v.auth_key), `vector ${i}`);
  }
});

test("the SDK's entry point exports the same function", () => {
  assert.equal(sdk.deriveAuthKey, deriveAuthKey);
});

test("the result is 32 bytes of canonical base64", async () => {
  const key = Buffer.alloc(32, 7).toString("base64");
  const out = await deriveAuthKey(key);
  assert.equal(Buffer.from(out, "base64").length, 32);
  assert.equal(Buffer.from(out, "base64").toString("base64"), out);
  assert.notEqual(out, key);
});

async function rejectsWith(input, code, message) {
  await assert.rejects(deriveAuthKey(input), (err) => {
    assert.ok(err instanceof SealkitError, "a SealkitError");
    assert.equal(err.name, "SealkitError");
    assert.equal(err.code, code);
    if (message instanceof RegExp) assert.match(err.message, message);
    else if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

test("wrong lengths reject with INVALID_LENGTH and the crate's text", async () => {
  for (const n of [0, 1, 16, 31, 33, 64]) {
    await rejectsWith(Buffer.alloc(n, 1).toString("base64"), ErrorCode.INVALID_LENGTH, `invalid length: expected 32 bytes, got ${n}`);
  }
});

test("non-strict base64 rejects with BASE64 and the crate's text", async () => {
  const good = Buffer.alloc(32, 1).toString("base64"); // 44 chars, one '='
  const cases = [
    [good.slice(0, -1), "base64 decode: Invalid padding"], // padding missing
    [good.slice(0, 10) + "-" + good.slice(11), "base64 decode: Invalid symbol 45, offset 10."], // URL alphabet
    [good.slice(0, 10) + "_" + good.slice(11), "base64 decode: Invalid symbol 95, offset 10."],
    [good + "\n", "base64 decode: Invalid symbol 10, offset 44."], // trailing newline
    [" " + good, /^base64 decode: Invalid symbol 32, offset 0\.$/],
    [good.slice(0, 42) + "B=", "base64 decode: Invalid last symbol 66, offset 42."], // non-canonical last symbol
    ["A", "base64 decode: Invalid input length: 1"],
    ["A===", "base64 decode: Invalid symbol 61, offset 1."],
    ["AAAAA", "base64 decode: Invalid input length: 5"],
    ["=AAA", "base64 decode: Invalid symbol 61, offset 0."],
    ["AA=A", "base64 decode: Invalid symbol 61, offset 2."],
    ["é" + good.slice(2), /^base64 decode: Invalid symbol 195, offset 0\.$/],
  ];
  // The core (the crate's decoder, compiled to wasm) is the oracle: it
  // must fail the same input with the same text.
  const core = await sdk.getDirectCrypto(readFileSync(new URL("../dist/sealkit.wasm", import.meta.url)));
  for (const [input, message] of cases) {
    await rejectsWith(input, ErrorCode.BASE64, message);
    assert.throws(() => core.encryptSecretboxString("x", input), (err) => {
      assert.equal(err.code, ErrorCode.BASE64, JSON.stringify(input));
      if (message instanceof RegExp) assert.match(err.message, message);
      else assert.equal(err.message, message);
      return true;
    });
  }
  // 44 characters without padding are 33 bytes: a length error, not base64.
  await rejectsWith(good.replace(/=$/, "A"), ErrorCode.INVALID_LENGTH, "invalid length: expected 32 bytes, got 33");
});

test("a non-string rejects with INVALID_ARGUMENT", async () => {
  for (const x of [undefined, null, 42, new Uint8Array(32), {}]) {
    await rejectsWith(x, ErrorCode.INVALID_ARGUMENT, /^invalid argument: /);
  }
});

test("errors carry no key material", async () => {
  const key = Buffer.alloc(31, 0xab).toString("base64");
  await assert.rejects(deriveAuthKey(key), (err) => !err.message.includes(key) && !err.message.includes("ab"));
});
