defmodule MetamorphicCrypto.Wrap do
  @moduledoc false
  # The crate's wrappers turn a NIF's bare value into {:ok, v}.
  def ok({:error, reason}), do: {:error, reason}
  def ok(v), do: {:ok, v}

  # …and decode a base64 plaintext they produced themselves.
  def ok_decoded({:error, reason}), do: {:error, reason}
  def ok_decoded(b64), do: {:ok, Base.decode64!(b64)}
end
