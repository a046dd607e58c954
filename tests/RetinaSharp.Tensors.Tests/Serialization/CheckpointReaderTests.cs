using System.Text.Json;
using RetinaSharp.Tensors.Serialization;
using Xunit;

namespace RetinaSharp.Tensors.Tests.Serialization;

/// <summary>PyTorch and safetensors files made by tools/make_weights_fixtures.py.</summary>
public sealed class CheckpointReaderTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "weights", name);

    private static void AssertMatches(StateDict sd, string expectedJson, bool ordered)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixture(expectedJson)));
        var names = new List<string>();
        foreach (var prop in doc.RootElement.EnumerateObject())
        {
            names.Add(prop.Name);
            var t = sd[prop.Name];
            var shape = prop.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(shape, t.Shape.ToArray());
            var values = prop.Value.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            float[] actual = t.DType switch
            {
                DType.Float32 => t.ToArray(),
                DType.Int64 => t.ToArray<long>().Select(v => (float)v).ToArray(),
                DType.Int32 => t.ToArray<int>().Select(v => (float)v).ToArray(),
                _ => t.ToArray<bool>().Select(v => v ? 1f : 0f).ToArray(),
            };
            Assert.Equal(values.Length, actual.Length);
            for (int i = 0; i < values.Length; i++)
                Assert.True(Math.Abs(values[i] - actual[i]) <= 1e-6 * Math.Max(1, Math.Abs(values[i])), $"{prop.Name}[{i}]: {actual[i]} vs {values[i]}");
        }
        if (ordered) Assert.Equal(names, sd.Keys.ToList());
    }

    [Theory]
    [InlineData("state_zip.pth")]
    [InlineData("state_legacy.pth")]
    public void Torch_save_files_load_with_values_strides_views_and_dtypes(string file)
    {
        using var sd = TorchCheckpoint.LoadStateDict(Fixture(file));
        AssertMatches(sd, "state_expected.json", ordered: true);
        Assert.Equal(DType.Int64, sd["bn.num_batches_tracked"].DType);
        Assert.Equal(DType.Float32, sd["half"].DType);
        Assert.Equal(DType.Bool, sd["mask"].DType);
    }

    [Fact]
    public void Training_checkpoint_yields_its_model_state_and_inert_namespace()
    {
        using var sd = TorchCheckpoint.LoadStateDict(Fixture("training_checkpoint.pth"));
        Assert.Equal(["w", "b"], sd.Keys.ToList());
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], sd["w"].ToArray());
        var root = (Dictionary<object, object?>)TorchCheckpoint.Load(Fixture("training_checkpoint.pth"))!;
        Assert.Equal(3L, root["epoch"]);
        Assert.IsType<PickleObject>(root["args"]);
    }

    [Fact]
    public void A_pickle_that_calls_os_system_is_refused_and_names_the_global()
    {
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(Fixture("malicious.pth")));
        Assert.Contains("system", e.Message);
        Assert.Contains("refusing", e.Message);
        Assert.Contains("malicious.pth", e.Message);
    }

    [Fact]
    public void Safetensors_reference_file_loads_with_metadata()
    {
        using var sd = SafeTensors.Load(Fixture("reference.safetensors"));
        AssertMatches(sd, "safetensors_expected.json", ordered: false);
        Assert.Equal("fixture", sd.Metadata["note"]);
    }

    [Fact]
    public void Safetensors_round_trip_preserves_names_order_values_and_metadata()
    {
        var rng = new RandomGenerator(5);
        using var a = Tensor.RandN([3, 4], rng);
        using var at = a.Transpose(0, 1);
        using var idx = Tensor.FromArray([1L, 2L, 3L], 3);
        var path = Path.Combine(Path.GetTempPath(), $"rs-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(path, [new("a", a), new("a_t", at), new("idx", idx)], new Dictionary<string, string> { ["arch"] = "resnet18" });
            using var sd = SafeTensors.Load(path);
            Assert.Equal(["a", "a_t", "idx"], sd.Keys.ToList());
            Assert.Equal(a.ToArray(), sd["a"].ToArray());
            Assert.Equal(at.ToArray(), sd["a_t"].ToArray());
            Assert.Equal([4, 3], sd["a_t"].Shape.ToArray());
            Assert.Equal([1L, 2L, 3L], sd["idx"].ToArray<long>());
            Assert.Equal("resnet18", sd.Metadata["arch"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Corrupt_inputs_fail_with_a_clear_error_never_another_exception()
    {
        var good = File.ReadAllBytes(Fixture("state_legacy.pth"));
        var st = File.ReadAllBytes(Fixture("reference.safetensors"));
        var rng = new RandomGenerator(11);
        var path = Path.Combine(Path.GetTempPath(), $"rs-{Guid.NewGuid():N}.pth");
        try
        {
            for (int trial = 0; trial < 300; trial++)
            {
                var src = trial % 2 == 0 ? good : st;
                var bytes = (byte[])src.Clone();
                if (trial % 3 == 0) bytes = bytes.AsSpan(0, rng.NextInt(bytes.Length)).ToArray();
                else for (int k = 0; k < 4; k++) bytes[rng.NextInt(bytes.Length)] = (byte)rng.NextInt(256);
                File.WriteAllBytes(path, bytes);
                try
                {
                    using var sd = src == good ? TorchCheckpoint.LoadStateDict(path) : SafeTensors.Load(path);
                }
                catch (CheckpointFormatException e)
                {
                    Assert.Contains(path, e.Message);
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Module_load_state_dict_names_missing_unexpected_and_misshaped_keys()
    {
        using var m = new TwoTensors();
        using var ok = new StateDict([new("w", Tensor.Ones([2, 2])), new("b", Tensor.Zeros([2]))]);
        m.LoadStateDict(ok);
        Assert.Equal([1f, 1f, 1f, 1f], m.StateDict()[0].Value.ToArray());
        using var bad = new StateDict([new("w", Tensor.Ones([3, 2])), new("extra", Tensor.Zeros([1]))]);
        var e = Assert.Throws<Nn.StateDictException>(() => m.LoadStateDict(bad));
        Assert.Contains("w: checkpoint has [3, 2], model has [2, 2]", e.Message);
        using var partial = new StateDict([new("w", Tensor.Ones([2, 2])), new("extra", Tensor.Zeros([1]))]);
        var e2 = Assert.Throws<Nn.StateDictException>(() => m.LoadStateDict(partial));
        Assert.Contains("missing keys: b", e2.Message);
        Assert.Contains("unexpected keys: extra", e2.Message);
        var r = m.LoadStateDict(partial, strict: false);
        Assert.Equal(["b"], r.MissingKeys);
    }

    private sealed class TwoTensors : Nn.Module
    {
        public TwoTensors()
        {
            RegisterParameter("w", Tensor.Zeros([2, 2]));
            RegisterBuffer("b", Tensor.Zeros([2]));
        }
    }
}
