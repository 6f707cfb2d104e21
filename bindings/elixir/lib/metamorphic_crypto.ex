defmodule MetamorphicCrypto do
  @moduledoc """
  sealkit's Elixir binding with the module and function names of the
  metamorphic_crypto Hex package: `SecretBox`, `BoxSeal`, `Hybrid`, `Seal`,
  `KDF`, `Keys`, `Recovery`, `Sign` and the NIF surface `Native`, over
  libsealkit (sealkit's Go core as a C library) instead of the crate's Rust
  NIF. Results are `{:ok, v}` / `{:error, text}` with the crate's error texts.

  This module is the crate's convenience API.
  """
  alias MetamorphicCrypto.{BoxSeal, Hash, Keys, SecretBox, Sign}

  @doc "A random 32-byte secretbox key, base64."
  defdelegate generate_key, to: Keys

  @doc "`{public_key_b64, private_key_b64}`, X25519."
  defdelegate generate_keypair, to: Keys

  @doc "Secretbox of a UTF-8 string: `{:ok, ct_b64}`."
  def encrypt(plaintext, key) when is_binary(plaintext) and is_binary(key),
    do: SecretBox.encrypt_string(plaintext, key)

  @doc "Opens `encrypt/2`: `{:ok, string}`."
  def decrypt(ciphertext, key) when is_binary(ciphertext) and is_binary(key),
    do: SecretBox.decrypt_string(ciphertext, key)

  @doc "Sealed box of a UTF-8 string to an X25519 public key."
  def seal(plaintext, public_key) when is_binary(plaintext) and is_binary(public_key),
    do: BoxSeal.seal(plaintext, public_key)

  @doc "Opens `seal/2` with the recipient's key pair."
  def unseal(ciphertext, public_key, private_key)
      when is_binary(ciphertext) and is_binary(public_key) and is_binary(private_key),
      do: BoxSeal.open(ciphertext, public_key, private_key)

  @doc "SHA3-512 of base64 data (public data only)."
  defdelegate sha3_512(data_b64), to: Hash

  @doc "Domain-separated SHA3-512 for fingerprints and log entries."
  defdelegate sha3_512_with_context(context, data_b64), to: Hash

  defdelegate generate_signing_keypair(level \\ :cat3), to: Sign
  defdelegate derive_public_key(secret_key_b64), to: Sign
  defdelegate sign(message, context, secret_key_b64), to: Sign
  defdelegate verify(message, context, signature_b64, public_key_b64), to: Sign
end
