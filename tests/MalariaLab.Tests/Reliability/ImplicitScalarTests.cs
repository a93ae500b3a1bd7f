using System.Reflection;
using MalariaLab.Foundation.Native;
using MalariaLab.Foundation.Specs;
using MalariaLab.Modelling.Models;
using MalariaLab.Tests.Support;
using TorchSharp;

namespace MalariaLab.Tests.Reliability;

/// <summary>No code of the library or the CLI makes a TorchSharp Scalar the collector can free while LibTorch reads it
/// (see HeldScalars): no implicit conversion of a number to a Scalar, no call to a TorchSharp method that makes one
/// itself (directly or through other TorchSharp methods), and no module in a registered network whose forward does.
/// Read from the IL, so a new `x * 0.5` or a TorchSharp module like BatchNorm2d fails here before it races in a run.</summary>
[Collection(LibTorchCollection.Name)]
public class ImplicitScalarTests
{
    static readonly Assembly TorchSharpAssembly = typeof(Scalar).Assembly;

    static bool MakesScalar(MethodBase m) =>
        m.DeclaringType?.Assembly == TorchSharpAssembly && m.DeclaringType.Name is "Scalar" or "ScalarExtensionMethods"
        && (m.Name == "op_Implicit" && m is MethodInfo { ReturnType.Name: "Scalar" } || m.Name == "ToScalar");

    /// <summary>TorchSharp's methods that make a Scalar of their own, directly or through another of its methods, each with
    /// the call that does.</summary>
    static readonly Lazy<Dictionary<string, string>> TorchSharpMakers = new(() =>
    {
        var calls = IlCalls.MethodsOf(TorchSharpAssembly).Where(m => m.DeclaringType?.Name is not ("Scalar" or "ScalarExtensionMethods"))
            .GroupBy(IlCalls.Key).ToDictionary(g => g.Key, g => g.SelectMany(IlCalls.Callees).ToList());
        var makers = new Dictionary<string, string>();
        foreach (var (key, callees) in calls)
            if (callees.FirstOrDefault(MakesScalar) is { } maker) makers[key] = IlCalls.Key(maker);
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var (key, callees) in calls)
                if (!makers.ContainsKey(key) && callees.Select(IlCalls.Key).FirstOrDefault(makers.ContainsKey) is { } via)
                    (makers[key], grew) = ($"via {via}", true);
        }
        return makers;
    });

    [Fact]
    public void TorchSharps_own_batchnorm_is_found_as_a_maker()
    {
        // The scan can fail: the method that raced in training is among the makers, and so is the a + b behind Tensor.add.
        Assert.Contains("TorchSharp.Modules.BatchNorm::forward(Tensor)", TorchSharpMakers.Value.Keys);
        Assert.Contains("TorchSharp.torch+Tensor::add(Tensor)", TorchSharpMakers.Value.Keys);
        Assert.DoesNotContain("TorchSharp.Modules.Conv2d::forward(Tensor)", TorchSharpMakers.Value.Keys);
    }

    [Fact]
    public void No_method_of_the_library_or_the_cli_makes_an_implicit_scalar()
    {
        var offenders = new List<string>();
        foreach (var assembly in new[] { typeof(HeldScalars).Assembly, typeof(MalariaLab.Cli.ExitCodes).Assembly })
            foreach (var method in IlCalls.MethodsOf(assembly))
                foreach (var callee in IlCalls.Callees(method).Distinct())
                {
                    string key = IlCalls.Key(callee);
                    // HeldScalars makes its Scalars explicitly and holds them (static, or `using` until the op returns).
                    if (MakesScalar(callee) && method.DeclaringType != typeof(HeldScalars))
                        offenders.Add($"{IlCalls.Key(method)} converts a number to a Scalar ({key})");
                    else if (TorchSharpMakers.Value.TryGetValue(key, out var how))
                        offenders.Add($"{IlCalls.Key(method)} calls {key}, which makes a Scalar ({how})");
                }
        Assert.True(offenders.Count == 0, string.Join("\n", offenders.Distinct()));
    }

    [Fact]
    public void No_module_of_a_registered_network_runs_a_forward_that_makes_a_scalar()
    {
        var offenders = new List<string>();
        foreach (var entry in ModelRegistry.All)
        {
            using var model = ModelRegistry.Create(SpecLoader.Parse($"name: t\nseed: 1\nmodel: {{arch: {entry.Name}}}\n", "t.yaml").Model, 48);
            foreach (var (name, module) in model.named_modules())
            {
                var forward = module.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.Name == "forward").ToList();
                foreach (var method in forward.Where(m => m.DeclaringType?.Assembly == TorchSharpAssembly))
                    if (TorchSharpMakers.Value.TryGetValue(IlCalls.Key(method), out var how))
                        offenders.Add($"{entry.Name}: {name} ({module.GetType().Name}) runs {IlCalls.Key(method)}, which makes a Scalar ({how})");
            }
        }
        Assert.True(offenders.Count == 0, string.Join("\n", offenders));
    }
}
