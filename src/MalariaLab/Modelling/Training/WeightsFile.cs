using MalariaLab.Foundation.Common;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Training;

/// <summary>TorchSharp weights files, written to a temp name and renamed so a crash never leaves half a file.</summary>
public static class WeightsFile
{
    public static void Save(nn.Module model, string path)
    {
        string temp = AtomicFile.TempPathFor(path);
        try
        {
            model.save(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void Load(nn.Module model, string path)
    {
        if (!File.Exists(path)) throw new MalariaLabException($"{path}: weights file not found");
        try
        {
            model.load(path);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or EndOfStreamException)
        {
            throw new MalariaLabException($"{path}: cannot load weights ({e.Message})", e);
        }
    }
}
