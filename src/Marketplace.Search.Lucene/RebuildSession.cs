using Lucene.Net.Documents;
using Lucene.Net.Index;
using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// A generation being rebuilt while the live one keeps serving. Live writes are applied to it too, and it
/// remembers versions and removals so a stale document from the rebuild stream cannot undo a newer live write.
/// Accessed only under the index's write gate.
/// </summary>
internal sealed class RebuildSession(LuceneGeneration target)
{
    private readonly Dictionary<Guid, long> _versions = [];
    private readonly HashSet<Guid> _removed = [];

    public LuceneGeneration Target { get; } = target;

    /// <summary>A document of the rebuild stream, already mapped (analysed) by the caller.</summary>
    public void FromStream(OfferingDocument document, Document mapped)
    {
        if (_removed.Contains(document.Id)) return;
        Write(document, mapped);
    }

    public void LiveUpsert(OfferingDocument document)
    {
        _removed.Remove(document.Id);
        Write(document, LuceneDocumentMapper.ToLucene(document, Target.Writer.Analyzer));
    }

    public void LiveRemove(Guid id, long version)
    {
        Target.Note(version);
        _removed.Add(id);
        _versions.Remove(id);
        Target.Writer.DeleteDocuments(new Term(LuceneFields.Id, LuceneDocumentMapper.IdTerm(id)));
    }

    private void Write(OfferingDocument document, Document mapped)
    {
        if (_versions.TryGetValue(document.Id, out var indexed) && document.Version < indexed) return;
        _versions[document.Id] = document.Version;
        Target.Note(document.Version);
        Target.Writer.UpdateDocument(new Term(LuceneFields.Id, LuceneDocumentMapper.IdTerm(document.Id)), mapped);
    }
}
