defmodule MetamorphicCrypto do
  @moduledoc """
  sealkit's Elixir binding with the module and function names of the
  metamorphic_crypto Hex package: `SecretBox`, `BoxSeal`, `Hybrid`, `Seal`,
  `KDF`, `Keys`, `Recovery`, `Sign` and the NIF surface `Native`, over
  libsealkit (sealkit's Go core as a C library) instead of the crate's Rust
  NIF. Results are `{:ok, v}` / `{:error, text}` with the crate's error texts.
  """
  alias MetamorphicCrypto.{Keys, Seal, SecretBox, KDF}

  defdelegate generate_key(), to: Keys
  defdelegate generate_keypair(), to: Keys
  defdelegate generate_salt(), to: Keys
  defdelegate encrypt(plaintext, key_b64), to: SecretBox, as: :encrypt_string
  defdelegate decrypt(ciphertext_b64, key_b64), to: SecretBox, as: :decrypt_string
  defdelegate seal_for_user(plaintext, pk, opts \\ []), to: Seal
  defdelegate unseal_from_user(ct, pk, sk, opts \\ []), to: Seal
  defdelegate derive_session_key(password, salt_b64), to: KDF
end
