defmodule SealkitBinding.VectorsTest do
  # The crate's pinned values (wire-format vectors), read through the
  # crate's Elixir API.
  use ExUnit.Case, async: true
  import SealkitBinding.Vectors
  alias MetamorphicCrypto.{BoxSeal, Hybrid, KDF, Keys, Native, Recovery, SecretBox, Sign}

  test "secretbox: every pinned ciphertext opens to its plaintext" do
    vs = for v <- load("secretbox"), v["ciphertext_b64"] && v["key_b64"], do: v
    assert length(vs) >= 3
    for v <- vs do
      assert {:ok, v["plaintext_utf8"]} == SecretBox.decrypt_string(v["ciphertext_b64"], v["key_b64"]), v["desc"]
      assert {:ok, Base.encode64(v["plaintext_utf8"])} == SecretBox.decrypt(v["ciphertext_b64"], v["key_b64"])
    end
  end

  test "keys: the pinned wrapped private key opens with its session key" do
    [v] = for v <- load("secretbox"), v["private_key_b64"], do: v
    assert {:ok, v["private_key_b64"]} == Keys.decrypt_private_key(v["ciphertext_b64"], v["session_key_b64"])
  end

  test "secretbox: a 16-byte key is the crate's InvalidLength" do
    [v] = for v <- load("secretbox"), v["error"] == "InvalidLength", do: v
    assert {:error, "invalid length: expected 32 bytes, got 16"} == SecretBox.encrypt_string("x", v["key_b64"])
  end

  test "box_seal: the pinned sealed boxes open" do
    vs = for v <- load("box_seal"), v["ciphertext_b64"], do: v
    assert length(vs) == 2
    for v <- vs do
      assert {:ok, v["plaintext_b64"]} ==
               BoxSeal.open_raw(v["ciphertext_b64"], v["recipient_public_key_b64"], v["recipient_private_key_b64"])
    end
  end

  test "hybrid: the pinned X-Wing ciphertext opens and is recognised" do
    [v] = for v <- load("hybrid"), v["ciphertext_b64"], do: v
    assert {:ok, v["plaintext_utf8"]} == Hybrid.open(v["ciphertext_b64"], v["seed_b64"])
    assert Native.nif_is_hybrid_ciphertext(v["ciphertext_b64"])
    assert byte_size(Base.decode64!(v["public_key_b64"])) == String.to_integer(to_string(v["public_key_len"]))
    assert {:error, "decryption failed: invalid ciphertext or wrong key"} ==
             Hybrid.open(v["ciphertext_b64"], Base.encode64(<<1::256>>))
  end

  test "hybrid: the length gate and the short-blob error" do
    for v <- load("hybrid"), v["blob_hex"] do
      b64 = Base.encode64(hex(v["blob_hex"]))
      assert Native.nif_is_hybrid_ciphertext(b64) == (v["is_hybrid"] in [true, "True"]), v["desc"]
      if v["hybrid_open_error"] == "TooShort" do
        assert {:error, "ciphertext too short to be valid"} == Hybrid.open(b64, Base.encode64(<<0::256>>))
      end
    end
  end

  test "kdf: Argon2id session keys and key hashes" do
    for v <- load("kdf") do
      cond do
        v["session_key_b64"] ->
          assert {:ok, v["session_key_b64"]} == KDF.derive_session_key(v["password_utf8"], v["salt_b64"]), v["desc"]
          assert {:ok, v["salt_b64"]} == KDF.parse_salt_from_key_hash(v["key_hash"])

        v["error"] == "InvalidKeyHash" ->
          assert {:error, "invalid key_hash format (expected `salt$argon2id`)"} == KDF.parse_salt_from_key_hash(v["key_hash"])

        v["error"] == "InvalidLength" ->
          assert {:error, "invalid length: expected 16 bytes, got 8"} == KDF.derive_session_key(v["password_utf8"], v["salt_b64"])

        v["key_hash"] ->
          assert {:ok, v["salt_b64"]} == KDF.parse_salt_from_key_hash(v["key_hash"]), v["desc"]
      end
    end
  end

  test "recovery: pinned keys give their secrets; a bad character is the crate's error" do
    for v <- load("recovery") do
      if v["error"] do
        assert {:error, "invalid recovery key character"} == Recovery.key_to_secret(v["recovery_key"])
      else
        assert {:ok, v["recovery_secret_b64"]} == Recovery.key_to_secret(v["recovery_key"]), v["desc"]
      end
    end
  end

  test "sign: pinned signatures of every suite verify; public keys re-derive; posture reads the tag" do
    vs = for v <- load("sign"), v["signature_b64"], do: v
    assert length(vs) == 7
    for v <- vs do
      msg = v["message_utf8"]
      assert Sign.verify(msg, v["context"], v["signature_b64"], v["public_key_b64"]), v["desc"]
      refute Sign.verify(msg <> "!", v["context"], v["signature_b64"], v["public_key_b64"])
      refute Sign.verify(msg, v["context"] <> "x", v["signature_b64"], v["public_key_b64"])
      assert {:ok, v["public_key_b64"]} == Sign.derive_public_key(v["secret_key_b64"])
      assert {:ok, {_suite, _level}} = Sign.signature_posture(v["public_key_b64"])
      assert Sign.signature_posture(v["public_key_b64"]) == Sign.signature_posture_from_signature(v["signature_b64"])
    end
  end

  test "sign: an unknown tag is the crate's Signature error" do
    sk = Base.encode64(:binary.copy(<<9>>, 65))
    assert {:error, "signature: " <> _} = Sign.sign("m", "c", sk)
    assert {:error, "signature: " <> _} = Sign.signature_posture(Base.encode64(:binary.copy(<<0x7F>>, 128)))
  end

  test "hash: every pinned digest; bad base64 is the crate's error" do
    vs = load("hash")
    assert length(vs) >= 8
    for v <- vs do
      data_b64 = v["input_b64"] || Base.encode64(if v["input_utf8"], do: v["input_utf8"], else: hex(v["input_hex"] || ""))
      want = v["digest_b64"] || (v["digest_hex"] && Base.encode64(hex(v["digest_hex"])))
      got =
        case v["alg"] do
          "sha3_512" -> MetamorphicCrypto.Hash.sha3_512(data_b64)
          "sha3_256" -> MetamorphicCrypto.Hash.sha3_256(data_b64)
          "sha256" -> MetamorphicCrypto.Hash.sha256(data_b64)
          "sha512" -> MetamorphicCrypto.Hash.sha512(data_b64)
          "sha3_512_with_context" -> MetamorphicCrypto.sha3_512_with_context(v["context"], data_b64)
          nil -> MetamorphicCrypto.sha3_512(data_b64)
        end
      if v["error"] do
        assert {:error, "base64 decode: " <> _} = got, v["desc"]
      else
        assert {:ok, want} == got, v["desc"]
      end
    end
  end

  test "mac: RFC 4231 HMAC-SHA256" do
    vs = load("mac")
    assert length(vs) >= 5
    for v <- vs do
      key = v["key_b64"] || Base.encode64(hex(v["key_hex"]))
      msg = v["msg_b64"] || Base.encode64(hex(v["msg_hex"]))
      assert {:ok, Base.encode64(hex(v["tag_hex"]))} == MetamorphicCrypto.Mac.hmac_sha256(key, msg), v["desc"]
    end
  end

  test "hkdf: RFC 5869 shapes with SHA-512, empty salt, the length limit" do
    vs = for v <- load("hkdf"), v["okm_hex"], do: v
    assert length(vs) == 3
    bin = fn v, f -> (v[f <> "_hex"] && hex(v[f <> "_hex"])) || v[f <> "_utf8"] || "" end
    for v <- vs do
      len = String.to_integer(to_string(v["length"]))
      assert {:ok, Base.encode64(hex(v["okm_hex"]))} ==
               KDF.hkdf_sha512(Base.encode64(bin.(v, "salt")), Base.encode64(bin.(v, "ikm")), bin.(v, "info"), len),
             v["desc"]
    end
    assert {:ok, okm} = KDF.hkdf_sha512("", Base.encode64("k"), "i", 16320)
    assert byte_size(Base.decode64!(okm)) == 16320
    assert {:error, "hkdf: invalid output length 16321 (max 16320)"} == KDF.hkdf_sha512("", "", "", 16321)
    assert {:ok, ""} == KDF.hkdf_sha512("", "", "", 0)
  end

  test "encoding: standard padded base64 in and out" do
    for v <- load("encoding") do
      assert Base.encode64(v["bytes_utf8"]) == v["b64"]
      key = Keys.generate_key()
      {:ok, ct} = SecretBox.encrypt(v["b64"], key)
      assert {:ok, v["b64"]} == SecretBox.decrypt(ct, key)
    end
  end
end
