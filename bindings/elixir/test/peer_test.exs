defmodule SealkitBinding.PeerTest do
  # The matrix peer (peer.sh) as the matrix runs it: a separate VM speaking
  # JSON lines. Every format is produced and consumed back; altered bundles,
  # bad requests and garbage give {"error": text} and the peer keeps going.
  use ExUnit.Case, async: true
  alias SealkitBinding.JSON

  @formats ~w(secretbox box_seal hybrid-cat1 hybrid-cat3 hybrid-cat5 private-key recovery session-key sign-cat2 sign-cat3 sign-cat5)

  setup do
    port = Port.open({:spawn_executable, Path.expand("../peer.sh", __DIR__)}, [:binary, {:line, 10_000_000}, :exit_status])
    on_exit(fn -> if Port.info(port), do: Port.close(port) end)
    {:ok, port: port}
  end

  defp ask(port, req) do
    Port.command(port, (if is_binary(req), do: req, else: JSON.encode(req)) <> "\n")
    receive do
      {^port, {:data, {:eol, line}}} -> JSON.decode!(line)
      {^port, {:exit_status, s}} -> flunk("peer exited with #{s}")
    after
      30_000 -> flunk("peer did not answer")
    end
  end

  test "every format round-trips through the peer", %{port: port} do
    for f <- @formats do
      pt = if f == "session-key", do: "pässwörd", else: :crypto.strong_rand_bytes(32)
      %{"ok" => bundle} = ask(port, %{"op" => "produce", "format" => f, "plaintext" => Base.encode64(pt)})
      %{"ok" => result} = ask(port, %{"op" => "consume", "format" => f, "bundle" => bundle})
      case f do
        "session-key" -> assert result == %{"session_key" => bundle["session_key"]}
        "sign-" <> _ -> assert result == %{"valid" => true}
        _ -> assert result == %{"plaintext" => Base.encode64(pt)}, f
      end
    end
  end

  test "altered bundles: the crate's text, or valid=false for signatures", %{port: port} do
    for f <- @formats -- ["session-key"] do
      %{"ok" => b} = ask(port, %{"op" => "produce", "format" => f, "plaintext" => Base.encode64("hello")})
      field = if String.starts_with?(f, "sign-"), do: "signature", else: "ciphertext"
      raw = Base.decode64!(b[field])
      <<head::binary-size(byte_size(raw) - 1), last>> = raw
      b = Map.put(b, field, Base.encode64(<<head::binary, Bitwise.bxor(last, 1)>>))
      case ask(port, %{"op" => "consume", "format" => f, "bundle" => b}) do
        %{"ok" => %{"valid" => false}} -> assert String.starts_with?(f, "sign-")
        %{"error" => text} -> assert text == "decryption failed: invalid ciphertext or wrong key", f
      end
    end
  end

  test "bad requests are errors and the peer keeps answering", %{port: port} do
    assert %{"error" => _} = ask(port, "not json")
    assert %{"error" => _} = ask(port, ~s({"op":"produce","format":"nope","plaintext":""}))
    assert %{"error" => _} = ask(port, ~s({"op":"produce","format":"secretbox","plaintext":"%%"}))
    assert %{"error" => _} = ask(port, ~s({"op":"consume","format":"secretbox","bundle":{}}))
    assert %{"error" => "base64 decode: " <> _} =
             ask(port, ~s({"op":"consume","format":"secretbox","bundle":{"ciphertext":"a","key":"b"}}))
    assert %{"error" => _} = ask(port, <<"{\"op\":\"", 0xFF, "\"}">>)
    assert %{"ok" => _} = ask(port, %{"op" => "produce", "format" => "secretbox", "plaintext" => ""})
  end
end
