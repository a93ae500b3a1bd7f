using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Specs;

namespace MalariaLab.RunCache;

/// <summary>What a stage sees while the graph walker runs it: the spec, the workspace, the locks of the stages upstream
/// of it, a per-walk memory (index rows and prepared pixels are read once), and the services the caller provides
/// (a fetcher, the training settings).</summary>
public interface IStageContext
{
    ExperimentSpec Spec { get; }
    Workspace Workspace { get; }
    ILog Log { get; }
    CancellationToken Cancel { get; }

    /// <summary>The lock of a stage resolved in this walk (an upstream of the running stage).</summary>
    StageLock Lock(string stage);

    /// <summary>The lock of a stage when it is resolved in this walk, else null.</summary>
    StageLock? TryLock(string stage);

    /// <summary>A value remembered for this walk under <paramref name="name"/>, made by <paramref name="create"/> the first time.</summary>
    T Memo<T>(string name, Func<T> create) where T : class;

    void Remember(string name, object value);
    void Forget(string name);

    /// <summary>A service the caller registered (throws naming the type when it did not).</summary>
    T Service<T>() where T : class;
}
