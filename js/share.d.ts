// Sharing a resource key with members (docs/PROTOCOL.md §7, §8.2) and the
// pending-access client of the push protocol (§8).

import type { B64 } from "./crypto.js";
import type { HybridLevel, KeyHandle } from "./index.js";

/** A member's public keys, as the server lists them. */
export interface MemberKeys<ID extends string | number = string | number> {
  user_id: ID;
  public_key: B64;
  /** When present (non-empty) the copy is a hybrid seal; else a sealed box. */
  pq_public_key?: B64 | null;
}

/** One member's copy of a resource key. */
export interface SealedCopy<ID extends string | number = string | number> {
  user_id: ID;
  /** base64 of a sealed box (80 bytes) or a hybrid seal. */
  encrypted_key: B64;
}

/** A new random 32-byte resource key. */
export function newResourceKey(): Promise<B64>;
/** Seals the key (base64 of its bytes) to one member; hybrid when it has a pq_public_key. */
export function sealToMember(resourceKeyB64: B64 | KeyHandle, member: MemberKeys, level?: HybridLevel): Promise<B64>;
/** Seals the key to every member, in their order. */
export function sealToMembers<ID extends string | number>(resourceKeyB64: B64 | KeyHandle, members: ReadonlyArray<MemberKeys<ID>>, level?: HybridLevel): Promise<SealedCopy<ID>[]>;
/** Opens a copy sealed to this user; rejects with SealkitError DECRYPTION when it is not. */
export function openResourceKey(sealedB64: B64, myKeys: { publicKey: B64; privateKey: B64; pqSecretKey?: B64 }): Promise<B64>;

/** A pending message, as onPending receives it. */
export interface PendingEvent {
  /** The message's "<resource>_id". */
  resourceId: string | number;
  keyVersion: number;
  /** The members waiting for the key of this version. */
  members: MemberKeys[];
  /** The message as received. */
  message: Record<string, unknown>;
}

export interface WatchPendingOptions {
  /** Names the id field ("<resource>_id") and the change event ("<resource>_changed"). Default "resource". */
  resource?: "group" | "resource" | (string & {});
  /**
   * The key to share with the listed members, base64 or a key handle of
   * the handle API (sealed in the worker: its bytes never reach the page),
   * or null/undefined to share nothing (this page does not hold that
   * version, say).
   */
  onPending: (event: PendingEvent) => B64 | KeyHandle | null | undefined | Promise<B64 | KeyHandle | null | undefined>;
  /** The hybrid level of the copies; default cat3. */
  level?: HybridLevel;
  /** Replaces sealToMember(key, member, level). */
  seal?: (resourceKeyB64: B64, member: MemberKeys) => Promise<B64>;
  /** Every message but pending, ack and error (hello, "<resource>_changed", …). */
  onMessage?: (message: Record<string, unknown>) => void;
  /** Each time the socket opens; reconnected: after a drop (refetch: messages may be lost). */
  onOpen?: (reconnected: boolean) => void;
  onState?: (state: "connecting" | "open" | "closed") => void;
  /** A copy that could not be sealed or was refused (it is retried on the next pending message). */
  onError?: (error: unknown) => void;
  /** Backoff bounds; defaults 500 and 30000 ms. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** How long send() waits for ack/error; default 15000 ms. */
  answerTimeoutMs?: number;
  /** The WebSocket constructor; default the global one. */
  WebSocket?: { new (url: string): WebSocket };
}

export interface PendingWatcher {
  isOpen(): boolean;
  /** Sends a message with a fresh "ref"; resolves to the ack, rejects with the error, a drop or a timeout. */
  send(message: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Seals and sends key_distributed to these members now (e.g. pending members found on load). */
  distribute(resourceId: string | number, keyVersion: number, members: ReadonlyArray<MemberKeys>, resourceKeyB64: B64 | KeyHandle): Promise<void>;
  /** Reconnects at once if the socket is down (e.g. on "online"). */
  reconnect(): void;
  /** Closes for good. */
  close(): void;
}

/**
 * Connects to the push socket and, on every pending message, seals the key
 * onPending returns to each listed member and sends key_distributed.
 * Reconnects with an exponential backoff.
 */
export function watchPending(url: string | URL, options: WatchPendingOptions): PendingWatcher;
