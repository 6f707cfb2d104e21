defmodule SealkitBinding.JSON do
  @moduledoc false
  # A small JSON reader/writer for the tests (the vector files) and the
  # peer (JSON lines). Written by hand because Erlang/OTP 25 and Elixir 1.14
  # have no JSON module and the binding takes no Hex dependencies. It reads
  # RFC 8259 JSON (objects become maps with string keys) and writes maps,
  # lists, strings, integers, booleans and nil.

  def decode!(text) do
    {v, rest} = value(ws(text))
    if ws(rest) != "", do: raise(ArgumentError, "trailing data after JSON value")
    v
  end

  defp ws(<<c, r::binary>>) when c in [?\s, ?\t, ?\n, ?\r], do: ws(r)
  defp ws(s), do: s

  defp value(<<?{, r::binary>>), do: object(ws(r), %{})
  defp value(<<?[, r::binary>>), do: array(ws(r), [])
  defp value(<<?", r::binary>>), do: string(r, [])
  defp value(<<"true", r::binary>>), do: {true, r}
  defp value(<<"false", r::binary>>), do: {false, r}
  defp value(<<"null", r::binary>>), do: {nil, r}
  defp value(s), do: number(s)

  defp object(<<?}, r::binary>>, acc), do: {acc, r}
  defp object(<<?", r::binary>>, acc) do
    {k, r} = string(r, [])
    <<?:, r::binary>> = ws(r)
    {v, r} = value(ws(r))
    case ws(r) do
      <<?,, r::binary>> -> object(ws(r), Map.put(acc, k, v))
      <<?}, r::binary>> -> {Map.put(acc, k, v), r}
    end
  end

  defp array(<<?], r::binary>>, acc), do: {Enum.reverse(acc), r}
  defp array(s, acc) do
    {v, r} = value(s)
    case ws(r) do
      <<?,, r::binary>> -> array(ws(r), [v | acc])
      <<?], r::binary>> -> {Enum.reverse([v | acc]), r}
    end
  end

  defp string(<<?", r::binary>>, acc), do: {IO.iodata_to_binary(Enum.reverse(acc)), r}
  defp string(<<?\\, e, r::binary>>, acc) when e != ?u do
    c = %{?" => ?", ?\\ => ?\\, ?/ => ?/, ?b => ?\b, ?f => ?\f, ?n => ?\n, ?r => ?\r, ?t => ?\t}
    string(r, [Map.fetch!(c, e) | acc])
  end
  defp string(<<"\\u", h::binary-4, "\\u", l::binary-4, r::binary>>, acc)
       when binary_part(h, 0, 1) in ["d", "D"] do
    hi = String.to_integer(h, 16)
    lo = String.to_integer(l, 16)
    if hi in 0xD800..0xDBFF and lo in 0xDC00..0xDFFF do
      string(r, [<<(0x10000 + (hi - 0xD800) * 0x400 + (lo - 0xDC00))::utf8>> | acc])
    else
      raise ArgumentError, "bad surrogate pair"
    end
  end
  defp string(<<"\\u", h::binary-4, r::binary>>, acc), do: string(r, [<<String.to_integer(h, 16)::utf8>> | acc])
  defp string(<<c::utf8, r::binary>>, acc), do: string(r, [<<c::utf8>> | acc])

  defp number(s) do
    case Regex.run(~r/^-?\d+(\.\d+)?([eE][-+]?\d+)?/, s) do
      [n | _] ->
        r = binary_part(s, byte_size(n), byte_size(s) - byte_size(n))
        v = if String.contains?(n, [".", "e", "E"]), do: String.to_float(n), else: String.to_integer(n)
        {v, r}
      _ -> raise ArgumentError, "invalid JSON"
    end
  end

  def encode(m) when is_map(m) do
    ["{", Enum.map_intersperse(m, ",", fn {k, v} -> [encode(to_string(k)), ":", encode(v)] end), "}"]
    |> IO.iodata_to_binary()
  end
  def encode(l) when is_list(l), do: IO.iodata_to_binary(["[", Enum.map_intersperse(l, ",", &encode/1), "]"])
  def encode(true), do: "true"
  def encode(false), do: "false"
  def encode(nil), do: "null"
  def encode(n) when is_integer(n), do: Integer.to_string(n)
  def encode(s) when is_binary(s), do: IO.iodata_to_binary([?", escape(s, []), ?"])

  defp escape(<<>>, acc), do: Enum.reverse(acc)
  defp escape(<<?", r::binary>>, acc), do: escape(r, ["\\\"" | acc])
  defp escape(<<?\\, r::binary>>, acc), do: escape(r, ["\\\\" | acc])
  defp escape(<<c, r::binary>>, acc) when c < 0x20,
    do: escape(r, ["\\u" <> String.pad_leading(Integer.to_string(c, 16), 4, "0") | acc])
  defp escape(<<c, r::binary>>, acc), do: escape(r, [c | acc])
end
