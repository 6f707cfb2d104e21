defmodule MetamorphicCrypto.BoxSeal do
  @moduledoc """
  X25519 anonymous sealed boxes (libsodium `crypto_box_seal`), the crate's
  Elixir API: `seal/2` and `open/3` take and return UTF-8 strings, the
  `_raw` forms base64.
  """
  alias MetamorphicCrypto.{Native, Wrap}

  def seal(plaintext, public_key_b64) when is_binary(plaintext),
    do: seal_raw(Base.encode64(plaintext), public_key_b64)

  def seal_raw(plaintext_b64, public_key_b64), do: Wrap.ok(Native.nif_box_seal(plaintext_b64, public_key_b64))

  def open(ciphertext_b64, public_key_b64, private_key_b64) do
    case open_raw(ciphertext_b64, public_key_b64, private_key_b64) do
      {:ok, b64} -> {:ok, Base.decode64!(b64)}
      e -> e
    end
  end

  def open_raw(ciphertext_b64, public_key_b64, private_key_b64),
    do: Wrap.ok(Native.nif_box_seal_open(ciphertext_b64, public_key_b64, private_key_b64))
end
