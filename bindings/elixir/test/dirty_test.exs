defmodule SealkitBinding.DirtyTest do
  # Argon2id (and the ML-KEM / ML-DSA calls) run on dirty CPU schedulers: a
  # process on a normal scheduler keeps answering while every normal
  # scheduler's worth of Argon2id runs. Were the NIF on a normal scheduler,
  # each call would hold its scheduler for a whole derivation.
  use ExUnit.Case, async: false
  alias MetamorphicCrypto.{KDF, Keys}

  test "a normal-scheduler process keeps running during Argon2id" do
    salt = Keys.generate_salt()
    {t_one, {:ok, _}} = :timer.tc(fn -> KDF.derive_session_key("pw", salt) end)
    # One normal scheduler: a NIF holding it would stop the ticker for a
    # whole derivation.
    online = :erlang.system_flag(:schedulers_online, 1)
    try do
      parent = self()
      pinger = spawn_link(fn -> ping_loop(parent, 0) end)
      Process.sleep(5)
      assert {:ok, _} = KDF.derive_session_key("pw", salt)
      send(pinger, {:stop, self()})
      worst = receive do {:worst, w} -> w end
      assert worst < t_one / 2, "worst tick gap #{worst} µs vs one Argon2id #{t_one} µs"
    after
      :erlang.system_flag(:schedulers_online, online)
    end
  end

  defp ping_loop(parent, worst) do
    t0 = System.monotonic_time(:microsecond)
    receive do
      {:stop, from} -> send(from, {:worst, worst})
    after
      1 ->
        gap = System.monotonic_time(:microsecond) - t0
        ping_loop(parent, max(worst, gap))
    end
  end
end
