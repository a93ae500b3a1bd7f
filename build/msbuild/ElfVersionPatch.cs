// Marks one ELF version requirement (a Vernaux entry of .gnu.version_r) as weak.
//
// Why: TorchSharp 0.107's libLibTorchSharp.so was linked by GCC 13 and requires GLIBCXX_3.4.32, whose
// only symbol is std::ios_base_library_init(), a link-time marker nothing calls. Debian 12's libstdc++
// stops at 3.4.30, so the loader refuses the library. With VER_FLG_WEAK set on that requirement the
// loader accepts a libstdc++ without it. We patch the copy in the build output only (never the NuGet
// cache), writing a temp file and renaming it over the original.
using System;
using System.IO;
using System.Text;

public static class ElfVersionPatch
{
    public const ushort VerFlagWeak = 0x2;
    const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>Result of looking a version requirement up: where its flags live and their value.</summary>
    // A plain class, not a record: MSBuild compiles inline tasks for netstandard, which lacks init-only setters.
    public sealed class Requirement
    {
        public Requirement(string library, string version, long flagsOffset, ushort flags)
        {
            Library = library; Version = version; FlagsOffset = flagsOffset; Flags = flags;
        }
        public string Library { get; }
        public string Version { get; }
        public long FlagsOffset { get; }
        public ushort Flags { get; }
        public bool IsWeak => (Flags & VerFlagWeak) != 0;
    }

    /// <summary>Every version requirement in the file; empty when it is not a 64-bit little-endian ELF.</summary>
    public static System.Collections.Generic.List<Requirement> ReadRequirements(byte[] elf)
    {
        var found = new System.Collections.Generic.List<Requirement>();
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F'
            || elf[4] != 2 /* ELFCLASS64 */ || elf[5] != 1 /* little-endian */)
            return found;
        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = (long)BitConverter.ToUInt64(elf, (int)sh + 24);
            uint link = BitConverter.ToUInt32(elf, (int)sh + 40);
            uint count = BitConverter.ToUInt32(elf, (int)sh + 44);
            long strtab = (long)BitConverter.ToUInt64(elf, (int)(shoff + link * shentsize + 24));
            long need = offset;
            for (uint n = 0; n < count; n++)
            {
                ushort auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                string library = ReadString(elf, strtab + BitConverter.ToUInt32(elf, (int)need + 4));
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    string version = ReadString(elf, strtab + BitConverter.ToUInt32(elf, (int)aux + 8));
                    found.Add(new Requirement(library, version, aux + 4, BitConverter.ToUInt16(elf, (int)aux + 4)));
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                need += BitConverter.ToUInt32(elf, (int)need + 12);
            }
        }
        return found;
    }

    /// <summary>Sets VER_FLG_WEAK on <paramref name="version"/> in <paramref name="path"/>.
    /// Returns true when the file changed, false when the requirement is absent or already weak.</summary>
    public static bool MakeWeak(string path, string version)
    {
        byte[] elf = File.ReadAllBytes(path);
        bool changed = false;
        foreach (var requirement in ReadRequirements(elf))
        {
            if (requirement.Version != version || requirement.IsWeak) continue;
            ushort flags = (ushort)(requirement.Flags | VerFlagWeak);
            elf[requirement.FlagsOffset] = (byte)flags;
            elf[requirement.FlagsOffset + 1] = (byte)(flags >> 8);
            changed = true;
        }
        if (!changed) return false;
        // Temp file + rename: never leaves a half-written library, and breaks any hard link to the cache.
        string temp = path + ".weak-tmp";
        File.WriteAllBytes(temp, elf);
        File.Replace(temp, path, destinationBackupFileName: null); // a rename: the old inode is untouched
        return true;
    }

    static string ReadString(byte[] elf, long offset)
    {
        int end = (int)offset;
        while (elf[end] != 0) end++;
        return Encoding.ASCII.GetString(elf, (int)offset, end - (int)offset);
    }
}

#if !ELF_VERSION_PATCH_WITHOUT_TASK
/// <summary>MSBuild task: weakens <see cref="Version"/> in each of <see cref="Files"/>.</summary>
public class WeakenElfVersion : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required] public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();
    [Microsoft.Build.Framework.Required] public string Version { get; set; } = "";

    public override bool Execute()
    {
        foreach (var file in Files)
        {
            if (ElfVersionPatch.MakeWeak(file.ItemSpec, Version))
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                    $"MalariaLab: marked {Version} weak in {file.ItemSpec} (see build/msbuild/ElfVersionPatch.cs)");
        }
        return !Log.HasLoggedErrors;
    }
}
#endif
