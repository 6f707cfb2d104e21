defmodule MetamorphicCrypto.KDF do
  @moduledoc """
  Argon2id session keys (libsodium INTERACTIVE: 2 passes, 64 MiB, 32 bytes),
  the crate's Elixir API. `derive_session_key/2` runs on a dirty CPU
  scheduler.
  """
  alias MetamorphicCrypto.{Native, Wrap}

  def derive_session_key(password, salt_b64) when is_binary(password) and is_binary(salt_b64),
    do: Wrap.ok(Native.nif_derive_session_key(password, salt_b64))

  def derive_session_key!(password, salt_b64) do
    case derive_session_key(password, salt_b64) do
      {:ok, key} -> key
      {:error, reason} -> raise "key derivation failed: #{reason}"
    end
  end

  def hkdf_sha512_hash_len, do: 64

  @doc """
  HKDF-SHA512 (RFC 5869): base64 salt (empty = absent) and IKM, a binary
  `info`, `length` ≤ 16320 bytes: `{:ok, okm_b64}` | `{:error, text}`.
  """
  def hkdf_sha512(salt_b64, ikm_b64, info, length)
      when is_binary(salt_b64) and is_binary(ikm_b64) and is_binary(info) and is_integer(length) and
             length >= 0,
      do: Wrap.ok(Native.nif_hkdf_sha512(salt_b64, ikm_b64, info, length))

  def hkdf_sha512!(salt_b64, ikm_b64, info, length) do
    case hkdf_sha512(salt_b64, ikm_b64, info, length) do
      {:ok, okm} -> okm
      {:error, reason} -> raise "HKDF-SHA512 failed: #{reason}"
    end
  end

  @doc "The salt of a `\"<salt_b64>$argon2id\"` key hash."
  def parse_salt_from_key_hash(key_hash) when is_binary(key_hash),
    do: Wrap.ok(Native.nif_parse_salt_from_key_hash(key_hash))
end
