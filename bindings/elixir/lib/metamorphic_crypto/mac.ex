defmodule MetamorphicCrypto.Mac do
  @moduledoc """
  HMAC-SHA256 (RFC 2104), the crate's Elixir API: key and message base64,
  the 32-byte tag base64. Computed by OTP's `:crypto`.
  """
  alias MetamorphicCrypto.{Native, Wrap}

  def hmac_sha256_len, do: 32

  def hmac_sha256(key_b64, msg_b64) when is_binary(key_b64) and is_binary(msg_b64),
    do: Wrap.ok(Native.nif_hmac_sha256(key_b64, msg_b64))

  def hmac_sha256!(key_b64, msg_b64) do
    case hmac_sha256(key_b64, msg_b64) do
      {:ok, tag} -> tag
      {:error, reason} -> raise "HMAC failed: #{reason}"
    end
  end
end
