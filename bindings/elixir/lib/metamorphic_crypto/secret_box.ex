defmodule MetamorphicCrypto.SecretBox do
  @moduledoc """
  XSalsa20-Poly1305 secretbox (`nonce(24) ‖ ciphertext ‖ tag(16)`, libsodium's
  `crypto_secretbox_easy` with the nonce prepended), with the crate's Elixir
  API. Keys and ciphertexts are base64 strings.
  """
  alias MetamorphicCrypto.{Native, Wrap}

  @doc "Encrypts base64 plaintext under a base64 key: `{:ok, ct_b64}` | `{:error, text}`."
  def encrypt(plaintext_b64, key_b64), do: Wrap.ok(Native.nif_encrypt_secretbox(plaintext_b64, key_b64))

  @doc "Decrypts to base64 plaintext: `{:ok, pt_b64}` | `{:error, text}`."
  def decrypt(ciphertext_b64, key_b64), do: Wrap.ok(Native.nif_decrypt_secretbox(ciphertext_b64, key_b64))

  @doc "Encrypts a UTF-8 string: `{:ok, ct_b64}` | `{:error, text}`."
  def encrypt_string(plaintext, key_b64) when is_binary(plaintext),
    do: Wrap.ok(Native.nif_encrypt_secretbox_string(plaintext, key_b64))

  @doc "Decrypts to a UTF-8 string (the crate's `UTF-8: …` error otherwise)."
  def decrypt_string(ciphertext_b64, key_b64),
    do: Wrap.ok(Native.nif_decrypt_secretbox_to_string(ciphertext_b64, key_b64))

  @doc "Like `encrypt_string/2`; raises on failure."
  def encrypt_string!(plaintext, key_b64) do
    case encrypt_string(plaintext, key_b64) do
      {:ok, ct} -> ct
      {:error, reason} -> raise "encryption failed: #{reason}"
    end
  end

  @doc "Like `decrypt_string/2`; raises on failure."
  def decrypt_string!(ciphertext_b64, key_b64) do
    case decrypt_string(ciphertext_b64, key_b64) do
      {:ok, pt} -> pt
      {:error, reason} -> raise "decryption failed: #{reason}"
    end
  end
end
