namespace Marketplace.Search.Lucene;

/// <summary>
/// The index root: generation sub-folders and a small <c>current</c> file naming the live one. The pointer
/// is replaced by rename, so after a crash it names either the old or the new generation, never half of one.
/// </summary>
internal sealed class IndexFolder(string root)
{
    private const string PointerFile = "current";

    public string Root { get; } = Path.GetFullPath(root);

    public string? Current()
    {
        var pointer = Path.Combine(Root, PointerFile);
        if (!File.Exists(pointer)) return null;
        var name = File.ReadAllText(pointer).Trim();
        return name.Length > 0 && System.IO.Directory.Exists(PathOf(name)) ? name : null;
    }

    public string NewGeneration()
    {
        System.IO.Directory.CreateDirectory(Root);
        var name = $"gen-{DateTime.UtcNow:yyyyMMddHHmmssfffffff}";
        while (System.IO.Directory.Exists(PathOf(name))) name += "x";
        System.IO.Directory.CreateDirectory(PathOf(name));
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
