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

  @doc "The salt of a `\"<salt_b64>$argon2id\"` key hash."
  def parse_salt_from_key_hash(key_hash) when is_binary(key_hash),
    do: Wrap.ok(Native.nif_parse_salt_from_key_hash(key_hash))
end
