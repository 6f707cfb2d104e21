defmodule SealkitBinding.RoundTripTest do
  # Every module of the crate's Elixir API, round trip, with the crate's
  # shapes ({:ok, v}, bare values, tuples and maps where the crate has them).
  use ExUnit.Case, async: true
  alias MetamorphicCrypto.{BoxSeal, Hybrid, KDF, Keys, Native, Recovery, Seal, SecretBox, Sign}

  test "keys have the crate's sizes" do
    assert byte_size(Base.decode64!(Keys.generate_key())) == 32
    assert byte_size(Base.decode64!(Keys.generate_salt())) == 16
    {pk, sk} = Keys.generate_keypair()
    assert byte_size(Base.decode64!(pk)) == 32 and byte_size(Base.decode64!(sk)) == 32
    refute Keys.generate_key() == Keys.generate_key()
  end

  test "secretbox: strings, raw bytes, and the raising forms" do
    key = Keys.generate_key()
    {:ok, ct} = SecretBox.encrypt_string("zero knowledge ✓", key)
    assert byte_size(Base.decode64!(ct)) == 24 + byte_size("zero knowledge ✓") + 16
    assert {:ok, "zero knowledge ✓"} == SecretBox.decrypt_string(ct, key)
    raw = Base.encode64(<<0, 255, 1, 254>>)
    {:ok, ct2} = SecretBox.encrypt(raw, key)
    assert {:ok, raw} == SecretBox.decrypt(ct2, key)
    assert "x" == SecretBox.decrypt_string!(SecretBox.encrypt_string!("x", key), key)
    assert_raise RuntimeError, ~r/^decryption failed: decryption failed/, fn ->
      SecretBox.decrypt_string!(ct, Keys.generate_key())
    end
  end

  test "secretbox: non-UTF-8 plaintext is the crate's UTF-8 error for the string form only" do
    key = Keys.generate_key()
    {:ok, ct} = SecretBox.encrypt(Base.encode64(<<?a, 0xFF, ?b>>), key)
    assert {:error, "UTF-8: invalid utf-8 sequence of 1 bytes from index 1"} == SecretBox.decrypt_string(ct, key)
    {:ok, ct} = SecretBox.encrypt(Base.encode64(<<?a, 0xE2, 0x82>>), key)
    assert {:error, "UTF-8: incomplete utf-8 byte sequence from index 1"} == SecretBox.decrypt_string(ct, key)
    {:ok, ct} = SecretBox.encrypt(Base.encode64(<<0xE2, 0x82, ?z>>), key)
    assert {:error, "UTF-8: invalid utf-8 sequence of 2 bytes from index 0"} == SecretBox.decrypt_string(ct, key)
    assert {:ok, Base.encode64(<<0xE2, 0x82, ?z>>)} == SecretBox.decrypt(ct, key)
  end

  test "box seal: strings and raw" do
    {pk, sk} = Keys.generate_keypair()
    {:ok, ct} = BoxSeal.seal("to you", pk)
    assert byte_size(Base.decode64!(ct)) == 32 + 6 + 16
    assert {:ok, "to you"} == BoxSeal.open(ct, pk, sk)
    {other_pk, other_sk} = Keys.generate_keypair()
    assert {:error, "decryption failed: invalid ciphertext or wrong key"} == BoxSeal.open(ct, other_pk, other_sk)
  end

  test "hybrid: every level, with the crate's tags and sizes" do
    for {level, tag, pk_len} <- [cat1: {1, 832}, cat3: {2, 1216}, cat5: {3, 1600}] |> Enum.map(fn {l, {t, n}} -> {l, t, n} end) do
      {pk, seed} = Hybrid.generate_keypair(level)
      assert byte_size(Base.decode64!(pk)) == pk_len
      assert byte_size(Base.decode64!(seed)) == 32
      {:ok, ct} = Hybrid.seal("pq #{level}", pk, level)
      assert <<^tag, _::binary>> = Base.decode64!(ct)
      assert Hybrid.hybrid_ciphertext?(ct)
      assert {:ok, "pq #{level}"} == Hybrid.open(ct, seed)
    end
    {pk, seed} = Hybrid.generate_keypair_1024()
    {:ok, ct} = Hybrid.seal_1024("x", pk)
    assert {:ok, "x"} == Hybrid.open(ct, seed)
    {pk, seed} = Hybrid.generate_keypair_512()
    {:ok, ct} = Hybrid.seal_512("y", pk)
    assert {:ok, Base.encode64("y")} == Hybrid.open_raw(ct, seed)
  end

  test "seal: classical and post-quantum, unsealed by detection" do
    {pk, sk} = Keys.generate_keypair()
    {:ok, ct} = Seal.seal_for_user("classic", pk)
    assert {:ok, "classic"} == Seal.unseal_from_user(ct, pk, sk)
    for level <- [:cat1, :cat3, :cat5] do
      {pq_pk, pq_sk} = Hybrid.generate_keypair(level)
      {:ok, ct} = Seal.seal_for_user("pq", pk, pq_public_key: pq_pk, level: level)
      assert Hybrid.hybrid_ciphertext?(ct)
      assert {:ok, "pq"} == Seal.unseal_from_user(ct, pk, sk, pq_secret_key: pq_sk)
      # a legacy box still opens when the PQ key is passed
      {:ok, old} = Seal.seal_for_user("legacy", pk)
      assert {:ok, "legacy"} == Seal.unseal_from_user(old, pk, sk, pq_secret_key: pq_sk)
    end
    {:ok, ct} = Seal.seal_for_user_raw(Base.encode64(<<1, 2, 3>>), pk)
    assert {:ok, <<1, 2, 3>>} == Seal.unseal_from_user(ct, pk, sk)
    # with a PQ key, only the PQ key is used, as in the crate
    {pq_pk, pq_sk} = Hybrid.generate_keypair()
    assert {:ok, ct} = Seal.seal_for_user("only pq", "not base64!", pq_public_key: pq_pk)
    assert {:ok, "only pq"} == Hybrid.open(ct, pq_sk)
  end

  test "kdf: Argon2id is deterministic per password and salt" do
    salt = Keys.generate_salt()
    {:ok, k1} = KDF.derive_session_key("correct horse", salt)
    assert {:ok, ^k1} = KDF.derive_session_key("correct horse", salt)
    refute {:ok, k1} == KDF.derive_session_key("correct horsf", salt)
    assert k1 == KDF.derive_session_key!("correct horse", salt)
    assert {:ok, "c2FsdA=="} == KDF.parse_salt_from_key_hash("c2FsdA==$argon2id")
  end

  test "private keys: session key and recovery key backups" do
    {_pk, sk} = Keys.generate_keypair()
    session = Keys.generate_key()
    {:ok, wrapped} = Keys.encrypt_private_key(sk, session)
    assert {:ok, sk} == Keys.decrypt_private_key(wrapped, session)
    # what is encrypted is the text of the key (crate: encrypt_secretbox_string)
    assert {:ok, sk} == SecretBox.decrypt_string(wrapped, session)

    {:ok, rk, secret} = Recovery.generate()
    assert String.length(rk) == 64 + 12
    assert {:ok, secret} == Recovery.key_to_secret(rk)
    assert {:ok, secret} == Recovery.key_to_secret(rk |> String.downcase() |> String.replace("-", ""))
    {:ok, backup} = Recovery.encrypt_private_key(sk, secret)
    assert {:ok, sk} == Recovery.decrypt_private_key(backup, secret)
  end

  test "sign: every suite and level" do
    for level <- [:cat2, :cat3, :cat5] do
      kp = Sign.generate_signing_keypair(level)
      assert {:ok, kp.public_key} == Sign.derive_public_key(kp.secret_key)
      {:ok, sig} = Sign.sign(<<0, 1, 2>>, Sign.sign_context_v1(), kp.secret_key)
      assert Sign.verify(<<0, 1, 2>>, Sign.sign_context_v1(), sig, kp.public_key)
      refute Sign.verify(<<0, 1, 3>>, Sign.sign_context_v1(), sig, kp.public_key)
      assert {:ok, {:hybrid, ^level}} = Sign.signature_posture(kp.public_key)
    end
    for {suite, level} <- [hybrid_matched: :cat3, hybrid_matched: :cat5, pure_cnsa2: :cat5] do
      {:ok, kp} = Sign.generate_signing_keypair_suite(suite, level)
      sig = Sign.sign!("m", "ctx", kp.secret_key)
      assert Sign.verify("m", "ctx", sig, kp.public_key)
      assert {:ok, {^suite, ^level}} = Sign.signature_posture_from_signature(sig)
    end
    assert {:error, "signature: " <> _} = Sign.generate_signing_keypair_suite(:pure_cnsa2, :cat3)
    assert {:error, _} = Native.nif_generate_signing_keypair("cat4")
  end

  test "facade" do
    key = MetamorphicCrypto.generate_key()
    {:ok, ct} = MetamorphicCrypto.encrypt("facade", key)
    assert {:ok, "facade"} == MetamorphicCrypto.decrypt(ct, key)
    {pk, sk} = MetamorphicCrypto.generate_keypair()
    {:ok, sealed} = MetamorphicCrypto.seal("to pk", pk)
    assert {:ok, "to pk"} == MetamorphicCrypto.unseal(sealed, pk, sk)
    kp = MetamorphicCrypto.generate_signing_keypair()
    assert {:ok, kp.public_key} == MetamorphicCrypto.derive_public_key(kp.secret_key)
    {:ok, sig} = MetamorphicCrypto.sign("m", "c", kp.secret_key)
    assert MetamorphicCrypto.verify("m", "c", sig, kp.public_key)
    {hpk, hsk} = MetamorphicCrypto.Hybrid.generate_keypair()
    {:ok, hct} = MetamorphicCrypto.Hybrid.seal("ctx", hpk)
    assert {:ok, "ctx"} == MetamorphicCrypto.Hybrid.open(hct, hsk, "mosslet/seal/v1")
    {:ok, sct} = MetamorphicCrypto.Hybrid.seal_suite("suite", hpk, :hybrid, :cat3, context_label: "x/seal/v1")
    assert {:ok, "suite"} == MetamorphicCrypto.Hybrid.open(sct, hsk)
    {:ok, {spk, ssk}} = MetamorphicCrypto.Hybrid.generate_keypair_suite(:hybrid, :cat1)
    {:ok, sct} = MetamorphicCrypto.Hybrid.seal_suite("s1", spk, :hybrid, :cat1)
    assert <<1, _::binary>> = Base.decode64!(sct)
    assert {:ok, "s1"} == MetamorphicCrypto.Hybrid.open(sct, ssk)
    assert {:error, "hybrid KEM: suite not supported by sealkit's C library"} ==
             MetamorphicCrypto.Hybrid.seal_suite("s", spk, :pure_cnsa2, :cat5)
  end
end

defmodule SealkitBinding.ConcurrencyTest do
  # libsealkit is called from many schedulers at once (normal and dirty):
  # every result must still be the right one.
  use ExUnit.Case, async: true
  alias MetamorphicCrypto.{Hybrid, Keys, SecretBox, Seal, Sign}

  test "parallel calls from many processes" do
    kp = Sign.generate_signing_keypair(:cat2)
    {pq_pk, pq_sk} = Hybrid.generate_keypair(:cat1)
    {pk, sk} = Keys.generate_keypair()
    results =
      1..64
      |> Task.async_stream(fn i ->
        key = Keys.generate_key()
        msg = "message #{i}"
        {:ok, ct} = SecretBox.encrypt_string(msg, key)
        {:ok, sealed} = Seal.seal_for_user(msg, pk, pq_public_key: pq_pk, level: :cat1)
        {:ok, sig} = Sign.sign(msg, "ctx", kp.secret_key)
        {SecretBox.decrypt_string(ct, key), Seal.unseal_from_user(sealed, pk, sk, pq_secret_key: pq_sk),
         Sign.verify(msg, "ctx", sig, kp.public_key), msg}
      end, max_concurrency: 16, timeout: 60_000)
      |> Enum.map(fn {:ok, r} -> r end)
    for {a, b, v, msg} <- results do
      assert a == {:ok, msg} and b == {:ok, msg} and v
    end
  end
end

defmodule SealkitBinding.EmptyTest do
  # Empty inputs: libsealkit may hand back an empty output (NULL, 0); the
  # NIF turns it into <<>>.
  use ExUnit.Case, async: true
  alias MetamorphicCrypto.{BoxSeal, Hybrid, KDF, Keys, SecretBox, Sign}

  test "empty plaintexts, messages, contexts, passwords and key hashes" do
    k = Keys.generate_key()
    {:ok, c} = SecretBox.encrypt("", k)
    assert {:ok, ""} == SecretBox.decrypt(c, k)
    {pk, sk} = Keys.generate_keypair()
    {:ok, c} = BoxSeal.seal("", pk)
    assert {:ok, ""} == BoxSeal.open(c, pk, sk)
    {hp, hs} = Hybrid.generate_keypair()
    {:ok, c} = Hybrid.seal("", hp)
    assert {:ok, ""} == Hybrid.open(c, hs)
    kp = Sign.generate_signing_keypair()
    {:ok, s} = Sign.sign("", "", kp.secret_key)
    assert Sign.verify("", "", s, kp.public_key)
    assert {:ok, _} = KDF.derive_session_key("", Keys.generate_salt())
    assert {:ok, ""} == KDF.parse_salt_from_key_hash("$argon2id")
  end
end
