defmodule SealkitBinding.BadInputTest do
  # Bad input: the crate's error text, nothing raised, the VM alive.
  use ExUnit.Case, async: true
  alias MetamorphicCrypto.{BoxSeal, Hybrid, KDF, Keys, Native, Recovery, Seal, SecretBox, Sign}

  @dec "decryption failed: invalid ciphertext or wrong key"

  test "base64 is strict, with the base64 crate's messages" do
    key = Keys.generate_key()
    assert {:error, "base64 decode: Invalid padding"} == SecretBox.decrypt("abc", key)
    assert {:error, "base64 decode: Invalid symbol 45, offset 2."} == SecretBox.decrypt("ab-d", key)
    assert {:error, "base64 decode: " <> _} = SecretBox.decrypt("YWJj\n", key)
    assert {:error, "base64 decode: " <> _} = SecretBox.decrypt("YR==", key)
    assert {:error, "base64 decode: " <> _} = SecretBox.encrypt_string("x", "a b=")
  end

  test "wrong sizes and short blobs" do
    key = Keys.generate_key()
    short = Base.encode64(<<1, 2, 3>>)
    assert {:error, "invalid length: expected 32 bytes, got 3"} == SecretBox.encrypt(short, short)
    assert {:error, "ciphertext too short to be valid"} == SecretBox.decrypt(short, key)
    {pk, sk} = Keys.generate_keypair()
    assert {:error, "invalid length: expected 32 bytes, got 3"} == BoxSeal.seal("x", short)
    assert {:error, _} = BoxSeal.open(short, pk, sk)
    assert {:error, "invalid length: expected 1216 bytes, got 32"} == Hybrid.seal("x", pk)
    assert {:error, "hybrid KEM: not a hybrid ciphertext (bad version tag)"} == Hybrid.open(Base.encode64(<<9, 0, 0>>), sk)
    assert {:error, "hybrid KEM: not a hybrid ciphertext (bad version tag)"} == Hybrid.open("", sk)
    assert {:error, "invalid recovery key character"} == Recovery.key_to_secret("ABC")
    assert {:error, "invalid length: expected 16 bytes, got 3"} == KDF.derive_session_key("pw", short)
  end

  test "wrong keys and altered ciphertexts are the crate's decryption error" do
    key = Keys.generate_key()
    {:ok, ct} = SecretBox.encrypt_string("secret", key)
    <<h, rest::binary>> = Base.decode64!(ct)
    assert {:error, @dec} == SecretBox.decrypt_string(Base.encode64(<<Bitwise.bxor(h, 1), rest::binary>>), key)
    assert {:error, @dec} == Keys.decrypt_private_key(ct, Keys.generate_key())
    {pk, sk} = Keys.generate_keypair()
    {pq_pk, _} = Hybrid.generate_keypair()
    {_, other_pq_sk} = Hybrid.generate_keypair()
    {:ok, ct} = Seal.seal_for_user("s", pk, pq_public_key: pq_pk)
    # a hybrid blob that the PQ key cannot open falls back to the box, which fails
    assert {:error, _} = Seal.unseal_from_user(ct, pk, sk, pq_secret_key: other_pq_sk)
    assert {:error, _} = Seal.unseal_from_user(ct, pk, sk)
  end

  test "errors never echo the secret input" do
    key = Keys.generate_key()
    {_, text} = SecretBox.decrypt(Base.encode64("a secret value that must not leak........"), key)
    refute text =~ "secret"
    {_, text} = KDF.derive_session_key("hunter2-password", Base.encode64("short"))
    refute text =~ "hunter2"
  end

  test "malformed signature input is false from verify and an error elsewhere" do
    kp = Sign.generate_signing_keypair(:cat2)
    {:ok, sig} = Sign.sign("m", "c", kp.secret_key)
    refute Sign.verify("m", "c", "not base64", kp.public_key)
    refute Sign.verify("m", "c", sig, Base.encode64(<<1, 2, 3>>))
    refute Sign.verify("m", "c", binary_part(sig, 0, 100), kp.public_key)
    assert {:error, _} = Native.nif_verify("m", "c", "%%%", kp.public_key)
    assert {:error, "invalid length: expected 65 bytes, got 1"} == Sign.derive_public_key(Base.encode64(<<1>>))
    assert_raise ArgumentError, fn -> Sign.derive_public_key!("") end
  end

  test "unknown enum strings at the Native layer are errors, not crashes" do
    assert {:error, _} = Native.nif_generate_hybrid_keypair_suite("hybrid", "cat2")
    assert {:error, _} = Native.nif_generate_hybrid_keypair_suite("HYBRID", "cat3")
    assert {:error, _} = Native.nif_seal_for_user_with_suite("", "", "", "hybrid", "cat9")
    assert {:error, _} = Native.nif_generate_signing_keypair_suite(:hybrid, "cat3")
  end

  test "non-binary arguments raise badarg at the NIF, like any BIF, and the VM lives" do
    assert_raise ArgumentError, fn -> MetamorphicCrypto.NIF.encrypt_secretbox(:atom, <<>>) end
    assert_raise ArgumentError, fn -> MetamorphicCrypto.NIF.generate_hybrid_keypair(4) end
    assert_raise FunctionClauseError, fn -> SecretBox.encrypt_string(42, Keys.generate_key()) end
    assert {:error, _} = Native.nif_decrypt_secretbox(123, Keys.generate_key())
  end

  test "random garbage into every opener: always {:error, text} or a value, never a raise" do
    {pk, sk} = Keys.generate_keypair()
    {_, seed} = Hybrid.generate_keypair()
    key = Keys.generate_key()
    for n <- [0, 1, 16, 31, 32, 33, 39, 40, 41, 48, 100, 841, 1121, 1153, 1633, 5000] do
      g = Base.encode64(:crypto.strong_rand_bytes(n))
      for {:error, text} <- [
            SecretBox.decrypt(g, key),
            SecretBox.decrypt_string(g, key),
            BoxSeal.open(g, pk, sk),
            Hybrid.open(g, seed),
            Seal.unseal_from_user(g, pk, sk, pq_secret_key: seed),
            Keys.decrypt_private_key(g, key),
            Recovery.decrypt_private_key(g, key),
            Sign.derive_public_key(g),
            Sign.signature_posture(g),
            SecretBox.encrypt(g, g),
            BoxSeal.seal("x", g)
          ] do
        assert is_binary(text) and text != ""
      end
      refute Sign.verify("m", "c", g, g)
      assert is_boolean(Hybrid.hybrid_ciphertext?(g))
    end
  end
end
