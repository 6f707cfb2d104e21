defmodule MetamorphicCrypto.NIF do
  @moduledoc false
  # The C NIF (c_src/sealkit_nif.c) over libsealkit. Every function takes and
  # returns raw binaries; base64 and the crate's NIF shapes live in
  # MetamorphicCrypto.Native. Results are {:ok, v} or {:error, text} where
  # text is the crate's CryptoError display text, as libsealkit reports it.
  @on_load :load
  def load do
    case nif_dir() do
      # Not on the code path: the module is being compiled (elixirc loads
      # each module it compiles), not run; calls raise :sealkit_nif_not_loaded.
      nil -> :ok
      dir -> :erlang.load_nif(:filename.join(dir, ~c"sealkit_nif"), 0)
    end
  end

  # SEALKIT_NIF_DIR, else ebin/../priv. The beam is looked up on the code
  # path because :code.which/1 does not know a module while its on_load runs.
  defp nif_dir do
    case {System.get_env("SEALKIT_NIF_DIR"), :code.where_is_file(~c"Elixir.MetamorphicCrypto.NIF.beam")} do
      {dir, _} when is_binary(dir) -> String.to_charlist(dir)
      {nil, :non_existing} -> nil
      {nil, beam} -> :filename.join(:filename.dirname(:filename.dirname(:filename.absname(beam))), ~c"priv")
    end
  end

  defp nif, do: :erlang.nif_error(:sealkit_nif_not_loaded)

  def decode_base64(_s), do: nif()
  def generate_key, do: nif()
  def generate_salt, do: nif()
  def generate_keypair, do: nif()
  def encrypt_secretbox(_pt, _key), do: nif()
  def decrypt_secretbox(_ct, _key), do: nif()
  def box_seal(_pt, _pk), do: nif()
  def box_seal_open(_ct, _pk, _sk), do: nif()
  def generate_hybrid_keypair(_level), do: nif()
  def hybrid_seal(_pt, _pk, _level), do: nif()
  def hybrid_open(_ct, _seed), do: nif()
  def is_hybrid_ciphertext(_ct), do: nif()
  def derive_session_key(_password, _salt), do: nif()
  def parse_salt_from_key_hash(_key_hash), do: nif()
  def generate_recovery_key, do: nif()
  def recovery_key_to_secret(_text), do: nif()
  def generate_signing_keypair(_suite, _level), do: nif()
  def derive_signing_public_key(_sk), do: nif()
  def sign(_msg, _context, _sk), do: nif()
  def verify(_msg, _context, _sig, _pk), do: nif()
  def signature_posture(_pk), do: nif()
  def signature_posture_from_signature(_sig), do: nif()
end

defmodule MetamorphicCrypto.Native do
  @moduledoc """
  The crate's NIF surface (`MetamorphicCrypto.Native` of metamorphic_crypto,
  wire-format.md §6.2) over libsealkit: base64 strings in and out, success
  returns the bare value, failure `{:error, text}` with the crate's
  CryptoError text. Enum strings are exact lower case: KEM level
  `cat1|cat3|cat5`, signature level `cat2|cat3|cat5`, suite
  `hybrid|hybrid_matched|pure_cnsa2`.

  Slow calls (Argon2id, ML-KEM, ML-DSA) run on dirty CPU schedulers in the C
  NIF; the rest take microseconds.
  """

  alias MetamorphicCrypto.NIF

  # Decodes every argument in order and stops at the first error, so the
  # error is the one the crate reports for the first bad argument.
  defp dec(list), do: dec(list, [])
  defp dec([], acc), do: {:ok, Enum.reverse(acc)}
  defp dec([nil | rest], acc), do: dec(rest, [<<>> | acc])
  defp dec([s | rest], acc) when is_binary(s) do
    case NIF.decode_base64(s) do
      {:ok, b} -> dec(rest, [b | acc])
      {:error, _} = e -> e
    end
  end
  defp dec(_, _), do: {:error, "invalid argument: expected a string"}

  defp enc({:ok, b}), do: Base.encode64(b)
  defp enc({:error, _} = e), do: e

  defp with_args(args, fun) do
    case dec(args) do
      {:ok, bins} -> fun.(bins)
      {:error, _} = e -> e
    end
  end

  @kem_levels %{"cat1" => 1, "cat3" => 3, "cat5" => 5}
  @sign_levels %{"cat2" => 2, "cat3" => 3, "cat5" => 5}
  @suites %{"hybrid" => 0, "hybrid_matched" => 1, "pure_cnsa2" => 2}

  defp kem_level(s), do: lookup(@kem_levels, s, "hybrid KEM: unknown security level ")
  defp sign_level(s), do: lookup(@sign_levels, s, "signature: unknown security level ")
  defp suite(s), do: lookup(@suites, s, "hybrid KEM: unknown suite ")

  defp lookup(map, s, prefix) when is_binary(s) do
    case Map.fetch(map, s) do
      {:ok, v} -> {:ok, v}
      :error -> {:error, prefix <> inspect(s)}
    end
  end
  defp lookup(_, s, prefix), do: {:error, prefix <> inspect(s)}

  # ── keys ──
  def nif_generate_key, do: Base.encode64(NIF.generate_key())
  def nif_generate_salt, do: Base.encode64(NIF.generate_salt())

  def nif_generate_keypair do
    {pk, sk} = NIF.generate_keypair()
    {Base.encode64(pk), Base.encode64(sk)}
  end

  # ── secretbox ──
  def nif_encrypt_secretbox(pt_b64, key_b64),
    do: with_args([pt_b64, key_b64], fn [pt, k] -> enc(NIF.encrypt_secretbox(pt, k)) end)

  def nif_decrypt_secretbox(ct_b64, key_b64),
    do: with_args([ct_b64, key_b64], fn [ct, k] -> enc(NIF.decrypt_secretbox(ct, k)) end)

  def nif_encrypt_secretbox_string(plaintext, key_b64) when is_binary(plaintext),
    do: with_args([key_b64], fn [k] -> enc(NIF.encrypt_secretbox(plaintext, k)) end)

  def nif_decrypt_secretbox_to_string(ct_b64, key_b64) do
    with_args([ct_b64, key_b64], fn [ct, k] ->
      case NIF.decrypt_secretbox(ct, k) do
        {:ok, pt} -> utf8(pt)
        e -> e
      end
    end)
  end

  # The text of Rust's FromUtf8Error, which the crate's Utf8 variant shows.
  defp utf8(bin) do
    case :unicode.characters_to_binary(bin, :utf8, :utf8) do
      ^bin -> bin
      {:error, good, rest} -> {:error, utf8_error(byte_size(good), rest)}
      {:incomplete, good, _} -> {:error, "UTF-8: incomplete utf-8 byte sequence from index #{byte_size(good)}"}
    end
  end

  # Rust reports the length of the maximal invalid prefix (1–3 bytes).
  defp utf8_error(at, rest) do
    n = invalid_len(rest)
    if n == :incomplete,
      do: "UTF-8: incomplete utf-8 byte sequence from index #{at}",
      else: "UTF-8: invalid utf-8 sequence of #{n} bytes from index #{at}"
  end

  defp invalid_len(<<b0, rest::binary>>) do
    {need, lo, hi} =
      cond do
        b0 in 0xC2..0xDF -> {1, 0x80, 0xBF}
        b0 == 0xE0 -> {2, 0xA0, 0xBF}
        b0 in 0xE1..0xEC or b0 in 0xEE..0xEF -> {2, 0x80, 0xBF}
        b0 == 0xED -> {2, 0x80, 0x9F}
        b0 == 0xF0 -> {3, 0x90, 0xBF}
        b0 in 0xF1..0xF3 -> {3, 0x80, 0xBF}
        b0 == 0xF4 -> {3, 0x80, 0x8F}
        true -> {0, 0, 0}
      end

    if need == 0, do: 1, else: cont(rest, need, lo, hi, 1)
  end

  defp cont(_, 0, _, _, _), do: 1
  defp cont(<<>>, _, _, _, _), do: :incomplete
  defp cont(<<b, rest::binary>>, need, lo, hi, seen) do
    if b >= lo and b <= hi do
      if need == 1, do: seen + 1, else: cont(rest, need - 1, 0x80, 0xBF, seen + 1)
    else
      seen
    end
  end

  # ── sealed boxes ──
  def nif_box_seal(pt_b64, pk_b64),
    do: with_args([pt_b64, pk_b64], fn [pt, pk] -> enc(NIF.box_seal(pt, pk)) end)

  def nif_box_seal_open(ct_b64, pk_b64, sk_b64),
    do: with_args([ct_b64, pk_b64, sk_b64], fn [ct, pk, sk] -> enc(NIF.box_seal_open(ct, pk, sk)) end)

  # ── hybrid ──
  defp keypair({:ok, {pk, sk}}), do: {Base.encode64(pk), Base.encode64(sk)}
  defp keypair({:error, _} = e), do: e

  def nif_generate_hybrid_keypair_512, do: keypair(NIF.generate_hybrid_keypair(1))
  def nif_generate_hybrid_keypair, do: keypair(NIF.generate_hybrid_keypair(3))
  def nif_generate_hybrid_keypair_1024, do: keypair(NIF.generate_hybrid_keypair(5))

  defp hseal(pt_b64, pk_b64, level),
    do: with_args([pt_b64, pk_b64], fn [pt, pk] -> enc(NIF.hybrid_seal(pt, pk, level)) end)

  def nif_hybrid_seal_512(pt_b64, pk_b64), do: hseal(pt_b64, pk_b64, 1)
  def nif_hybrid_seal(pt_b64, pk_b64), do: hseal(pt_b64, pk_b64, 3)
  def nif_hybrid_seal_1024(pt_b64, pk_b64), do: hseal(pt_b64, pk_b64, 5)

  # As in the crate (and sealtext.HybridOpen), the tag is checked before the
  # seed is decoded.
  def nif_hybrid_open(ct_b64, seed_b64) do
    with_args([ct_b64], fn
      [<<tag, _::binary>> = ct] when tag in 1..3 ->
        with_args([seed_b64], fn [seed] -> enc(NIF.hybrid_open(ct, seed)) end)

      _ ->
        {:error, "hybrid KEM: not a hybrid ciphertext (bad version tag)"}
    end)
  end

  def nif_is_hybrid_ciphertext(ct_b64) do
    case dec([ct_b64]) do
      {:ok, [ct]} -> NIF.is_hybrid_ciphertext(ct)
      _ -> false
    end
  end

  def nif_generate_hybrid_keypair_suite(suite, level) do
    with {:ok, 0} <- suite(suite), {:ok, l} <- kem_level(level) do
      keypair(NIF.generate_hybrid_keypair(l))
    else
      {:ok, _} -> {:error, "hybrid KEM: suite not supported by sealkit's C library"}
      e -> e
    end
  end

  # The suite axis: only "hybrid" (tags 0x01–0x03), whose seal binds no
  # context label, so the label is checked to be a string and otherwise
  # ignored, as in the crate.
  def nif_hybrid_seal_suite(pt_b64, pk_b64, suite, level) do
    with {:ok, 0} <- suite(suite), {:ok, l} <- kem_level(level) do
      hseal(pt_b64, pk_b64, l)
    else
      {:ok, _} -> {:error, "hybrid KEM: suite not supported by sealkit's C library"}
      e -> e
    end
  end

  def nif_hybrid_seal_suite_with_context(pt_b64, pk_b64, suite, level, context_label)
      when is_binary(context_label),
      do: nif_hybrid_seal_suite(pt_b64, pk_b64, suite, level)

  def nif_hybrid_open_with_context(ct_b64, seed_b64, context_label) when is_binary(context_label),
    do: nif_hybrid_open(ct_b64, seed_b64)

  # ── unified seal ──
  # pq_pk nil or "" stands for the crate's None: a sealed box to pk.
  # Otherwise only the PQ key is used (and decoded), as in the crate.
  def nif_seal_for_user(pt_b64, pk_b64, pq_pk_b64), do: seal_for(pt_b64, pk_b64, pq_pk_b64, 3)

  defp seal_for(pt_b64, pk_b64, pq_pk_b64, level) do
    with_args([pt_b64], fn [pt] ->
      if pq_pk_b64 in [nil, ""] do
        with_args([pk_b64], fn [pk] -> enc(NIF.box_seal(pt, pk)) end)
      else
        with_args([pq_pk_b64], fn [pq] -> enc(NIF.hybrid_seal(pt, pq, level)) end)
      end
    end)
  end

  def nif_seal_for_user_with_suite(pt_b64, pk_b64, pq_pk_b64, suite, level) do
    with {:ok, 0} <- suite(suite), {:ok, l} <- kem_level(level) do
      seal_for(pt_b64, pk_b64, pq_pk_b64, l)
    else
      {:ok, _} -> {:error, "hybrid KEM: suite not supported by sealkit's C library"}
      e -> e
    end
  end

  # With a PQ seed and a blob that looks hybrid, the hybrid open is tried
  # first; on any failure the sealed box is opened (crate v0.6+ and
  # sealtext.UnsealFromUser), so its error is the one reported.
  def nif_unseal_from_user(ct_b64, pk_b64, sk_b64, pq_sk_b64) do
    hybrid =
      if pq_sk_b64 in [nil, ""] or not nif_is_hybrid_ciphertext(ct_b64),
        do: :skip,
        else: nif_hybrid_open(ct_b64, pq_sk_b64)

    case hybrid do
      pt when is_binary(pt) -> pt
      _ -> nif_box_seal_open(ct_b64, pk_b64, sk_b64)
    end
  end

  # ── KDF ──
  def nif_derive_session_key(password, salt_b64) when is_binary(password),
    do: with_args([salt_b64], fn [salt] -> enc(NIF.derive_session_key(password, salt)) end)

  def nif_parse_salt_from_key_hash(key_hash) when is_binary(key_hash) do
    case NIF.parse_salt_from_key_hash(key_hash) do
      {:ok, salt} -> salt
      e -> e
    end
  end

  # ── private keys ──
  # As in the crate, the *text* of the base64 key is what gets encrypted, and
  # decryption returns that text after a UTF-8 check.
  def nif_encrypt_private_key(sk_b64, session_key_b64) when is_binary(sk_b64),
    do: nif_encrypt_secretbox_string(sk_b64, session_key_b64)

  def nif_decrypt_private_key(ct_b64, session_key_b64),
    do: nif_decrypt_secretbox_to_string(ct_b64, session_key_b64)

  # ── recovery ──
  def nif_generate_recovery_key do
    case NIF.generate_recovery_key() do
      {:ok, {text, secret}} -> {text, Base.encode64(secret)}
      e -> e
    end
  end

  def nif_recovery_key_to_secret(text) when is_binary(text), do: enc(NIF.recovery_key_to_secret(text))

  def nif_encrypt_private_key_for_recovery(sk_b64, secret_b64),
    do: nif_encrypt_secretbox_string(sk_b64, secret_b64)

  def nif_decrypt_private_key_with_recovery(ct_b64, secret_b64),
    do: nif_decrypt_secretbox_to_string(ct_b64, secret_b64)

  # ── hashes (public data) ──
  # OTP's :crypto computes the digests (libsealkit has no hash exports);
  # libsealkit's decoder keeps the base64 strict with the crate's texts.
  defp digest(alg, data_b64), do: with_args([data_b64], fn [d] -> Base.encode64(:crypto.hash(alg, d)) end)

  def nif_sha3_512(data_b64), do: digest(:sha3_512, data_b64)
  def nif_sha3_256(data_b64), do: digest(:sha3_256, data_b64)
  def nif_sha256(data_b64), do: digest(:sha256, data_b64)
  def nif_sha512(data_b64), do: digest(:sha512, data_b64)

  # SHA3-512(u64_be(byte_size(context)) || context || data).
  def nif_sha3_512_with_context(context, data_b64) when is_binary(context) do
    with_args([data_b64], fn [d] ->
      Base.encode64(:crypto.hash(:sha3_512, [<<byte_size(context)::64>>, context, d]))
    end)
  end

  # ── MAC and HKDF ──
  # HMAC-SHA256 is OTP's :crypto.mac/4. HKDF-SHA512 (RFC 5869) is written
  # here over :crypto.mac/4 because OTP 25's :crypto has no HKDF and
  # libsealkit no HKDF export; an absent (empty) salt is 64 zero bytes.
  def nif_hmac_sha256(key_b64, msg_b64),
    do: with_args([key_b64, msg_b64], fn [k, m] -> Base.encode64(:crypto.mac(:hmac, :sha256, k, m)) end)

  @hkdf_max 255 * 64

  def nif_hkdf_sha512(salt_b64, ikm_b64, info, length)
      when is_binary(info) and is_integer(length) and length >= 0 do
    with_args([salt_b64, ikm_b64], fn [salt, ikm] ->
      if length > @hkdf_max do
        {:error, "hkdf: invalid output length #{length} (max #{@hkdf_max})"}
      else
        salt = if salt == <<>>, do: <<0::512>>, else: salt
        prk = :crypto.mac(:hmac, :sha512, salt, ikm)
        blocks = div(length + 63, 64)
        okm = hkdf_expand(prk, info, blocks, <<>>, 1, [])
        Base.encode64(binary_part(okm, 0, length))
      end
    end)
  end

  # T(i) = HMAC(PRK, T(i-1) || info || i), for i = 1..blocks.
  defp hkdf_expand(_prk, _info, blocks, _prev, i, acc) when i > blocks,
    do: IO.iodata_to_binary(Enum.reverse(acc))

  defp hkdf_expand(prk, info, blocks, prev, i, acc) do
    t = :crypto.mac(:hmac, :sha512, prk, [prev, info, <<i>>])
    hkdf_expand(prk, info, blocks, t, i + 1, [t | acc])
  end

  # ── signatures ──
  def nif_generate_signing_keypair(level), do: nif_generate_signing_keypair_suite("hybrid", level)

  def nif_generate_signing_keypair_suite(suite, level) do
    with {:ok, s} <- suite(suite), {:ok, l} <- sign_level(level) do
      keypair(NIF.generate_signing_keypair(s, l))
    end
  end

  def nif_derive_signing_public_key(sk_b64),
    do: with_args([sk_b64], fn [sk] -> enc(NIF.derive_signing_public_key(sk)) end)

  def nif_sign(message, context, sk_b64) when is_binary(message) and is_binary(context),
    do: with_args([sk_b64], fn [sk] -> enc(NIF.sign(message, context, sk)) end)

  def nif_verify(message, context, sig_b64, pk_b64) when is_binary(message) and is_binary(context) do
    with_args([sig_b64, pk_b64], fn [sig, pk] ->
      case NIF.verify(message, context, sig, pk) do
        {:ok, valid} -> valid
        e -> e
      end
    end)
  end

  @suite_names %{0 => "hybrid", 1 => "hybrid_matched", 2 => "pure_cnsa2"}
  defp posture({:ok, {s, l}}), do: {@suite_names[s], "cat#{l}"}
  defp posture(e), do: e

  def nif_signature_posture(pk_b64),
    do: with_args([pk_b64], fn [pk] -> posture(NIF.signature_posture(pk)) end)

  def nif_signature_posture_from_signature(sig_b64),
    do: with_args([sig_b64], fn [sig] -> posture(NIF.signature_posture_from_signature(sig)) end)
end
