defmodule MetamorphicCrypto.Hash do
  @moduledoc """
  SHA-3 and SHA-2 digests of **public** data, the crate's Elixir API: base64
  in, base64 out, `{:ok, digest_b64}` or `{:error, text}` for input that is
  not strict base64. `sha3_512_with_context/2` is
  `SHA3-512(u64_be(byte_size(context)) ‖ context ‖ data)`. The digests come
  from OTP's `:crypto`; do not hash secrets with them (use `KDF`).
  """
  alias MetamorphicCrypto.{Native, Wrap}

  def sha3_512(data_b64) when is_binary(data_b64), do: Wrap.ok(Native.nif_sha3_512(data_b64))
  def sha3_512!(data_b64), do: unwrap!(sha3_512(data_b64))

  def sha3_512_with_context(context, data_b64) when is_binary(context) and is_binary(data_b64),
    do: Wrap.ok(Native.nif_sha3_512_with_context(context, data_b64))

  def sha3_512_with_context!(context, data_b64), do: unwrap!(sha3_512_with_context(context, data_b64))

  def sha3_256(data_b64) when is_binary(data_b64), do: Wrap.ok(Native.nif_sha3_256(data_b64))
  def sha3_256!(data_b64), do: unwrap!(sha3_256(data_b64))

  def sha256(data_b64) when is_binary(data_b64), do: Wrap.ok(Native.nif_sha256(data_b64))
  def sha256!(data_b64), do: unwrap!(sha256(data_b64))

  def sha512(data_b64) when is_binary(data_b64), do: Wrap.ok(Native.nif_sha512(data_b64))
  def sha512!(data_b64), do: unwrap!(sha512(data_b64))

  defp unwrap!({:ok, digest}), do: digest
  defp unwrap!({:error, reason}), do: raise("hashing failed: #{reason}")
end
