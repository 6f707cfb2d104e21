defmodule MetamorphicCrypto.Recovery do
  @moduledoc """
  Human-readable recovery keys (64 characters of the crate's base32 alphabet
  in groups of five) and private-key backups under their 32-byte secret,
  the crate's Elixir API.
  """
  alias MetamorphicCrypto.{Native, Wrap}

  @doc "`{:ok, recovery_key, secret_b64}`."
  def generate do
    case Native.nif_generate_recovery_key() do
      {:error, reason} -> {:error, reason}
      {key, secret} -> {:ok, key, secret}
    end
  end

  def key_to_secret(recovery_key) when is_binary(recovery_key),
    do: Wrap.ok(Native.nif_recovery_key_to_secret(recovery_key))

  def encrypt_private_key(private_key_b64, secret_b64),
    do: Wrap.ok(Native.nif_encrypt_private_key_for_recovery(private_key_b64, secret_b64))

  def decrypt_private_key(ciphertext_b64, secret_b64),
    do: Wrap.ok(Native.nif_decrypt_private_key_with_recovery(ciphertext_b64, secret_b64))
end
