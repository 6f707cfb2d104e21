defmodule SealkitBinding.DirtyTest do
  # Argon2id (and the ML-KEM / ML-DSA calls) run on dirty CPU schedulers.
  # With a single normal scheduler online, a ticker process keeps ticking
  # while a derivation runs; were the NIF on the normal scheduler, it would
  # hold that scheduler for the whole derivation and the ticker would get no
  # tick in (checked: the test fails without the DIRTY flag). Counting ticks,
  # rather than timing the gaps, keeps the test stable on a loaded machine.
  use ExUnit.Case, async: false
  alias MetamorphicCrypto.{KDF, Keys}

  test "a normal-scheduler process keeps running during Argon2id" do
    salt = Keys.generate_salt()
    online = :erlang.system_flag(:schedulers_online, 1)
    try do
      ticker = spawn_link(fn -> tick([]) end)
      Process.sleep(5)
      t0 = System.monotonic_time(:microsecond)
      assert {:ok, _} = KDF.derive_session_key("pw", salt)
      t1 = System.monotonic_time(:microsecond)
      send(ticker, {:stop, self()})
      ticks = receive do {:ticks, ts} -> ts end
      during = Enum.count(ticks, &(&1 > t0 + 1_000 and &1 < t1 - 1_000))
      assert during >= 3, "#{during} ticks during a #{t1 - t0} µs derivation"
    after
      :erlang.system_flag(:schedulers_online, online)
    end
  end

  defp tick(acc) do
    receive do
      {:stop, from} -> send(from, {:ticks, acc})
    after
      1 -> tick([System.monotonic_time(:microsecond) | acc])
    end
  end
end
