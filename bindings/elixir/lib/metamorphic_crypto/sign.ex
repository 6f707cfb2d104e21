defmodule MetamorphicCrypto.Sign do
  @moduledoc """
  Composite signatures (ML-DSA + Ed25519; Ed448 / ECDSA-P-521 / pure ML-DSA-87
  for the CNSA 2.0 suites), the crate's Elixir API. Keys and signatures are
  base64; `message` is a raw binary and `context` a UTF-8 label. Key
  generation, signing and verifying run on dirty CPU schedulers.
  """
  alias MetamorphicCrypto.Native

  @sign_context_v1 "metamorphic/sign/v1"
  def sign_context_v1, do: @sign_context_v1

  @doc "`%{public_key: b64, secret_key: b64}` of the `:hybrid` suite."
  def generate_signing_keypair(level \\ :cat3) when level in [:cat2, :cat3, :cat5] do
    {public_key, secret_key} = Native.nif_generate_signing_keypair(Atom.to_string(level))
    %{public_key: public_key, secret_key: secret_key}
  end

  @doc "`{:ok, %{public_key: b64, secret_key: b64}}` or `{:error, text}` (e.g. `:pure_cnsa2` below `:cat5`)."
  def generate_signing_keypair_suite(suite, level \\ :cat5)
      when suite in [:hybrid, :hybrid_matched, :pure_cnsa2] and level in [:cat2, :cat3, :cat5] do
    case Native.nif_generate_signing_keypair_suite(Atom.to_string(suite), Atom.to_string(level)) do
      {:error, reason} -> {:error, reason}
      {pk, sk} -> {:ok, %{public_key: pk, secret_key: sk}}
    end
  end

  def derive_public_key(secret_key_b64) when is_binary(secret_key_b64),
    do: wrap(Native.nif_derive_signing_public_key(secret_key_b64))

  def derive_public_key!(secret_key_b64), do: unwrap!(derive_public_key(secret_key_b64))

  def sign(message, context, secret_key_b64)
      when is_binary(message) and is_binary(context) and is_binary(secret_key_b64),
      do: wrap(Native.nif_sign(message, context, secret_key_b64))

  def sign!(message, context, secret_key_b64), do: unwrap!(sign(message, context, secret_key_b64))

  @doc "`true` only for a valid signature; any failure, malformed input included, is `false`."
  def verify(message, context, signature_b64, public_key_b64)
      when is_binary(message) and is_binary(context) and is_binary(signature_b64) and
             is_binary(public_key_b64) do
    case Native.nif_verify(message, context, signature_b64, public_key_b64) do
      result when is_boolean(result) -> result
      {:error, _reason} -> false
    end
  end

  @doc "`{:ok, {suite, level}}` declared by a public key's tag (length-checked)."
  def signature_posture(public_key_b64) when is_binary(public_key_b64),
    do: to_posture(Native.nif_signature_posture(public_key_b64))

  @doc "`{:ok, {suite, level}}` declared by a signature's tag (length-checked)."
  def signature_posture_from_signature(signature_b64) when is_binary(signature_b64),
    do: to_posture(Native.nif_signature_posture_from_signature(signature_b64))

  defp to_posture({:error, reason}), do: {:error, reason}
  defp to_posture({suite, level}), do: {:ok, {String.to_existing_atom(suite), String.to_existing_atom(level)}}

  defp wrap({:error, reason}), do: {:error, reason}
  defp wrap(v) when is_binary(v), do: {:ok, v}

  defp unwrap!({:ok, v}), do: v
  defp unwrap!({:error, reason}), do: raise(ArgumentError, reason)
end
