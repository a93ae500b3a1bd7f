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

    /// <summary>A Scalar made here: a number converted (op_Implicit, ToScalar), a tensor's value read into one
    /// (Tensor.ToScalar, which ToDouble and the like use), or any Scalar constructed.</summary>
    static bool MakesScalar(MethodBase m) =>
        m.DeclaringType?.Assembly == TorchSharpAssembly
        && (m is ConstructorInfo && m.DeclaringType == typeof(Scalar)
            || m.Name is "ToScalar" or "ToBFloat16Scalar"
            || m.Name == "op_Implicit" && m is MethodInfo { ReturnType.Name: "Scalar" });

    /// <summary>TorchSharp's methods that make a Scalar of their own, directly or through another of its methods (by
    /// definition, so generic members and their instantiations are one), each with the call that does. Virtual calls are
    /// followed to the method named at the call site only: an override is not (the module test covers forwards).</summary>
    static readonly Lazy<Dictionary<(Guid, int), string>> TorchSharpMakers = new(() =>
    {
        var calls = IlCalls.MethodsOf(TorchSharpAssembly).Where(m => m.DeclaringType?.Name is not ("Scalar" or "ScalarExtensionMethods"))
            .GroupBy(IlCalls.Identity).ToDictionary(g => g.Key, g => g.SelectMany(m => IlCalls.Callees(m)).ToList());
        var makers = new Dictionary<(Guid, int), string>();
        foreach (var (method, callees) in calls)
            if (callees.FirstOrDefault(MakesScalar) is { } maker) makers[method] = IlCalls.Key(maker);
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var (method, callees) in calls)
                if (!makers.ContainsKey(method) && callees.FirstOrDefault(c => makers.ContainsKey(IlCalls.Identity(c))) is { } via)
                    (makers[method], grew) = ($"via {IlCalls.Key(via)}", true);
        }
        return makers;
    });

    static bool IsMaker(MethodBase m) => TorchSharpMakers.Value.ContainsKey(IlCalls.Identity(m));

    static MethodBase TorchSharpMethod(Type type, string name, params Type[] parameters) =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters) ?? throw new MissingMethodException(type.FullName, name);

    [Fact]
    public void TorchSharps_own_batchnorm_is_found_as_a_maker()
    {
        // The scan can fail: the method that raced in training is among the makers, and so are the a + b behind
        // Tensor.add, reading a value through a Scalar (ToDouble) and a generic member; a convolution is not.
        Assert.True(IsMaker(TorchSharpMethod(typeof(TorchSharp.Modules.BatchNorm), "forward", typeof(torch.Tensor))));
        Assert.True(IsMaker(TorchSharpMethod(typeof(torch.Tensor), "add", typeof(torch.Tensor))));
        Assert.True(IsMaker(typeof(TensorExtensionMethods).GetMethod("ToDouble", [typeof(torch.Tensor)])!));
        Assert.False(IsMaker(TorchSharpMethod(typeof(TorchSharp.Modules.Conv2d), "forward", typeof(torch.Tensor))));
        Assert.True(TorchSharpMakers.Value.Count > 300, $"{TorchSharpMakers.Value.Count} makers");
    }

    [Fact]
    public void No_method_of_the_library_or_the_cli_makes_an_implicit_scalar()
    {
        var offenders = new List<string>();
        var unresolved = new List<string>();
        foreach (var assembly in new[] { typeof(HeldScalars).Assembly, typeof(MalariaLab.Cli.ExitCodes).Assembly })
            foreach (var method in IlCalls.MethodsOf(assembly))
                foreach (var callee in IlCalls.Callees(method, unresolved).Distinct())
                {
                    // HeldScalars makes its Scalars explicitly and holds them (static, or `using` until the op returns).
                    if (MakesScalar(callee) && method.DeclaringType != typeof(HeldScalars))
                        offenders.Add($"{IlCalls.Key(method)} makes a Scalar ({IlCalls.Key(callee)})");
                    else if (TorchSharpMakers.Value.TryGetValue(IlCalls.Identity(callee), out var how))
                        offenders.Add($"{IlCalls.Key(method)} calls {IlCalls.Key(callee)}, which makes a Scalar ({how})");
                }
        Assert.True(unresolved.Count == 0, "calls the scan cannot follow:\n" + string.Join("\n", unresolved));
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
                    if (TorchSharpMakers.Value.TryGetValue(IlCalls.Identity(method), out var how))
                        offenders.Add($"{entry.Name}: {name} ({module.GetType().Name}) runs {IlCalls.Key(method)}, which makes a Scalar ({how})");
            }
        }
        Assert.True(offenders.Count == 0, string.Join("\n", offenders));
    }
}
