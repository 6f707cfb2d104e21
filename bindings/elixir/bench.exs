# Speed of the Elixir binding per operation (µs, median of N calls), run
# with: elixir -pa bindings/elixir/ebin bindings/elixir/bench.exs
# Each call goes through the crate's API as an app would: base64 decoded by
# libsealkit, the operation in the NIF (dirty scheduler where slow), and
# Base.encode64 of the result.
alias MetamorphicCrypto.{BoxSeal, Hybrid, KDF, Keys, SecretBox, Sign}

median = fn n, f ->
  ts = for _ <- 1..n, do: elem(:timer.tc(f), 0)
  Enum.at(Enum.sort(ts), div(n, 2))
end

key = Keys.generate_key()
pt1k = :crypto.strong_rand_bytes(1024)
pt_b64 = Base.encode64(pt1k)
{:ok, ct} = SecretBox.encrypt(pt_b64, key)
{pk, sk} = Keys.generate_keypair()
{:ok, boxed} = BoxSeal.seal(pt1k, pk)
salt = Keys.generate_salt()

rows =
  [
    {"secretbox encrypt 1 KiB", 200, fn -> SecretBox.encrypt(pt_b64, key) end},
    {"secretbox decrypt 1 KiB", 200, fn -> SecretBox.decrypt(ct, key) end},
    {"box_seal 1 KiB", 200, fn -> BoxSeal.seal(pt1k, pk) end},
    {"box_seal_open 1 KiB", 200, fn -> BoxSeal.open(boxed, pk, sk) end},
    {"derive_session_key (Argon2id 64 MiB)", 5, fn -> KDF.derive_session_key("pw", salt) end}
  ] ++
    Enum.flat_map([:cat1, :cat3, :cat5], fn level ->
      {hpk, hsk} = Hybrid.generate_keypair(level)
      {:ok, hct} = Hybrid.seal(pt1k, hpk, level)
      [
        {"hybrid #{level} keypair", 50, fn -> Hybrid.generate_keypair(level) end},
        {"hybrid #{level} seal 1 KiB", 50, fn -> Hybrid.seal(pt1k, hpk, level) end},
        {"hybrid #{level} open 1 KiB", 50, fn -> Hybrid.open(hct, hsk) end}
      ]
    end) ++
    Enum.flat_map([:cat2, :cat3, :cat5], fn level ->
      kp = Sign.generate_signing_keypair(level)
      {:ok, sig} = Sign.sign(pt1k, "ctx", kp.secret_key)
      [
        {"sign #{level} 1 KiB", 50, fn -> Sign.sign(pt1k, "ctx", kp.secret_key) end},
        {"verify #{level} 1 KiB", 50, fn -> Sign.verify(pt1k, "ctx", sig, kp.public_key) end}
      ]
    end)

for {name, n, f} <- rows do
  IO.puts(String.pad_trailing(name, 40) <> String.pad_leading(Integer.to_string(median.(n, f)), 10) <> " µs")
end
