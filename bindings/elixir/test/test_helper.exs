ExUnit.start()

defmodule SealkitBinding.Vectors do
  @moduledoc false
  # The shared vectors (/work/shared/vectors, or SEALKIT_VECTORS).
  def dir, do: System.get_env("SEALKIT_VECTORS") || Path.expand("../../../../shared/vectors", __DIR__)

  def load(name) do
    Path.join(dir(), name <> ".json") |> File.read!() |> SealkitBinding.JSON.decode!() |> Map.fetch!("vectors")
  end

  def hex(s), do: Base.decode16!(s, case: :mixed)
end
