defmodule MetamorphicCrypto.Hybrid do
  @moduledoc """
  ML-KEM + X25519 hybrid sealing (tags 0x01/0x02/0x03 for Cat-1/3/5), the
  crate's Elixir API. The secret key is the 32-byte seed, base64. Sealing,
  opening and key generation run on dirty CPU schedulers.

  Not provided by sealkit's C library: the CNSA 2.0 suites (`:hybrid_matched`,
  `:pure_cnsa2`, tags 0x10/0x13/0x14) — `generate_keypair_suite/2` and
  `seal_suite/5` accept only `:hybrid` and return the crate's error shape
  otherwise.
  """
  alias MetamorphicCrypto.{Native, Wrap}

  @seal_context_v1 "metamorphic/seal/v1"
  def seal_context_v1, do: @seal_context_v1

  def generate_keypair(level \\ :cat3)
  def generate_keypair(:cat1), do: Native.nif_generate_hybrid_keypair_512()
  def generate_keypair(:cat3), do: Native.nif_generate_hybrid_keypair()
  def generate_keypair(:cat5), do: Native.nif_generate_hybrid_keypair_1024()

  def generate_keypair_512, do: generate_keypair(:cat1)
  def generate_keypair_1024, do: generate_keypair(:cat5)

  def seal(plaintext, public_key_b64, level \\ :cat3) when is_binary(plaintext),
    do: seal_raw(Base.encode64(plaintext), public_key_b64, level)

  def seal_512(plaintext, public_key_b64), do: seal(plaintext, public_key_b64, :cat1)
  def seal_1024(plaintext, public_key_b64), do: seal(plaintext, public_key_b64, :cat5)

  def seal_raw(plaintext_b64, public_key_b64, level \\ :cat3)
  def seal_raw(pt, pk, :cat1), do: Wrap.ok(Native.nif_hybrid_seal_512(pt, pk))
  def seal_raw(pt, pk, :cat3), do: Wrap.ok(Native.nif_hybrid_seal(pt, pk))
  def seal_raw(pt, pk, :cat5), do: Wrap.ok(Native.nif_hybrid_seal_1024(pt, pk))

  def seal_raw_512(pt, pk), do: seal_raw(pt, pk, :cat1)
  def seal_raw_1024(pt, pk), do: seal_raw(pt, pk, :cat5)

  def generate_keypair_suite(suite, level \\ :cat5)
      when suite in [:hybrid, :hybrid_matched, :pure_cnsa2] and level in [:cat1, :cat3, :cat5] do
    case Native.nif_generate_hybrid_keypair_suite(Atom.to_string(suite), Atom.to_string(level)) do
      {:error, reason} -> {:error, reason}
      {pk, sk} -> {:ok, {pk, sk}}
    end
  end

  def seal_suite(plaintext, public_key_b64, suite, level, opts \\ []) when is_binary(plaintext),
    do: seal_suite_raw(Base.encode64(plaintext), public_key_b64, suite, level, opts)

  def seal_suite_raw(plaintext_b64, public_key_b64, suite, level, opts \\ [])
      when suite in [:hybrid, :hybrid_matched, :pure_cnsa2] and level in [:cat1, :cat3, :cat5] do
    s = Atom.to_string(suite)
    l = Atom.to_string(level)

    case Keyword.get(opts, :context_label) do
      nil -> Wrap.ok(Native.nif_hybrid_seal_suite(plaintext_b64, public_key_b64, s, l))
      label when is_binary(label) ->
        Wrap.ok(Native.nif_hybrid_seal_suite_with_context(plaintext_b64, public_key_b64, s, l, label))
    end
  end

  def open(ciphertext_b64, secret_key_b64) do
    case open_raw(ciphertext_b64, secret_key_b64) do
      {:ok, b64} -> {:ok, Base.decode64!(b64)}
      e -> e
    end
  end

  def open_raw(ciphertext_b64, secret_key_b64),
    do: Wrap.ok(Native.nif_hybrid_open(ciphertext_b64, secret_key_b64))

  @doc """
  `open/2` with a context label. The label binds only the CNSA 2.0 suites,
  which libsealkit does not open; for tags 0x01–0x03 it is ignored, as in
  the crate.
  """
  def open(ciphertext_b64, secret_key_b64, context_label) when is_binary(context_label) do
    case open_raw(ciphertext_b64, secret_key_b64, context_label) do
      {:ok, b64} -> {:ok, Base.decode64!(b64)}
      e -> e
    end
  end

  def open_raw(ciphertext_b64, secret_key_b64, context_label) when is_binary(context_label),
    do: Wrap.ok(Native.nif_hybrid_open_with_context(ciphertext_b64, secret_key_b64, context_label))

  @doc "Whether the base64 ciphertext carries a hybrid tag and length."
  def hybrid_ciphertext?(ciphertext_b64), do: Native.nif_is_hybrid_ciphertext(ciphertext_b64)
end
