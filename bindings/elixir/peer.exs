# The Elixir target of the cross-target matrix (issue 16), run by peer.sh.
#
# Reads JSON requests, one a line, on stdin and writes one JSON line per
# request on stdout:
#
#     {"op":"produce","format":F,"plaintext":b64} -> {"ok":{bundle}}
#     {"op":"consume","format":F,"bundle":{bundle}} -> {"ok":{result}}
#     any failure -> {"error":"<the crate's text>"}
#
# Every operation goes through the crate's Elixir API (MetamorphicCrypto.*),
# so the matrix checks what a Phoenix app would call. The bundle fields are
# the matrix's (the same as bindings/python/peer.py): bytes as standard
# base64, the recovery key and the signing context as text. A consume
# returns {"plaintext":b64}, {"session_key":b64} for session-key (the
# consumer recomputes it) or {"valid":bool} for signatures.
defmodule SealkitBinding.Peer do
  alias MetamorphicCrypto.{BoxSeal, Hybrid, KDF, Keys, Recovery, Seal, SecretBox, Sign}
  alias SealkitBinding.JSON

  defmodule Refused do
    defexception [:message]
  end

  defp refuse(msg), do: raise(Refused, message: msg)

  defp ok!({:ok, v}), do: v
  defp ok!({:error, text}), do: throw({:crypto, text})

  defp field(b, f) do
    case b do
      %{^f => v} when is_binary(v) -> v
      _ -> refuse("bundle: no string field #{inspect(f)}")
    end
  end

  defp b64!(s, what) do
    case Base.decode64(s) do
      {:ok, v} -> v
      :error -> refuse("#{what} is not standard base64")
    end
  end

  @hybrid %{"hybrid-cat1" => :cat1, "hybrid-cat3" => :cat3, "hybrid-cat5" => :cat5}
  @sign %{"sign-cat2" => :cat2, "sign-cat3" => :cat3, "sign-cat5" => :cat5}

  def produce("secretbox", pt) do
    key = Keys.generate_key()
    %{"key" => key, "ciphertext" => ok!(SecretBox.encrypt(Base.encode64(pt), key))}
  end

  def produce("box_seal", pt) do
    {pk, sk} = Keys.generate_keypair()
    %{"public_key" => pk, "private_key" => sk, "ciphertext" => ok!(BoxSeal.seal(pt, pk))}
  end

  def produce(f, pt) when is_map_key(@hybrid, f) do
    level = @hybrid[f]
    {pk, sk} = Keys.generate_keypair()
    {pq_pk, pq_sk} = Hybrid.generate_keypair(level)
    ct = ok!(Seal.seal_for_user(pt, pk, pq_public_key: pq_pk, level: level))
    %{"public_key" => pk, "private_key" => sk, "pq_public_key" => pq_pk, "pq_secret_key" => pq_sk, "ciphertext" => ct}
  end

  # The plaintext is the raw private key; the crate's API takes its base64.
  def produce("private-key", pt) do
    key = Keys.generate_key()
    %{"session_key" => key, "ciphertext" => ok!(Keys.encrypt_private_key(Base.encode64(pt), key))}
  end

  def produce("recovery", pt) do
    {:ok, rk, secret} = Recovery.generate()
    %{"recovery_key" => rk, "ciphertext" => ok!(Recovery.encrypt_private_key(Base.encode64(pt), secret))}
  end

  def produce("session-key", pt) do
    unless String.valid?(pt), do: refuse("session-key: the password is not UTF-8")
    salt = Keys.generate_salt()
    %{"password" => Base.encode64(pt), "salt" => salt, "session_key" => ok!(KDF.derive_session_key(pt, salt))}
  end

  def produce(f, pt) when is_map_key(@sign, f) do
    kp = Sign.generate_signing_keypair(@sign[f])
    ctx = Sign.sign_context_v1()
    %{"public_key" => kp.public_key, "message" => Base.encode64(pt), "context" => ctx,
      "signature" => ok!(Sign.sign(pt, ctx, kp.secret_key))}
  end

  def produce(f, _), do: refuse("unknown format #{inspect(f)}")

  def consume("secretbox", b), do: %{"plaintext" => ok!(SecretBox.decrypt(field(b, "ciphertext"), field(b, "key")))}

  def consume("box_seal", b),
    do: %{"plaintext" => ok!(BoxSeal.open_raw(field(b, "ciphertext"), field(b, "public_key"), field(b, "private_key")))}

  def consume(f, b) when is_map_key(@hybrid, f) do
    pt = ok!(Seal.unseal_from_user(field(b, "ciphertext"), field(b, "public_key"), field(b, "private_key"),
           pq_secret_key: field(b, "pq_secret_key")))
    %{"plaintext" => Base.encode64(pt)}
  end

  def consume("private-key", b),
    do: %{"plaintext" => ok!(Keys.decrypt_private_key(field(b, "ciphertext"), field(b, "session_key")))}

  def consume("recovery", b) do
    secret = ok!(Recovery.key_to_secret(field(b, "recovery_key")))
    %{"plaintext" => ok!(Recovery.decrypt_private_key(field(b, "ciphertext"), secret))}
  end

  def consume("session-key", b) do
    pw = b64!(field(b, "password"), "bundle: field \"password\"")
    unless String.valid?(pw), do: refuse("session-key: the password is not base64 of UTF-8")
    %{"session_key" => ok!(KDF.derive_session_key(pw, field(b, "salt")))}
  end

  def consume(f, b) when is_map_key(@sign, f) do
    msg = b64!(field(b, "message"), "bundle: field \"message\"")
    %{"valid" => Sign.verify(msg, field(b, "context"), field(b, "signature"), field(b, "public_key"))}
  end

  def consume(f, _), do: refuse("unknown format #{inspect(f)}")

  def handle(line) do
    try do
      case JSON.decode!(line) do
        %{"op" => "produce", "format" => f, "plaintext" => pt} when is_binary(pt) ->
          %{"ok" => produce(f, b64!(pt, "request: plaintext"))}

        %{"op" => "consume", "format" => f, "bundle" => b} when is_map(b) ->
          %{"ok" => consume(f, b)}

        _ ->
          %{"error" => "request: not a produce or consume request"}
      end
    rescue
      e in Refused -> %{"error" => e.message}
      _ -> %{"error" => "request: not valid JSON"}
    catch
      {:crypto, text} -> %{"error" => text}
    end
  end

  def main do
    :ok = :io.setopts(:standard_io, binary: true, encoding: :latin1)
    loop()
  end

  defp loop do
    case IO.binread(:stdio, :line) do
      :eof -> :ok
      {:error, _} -> :ok
      line ->
        line = String.trim_trailing(line, "\n") |> String.trim_trailing("\r")
        if line != "" do
          IO.binwrite(:stdio, JSON.encode(handle(line)) <> "\n")
        end
        loop()
    end
  end
end

SealkitBinding.Peer.main()
