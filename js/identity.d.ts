// Signed identity bundles, pins and safety numbers (docs/PROTOCOL.md §10).

import type { B64 } from "./crypto.js";

/** The first byte of a bundle of this layout (0x01). */
export const BUNDLE_FORMAT: number;
/** "sealkit/v1/identity-bundle": the signing context of a bundle. */
export const BUNDLE_CONTEXT: string;
/** "sealkit/v1/safety-number": the hash prefix of a safety number's halves. */
export const SAFETY_CONTEXT: string;

export type IdentityErrorCode = "malformed" | "signature" | "user" | "changed" | "rollback";

/** A bundle that is not one or does not verify; `code` names the check. */
export class IdentityError extends Error {
  constructor(code: IdentityErrorCode, message: string);
  readonly code: IdentityErrorCode;
}

/** One account's public keys, base64. */
export interface BundleFields {
  userId: string;
  /** X25519, 32 bytes. */
  publicKey: B64;
  /** The hybrid (ML-KEM) public key; "" or null for none. */
  pqPublicKey?: B64 | null;
  /** The composite identity signing public key. */
  identityKey: B64;
  /** 1 to 2^32-1, +1 on every key change. */
  version: number;
}

/** A bundle that verified: its keys, and the SHA-256 of its identity key. */
export interface OpenedBundle extends Required<BundleFields> {
  pqPublicKey: B64;
  fingerprint: B64;
}

/** What a client remembers of a contact. */
export interface Pin {
  /** SHA-256 of the identity key, base64 (fingerprint()). */
  fingerprint: B64;
  /** The highest bundle version seen. */
  version: number;
}

/** The canonical bytes of a bundle (what is signed). */
export function encodeBundle(bundle: BundleFields): Uint8Array;
/** Parses a signed bundle without verifying it; throws IdentityError "malformed". */
export function decodeBundle(signed: Uint8Array): { bundle: Required<BundleFields> & { pqPublicKey: B64 }; message: Uint8Array; signature: Uint8Array };
/** SHA-256 of an identity key, base64. */
export function fingerprint(identityKeyB64: B64): Promise<B64>;
/** Signs a bundle with the user handle's identity key (in the worker); the signed bundle, base64. */
export function signBundle(user: string, bundle: BundleFields): Promise<B64>;
/** Verifies a signed bundle for userId against a pin (null: trust on first use); throws IdentityError. */
export function openBundle(signedB64: B64, userId: string, pin?: Pin | null): Promise<OpenedBundle>;
/** openBundle as a status; `bundle` only for "ok" and "new", the two whose keys may be sealed to. */
export function checkBundle(signedB64: B64 | null | undefined, userId: string, pin?: Pin | null): Promise<{
  status: "ok" | "new" | "missing" | IdentityErrorCode;
  bundle?: OpenedBundle;
}>;
/** 60 digits in 12 groups of 5, the same on both sides. */
export function safetyNumber(userA: string, keyA: B64, userB: string, keyB: B64): Promise<string>;

/** A group key statement's fields; hashes in base64. */
export interface KeyStatement {
  groupId: string;
  version: number;
  commitment: B64;
  previous: B64;
  signer: string;
}
export const STATEMENT_FORMAT: 0x01;
export const STATEMENT_CONTEXT: "sealkit/v1/group-key-statement";
/** "<group id>/<version>": the label of a version's key commitment. */
export function commitmentLabel(groupId: string, version: number): string;
/** The canonical bytes of a statement (what is signed). */
export function encodeStatement(s: KeyStatement): Uint8Array;
/** Parses a signed statement without verifying it; throws IdentityError "malformed". */
export function decodeStatement(signed: Uint8Array): { statement: KeyStatement; message: Uint8Array; signature: Uint8Array };
/** SHA-256 of a signed statement, base64. */
export function statementHash(signedB64: B64): Promise<B64>;
/** Signs version `version` of a group key (a key handle) with the user handle's identity key; base64. */
export function signStatement(user: string, key: string, s: { groupId: string; version: number; signer: string; previous: B64 | null }): Promise<B64>;
export type ChainErrorCode = "missing" | "malformed" | "broken" | "signer" | "signature" | "stale" | "rollback" | "commitment";
export class ChainError extends Error {
  code: ChainErrorCode;
}
/** Verifies a group's key chain; resolves to the tip's version or rejects with ChainError. */
export function verifyChain(chain: B64[], opts: {
  groupId: string;
  current: number;
  minVersion?: number;
  identityKeyOf: (userId: string) => string | null;
  keyOf: (version: number) => string | null;
}): Promise<number>;
