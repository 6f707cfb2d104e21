# Speed per target, Elixir: bindings/elixir (the NIF over libsealkit) on the
# operations of bench.c, through the crate's API as a Phoenix app calls it
# (base64 strings in and out, decoded and encoded inside the NIF). Run by
# `make bench-targets` (internal/benchtargets) when bindings/elixir exists:
#   elixir -pa bindings/elixir/ebin bench/targets/bench.exs [min_seconds]
# One JSON line per operation: {"impl":"elixir","op":"…","ns":…}.
import Bitwise
alias MetamorphicCrypto.{BoxSeal, Keys, SecretBox}

min_ns =
  case System.argv() do
    [s | _] -> trunc(String.to_float(s) * 1.0e9)
    _ -> 500_000_000
  end

time = fn op, f ->
  for _ <- 1..3, do: f.()
  t0 = System.monotonic_time(:nanosecond)

  {n, el} =
    Stream.iterate(1, &min(&1 * 2, 1 <<< 20))
    |> Enum.reduce_while({0, 0}, fn batch, {n, _} ->
      for _ <- 1..batch, do: f.()
      el = System.monotonic_time(:nanosecond) - t0
      if el >= min_ns, do: {:halt, {n + batch, el}}, else: {:cont, {n + batch, el}}
    end)

  IO.puts(~s({"impl":"elixir","op":"#{op}","ns":#{Float.round(el / n, 1)}}))
end

key = Keys.generate_key()

time.("reject 1-byte ciphertext", fn ->
  {:error, _} = SecretBox.decrypt(Base.encode64(<<0>>), key)
end)

for {size, label} <- [{1024, "1KiB"}, {1 <<< 20, "1MiB"}] do
  pt = Base.encode64(:crypto.strong_rand_bytes(size))
  {:ok, ct} = SecretBox.encrypt(pt, key)
  time.("secretbox encrypt #{label}", fn -> {:ok, _} = SecretBox.encrypt(pt, key) end)
  time.("secretbox decrypt #{label}", fn -> {:ok, _} = SecretBox.decrypt(ct, key) end)
end

{pk, sk} = Keys.generate_keypair()
{:ok, boxed} = BoxSeal.seal(:crypto.strong_rand_bytes(1024), pk)
time.("box seal open 1KiB", fn -> {:ok, _} = BoxSeal.open_raw(boxed, pk, sk) end)
