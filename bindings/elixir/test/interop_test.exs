defmodule SealkitBinding.InteropTest do
  # The crate's Elixir API against independent implementations: the
  # repository's interop peer (interop/peer.mjs: libsodium.js for secretbox,
  # sealed boxes and Argon2id; @noble/post-quantum and @noble/curves for the
  # hybrid seal and the composite signatures). Both directions per format.
  # Needs node and the npm packages (`npm ci`, which make test runs first).
  use ExUnit.Case, async: true
  alias MetamorphicCrypto.{BoxSeal, Hybrid, KDF, Keys, SecretBox, Sign}
  alias SealkitBinding.JSON

  # One peer per test: a port talks to the process that opened it.
  setup do
    root = Path.expand("../../..", __DIR__)
    node = System.find_executable("node") || flunk("node is needed for the interop test")
    port =
      Port.open({:spawn_executable, node}, [
        :binary, {:line, 10_000_000}, :exit_status, {:cd, root}, {:args, ["interop/peer.mjs"]}
      ])
    receive do
      {^port, {:data, {:eol, line}}} -> %{"ready" => true} = JSON.decode!(line)
    after
      30_000 -> flunk("interop peer did not start (npm ci?)")
    end
    on_exit(fn -> if Port.info(port), do: Port.close(port) end)
    {:ok, port: port}
  end

  defp call(port, req) do
    id = System.unique_integer([:positive])
    Port.command(port, JSON.encode(Map.put(req, "id", id)) <> "\n")
    receive do
      {^port, {:data, {:eol, line}}} ->
        case JSON.decode!(line) do
          %{"id" => ^id, "ok" => true} = r -> r
          r -> flunk("interop peer: #{inspect(r)}")
        end
    after
      30_000 -> flunk("interop peer did not answer")
    end
  end

  defp b64(x), do: Base.encode64(x)

  test "secretbox both ways", %{port: port} do
    key = Keys.generate_key()
    {:ok, ct} = SecretBox.encrypt_string("to libsodium", key)
    assert Base.decode64!(call(port, %{"op" => "secretbox_decrypt", "ct" => ct, "key" => key})["pt"]) == "to libsodium"
    %{"ct" => ct2} = call(port, %{"op" => "secretbox_encrypt", "pt" => b64("from libsodium"), "key" => key})
    assert {:ok, "from libsodium"} == SecretBox.decrypt_string(ct2, key)
  end

  test "sealed boxes both ways", %{port: port} do
    {pk, sk} = Keys.generate_keypair()
    {:ok, ct} = BoxSeal.seal("to libsodium", pk)
    assert Base.decode64!(call(port, %{"op" => "box_seal_open", "ct" => ct, "pk" => pk, "sk" => sk})["pt"]) == "to libsodium"
    %{"pk" => npk, "sk" => nsk} = call(port, %{"op" => "box_keypair"})
    %{"ct" => ct2} = call(port, %{"op" => "box_seal", "pt" => b64("from libsodium"), "pk" => npk})
    assert {:ok, "from libsodium"} == BoxSeal.open(ct2, npk, nsk)
  end

  test "Argon2id session key equals libsodium's crypto_pwhash", %{port: port} do
    salt = Keys.generate_salt()
    pw = "pässwörd ✓"
    %{"key" => key} = call(port, %{"op" => "pwhash", "password" => pw, "password_utf8" => b64(pw), "salt" => salt})
    assert {:ok, key} == KDF.derive_session_key(pw, salt)
  end

  test "hybrid seal at every level both ways (noble ML-KEM)", %{port: port} do
    for level <- [1, 3, 5] do
      seed = b64(:crypto.strong_rand_bytes(32))
      %{"pk" => pk} = call(port, %{"op" => "hybrid_keypair", "impl" => "generic", "level" => level, "seed" => seed})
      atom = String.to_existing_atom("cat#{level}")
      {:ok, ct} = Hybrid.seal("to noble #{level}", pk, atom)
      %{"pt" => pt} = call(port, %{"op" => "hybrid_open", "impl" => "generic", "ct" => ct, "seed" => seed})
      assert Base.decode64!(pt) == "to noble #{level}"
      %{"ct" => ct2} = call(port, %{"op" => "hybrid_seal", "impl" => "generic", "pt" => b64("from noble"), "pk" => pk})
      assert {:ok, "from noble"} == Hybrid.open(ct2, seed)
    end
  end

  test "composite signatures both ways (noble Ed25519 + ML-DSA)", %{port: port} do
    ctx = Sign.sign_context_v1()
    keys =
      for(level <- [:cat2, :cat3, :cat5], do: Sign.generate_signing_keypair(level)) ++
        [elem(Sign.generate_signing_keypair_suite(:pure_cnsa2, :cat5), 1)]
    for kp <- keys do
      assert %{"pk" => kp.public_key} == Map.take(call(port, %{"op" => "sign_public_key", "sk" => kp.secret_key}), ["pk"])
      {:ok, sig} = Sign.sign("entry", ctx, kp.secret_key)
      %{"key" => both} = call(port, %{"op" => "verify", "pk" => kp.public_key, "ct" => sig, "ctx" => b64(ctx), "pt" => b64("entry")})
      assert Base.decode64!(both) == <<1, 1>>
      %{"ct" => nsig} = call(port, %{"op" => "sign", "sk" => kp.secret_key, "ctx" => b64(ctx), "pt" => b64("from noble")})
      assert Sign.verify("from noble", ctx, nsig, kp.public_key)
      refute Sign.verify("from noble!", ctx, nsig, kp.public_key)
    end
  end
end
