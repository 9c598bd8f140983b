namespace Marketplace.Search.Lucene;

/// <summary>
/// The index root: generation sub-folders and a small <c>current</c> file naming the live one. The pointer
/// is replaced by rename, so after a crash it names either the old or the new generation, never half of one.
/// Each generation records the <paramref name="schema"/> it was written with (mapping version and synonyms): a
/// generation of another schema is not current, so the host builds a new one from the store.
/// </summary>
internal sealed class IndexFolder(string root, string schema)
{
    private const string PointerFile = "current";
    private const string SchemaFile = "schema";

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The live generation, or null when there is none of this schema.</summary>
    public string? Current()
    {
        var pointer = Path.Combine(Root, PointerFile);
        if (!File.Exists(pointer)) return null;
        var name = File.ReadAllText(pointer).Trim();
        if (name.Length == 0 || !System.IO.Directory.Exists(PathOf(name))) return null;
        var stamp = Path.Combine(PathOf(name), SchemaFile);
        return File.Exists(stamp) && File.ReadAllText(stamp) == schema ? name : null;
    }

    public string NewGeneration()
    {
        System.IO.Directory.CreateDirectory(Root);
        var name = $"gen-{DateTime.UtcNow:yyyyMMddHHmmssfffffff}";
        while (System.IO.Directory.Exists(PathOf(name))) name += "x";
        System.IO.Directory.CreateDirectory(PathOf(name));
        File.WriteAllText(Path.Combine(PathOf(name), SchemaFile), schema);
        return name;
    }

    public string PathOf(string generation) => Path.Combine(Root, generation);

    public void PointTo(string generation)
    {
        var temp = Path.Combine(Root, PointerFile + ".tmp");
        File.WriteAllText(temp, generation);
        File.Move(temp, Path.Combine(Root, PointerFile), overwrite: true);
    }

    /// <summary>Removes generations other than <paramref name="keep"/>: leftovers of a swap or of a rebuild that crashed.</summary>
    public void DeleteAllExcept(string keep)
    {
        foreach (var folder in System.IO.Directory.EnumerateDirectories(Root, "gen-*"))
        {
            if (Path.GetFileName(folder) == keep) continue;
            try { System.IO.Directory.Delete(folder, recursive: true); }
            catch (IOException) { } // still open somewhere (Windows); the next start removes it
            catch (UnauthorizedAccessException) { }
        }
    }
}
