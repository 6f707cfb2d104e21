defmodule MetamorphicCrypto.Keys do
  @moduledoc """
  Key generation and private-key wrapping, the crate's Elixir API. Every
  key is a base64 string.
  """
  alias MetamorphicCrypto.{Native, Wrap}

  @doc "32 random bytes, base64: a secretbox key."
  def generate_key, do: Native.nif_generate_key()

  @doc "`{public_key_b64, private_key_b64}`, an X25519 pair."
  def generate_keypair, do: Native.nif_generate_keypair()

  @doc "16 random bytes, base64: an Argon2id salt."
  def generate_salt, do: Native.nif_generate_salt()

  @doc "Encrypts the base64 text of a private key under a session key."
  def encrypt_private_key(private_key_b64, session_key_b64),
    do: Wrap.ok(Native.nif_encrypt_private_key(private_key_b64, session_key_b64))

  @doc "Returns the base64 private key text."
  def decrypt_private_key(ciphertext_b64, session_key_b64),
    do: Wrap.ok(Native.nif_decrypt_private_key(ciphertext_b64, session_key_b64))
end
