defmodule MetamorphicCrypto.Seal do
  @moduledoc """
  Unified seal/unseal, the crate's Elixir API: with a `:pq_public_key` the
  hybrid ML-KEM + X25519 seal at `:level` (default `:cat3`), without one the
  X25519 sealed box; unsealing detects the format from the ciphertext.
  """
  alias MetamorphicCrypto.{BoxSeal, Hybrid, Native, Wrap}

  def seal_for_user(plaintext, public_key_b64, opts \\ []) when is_binary(plaintext),
    do: seal_for_user_raw(Base.encode64(plaintext), public_key_b64, opts)

  def seal_for_user_raw(plaintext_b64, public_key_b64, opts \\ []) do
    pq_pk = Keyword.get(opts, :pq_public_key)
    level = Keyword.get(opts, :level, :cat3)

    case Keyword.get(opts, :suite, :hybrid) do
      :hybrid ->
        cond do
          is_nil(pq_pk) or pq_pk == "" -> BoxSeal.seal_raw(plaintext_b64, public_key_b64)
          level in [:cat1, :cat5] -> Hybrid.seal_raw(plaintext_b64, pq_pk, level)
          true -> Wrap.ok(Native.nif_seal_for_user(plaintext_b64, public_key_b64, pq_pk))
        end

      suite ->
        Wrap.ok(
          Native.nif_seal_for_user_with_suite(
            plaintext_b64,
            public_key_b64,
            pq_pk,
            Atom.to_string(suite),
            Atom.to_string(level)
          )
        )
    end
  end

  def unseal_from_user(ciphertext_b64, public_key_b64, private_key_b64, opts \\ []) do
    pq_sk = Keyword.get(opts, :pq_secret_key)
    Wrap.ok_decoded(Native.nif_unseal_from_user(ciphertext_b64, public_key_b64, private_key_b64, pq_sk))
  end
end
