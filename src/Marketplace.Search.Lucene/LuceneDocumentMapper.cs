using System.Buffers.Binary;
using Lucene.Net.Analysis;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Util;
using Marketplace.Core.Persistence;
using Marketplace.Core.Search;
using Marketplace.Core.Shared;

namespace Marketplace.Search.Lucene;

/// <summary>Turns an <see cref="OfferingDocument"/> into the Lucene document: indexed fields for matching, doc values for the collector, JSON for rendering.</summary>
internal static class LuceneDocumentMapper
{
    /// <summary>Analysed text matched by term queries only: documents and frequencies, no positions (no phrase queries).</summary>
    private static readonly FieldType SearchedText = Frozen(new FieldType(TextField.TYPE_NOT_STORED) { IndexOptions = IndexOptions.DOCS_AND_FREQS });

    /// <param name="analyzer">The index analyzer: title, summary and description are analysed here once, indexed from the
    /// recorded tokens and their segmentation stored for highlighting (<see cref="StoredSegmentation"/>).</param>
    public static Document ToLucene(OfferingDocument offering, Analyzer analyzer)
    {
        var title = AnalyzedText.Analyze(analyzer, LuceneFields.Title, offering.Title);
        var summary = AnalyzedText.Analyze(analyzer, LuceneFields.AllText, offering.Summary);
        var description = AnalyzedText.Analyze(analyzer, LuceneFields.AllText, offering.Description);
        var doc = new Document
        {
            new StringField(LuceneFields.Id, IdTerm(offering.Id), Field.Store.YES),
            new StoredField(LuceneFields.Version, offering.Version),
            new StoredField(LuceneFields.Source, StoreJson.Serialize(offering)),
            new StoredField(LuceneFields.Segmentation, StoredSegmentation.Pack(title.Words, summary.Words, description.Words)),
            new Field(LuceneFields.Title, title.Replay(), SearchedText),
            new Field(LuceneFields.AllText, title.Replay(), SearchedText),
            new Field(LuceneFields.AllText, summary.Replay(), SearchedText),
            new Field(LuceneFields.AllText, description.Replay(), SearchedText),
            new Field(LuceneFields.AllText, offering.ProviderName, SearchedText),
            new SortedDocValuesField(LuceneFields.Category, new BytesRef(offering.Category.ToString())),
            new SortedDocValuesField(LuceneFields.Mode, new BytesRef(offering.Mode.ToString())),
            new NumericDocValuesField(LuceneFields.PriceFen, offering.PriceFen),
        };
        foreach (var tag in offering.Tags)
            doc.Add(new Field(LuceneFields.AllText, tag, SearchedText));
        foreach (var grade in offering.Grades.Distinct())
            doc.Add(new StringField(LuceneFields.Grade, grade.ToString(), Field.Store.NO));
        foreach (var district in offering.Districts.Distinct())
        {
            doc.Add(new SortedSetDocValuesField(LuceneFields.District, new BytesRef(district)));
        }
        foreach (var district in offering.VisibleIn.Distinct())
            doc.Add(new SortedSetDocValuesField(LuceneFields.VisibleIn, new BytesRef(district)));
        foreach (var district in offering.CampusDistricts.Distinct())
            doc.Add(new SortedSetDocValuesField(LuceneFields.CampusDistrict, new BytesRef(district)));
        if (offering.Venue is { } venue)
        {
            doc.Add(new DoubleDocValuesField(LuceneFields.Lat, venue.Lat));
            doc.Add(new DoubleDocValuesField(LuceneFields.Lon, venue.Lon));
        }
        AddSessions(doc, offering.Sessions);
        return doc;
    }

    private static FieldType Frozen(FieldType type)
    {
        type.Freeze();
        return type;
    }

    public static string IdTerm(Guid id) => id.ToString("N");

    /// <summary>Starts, ends and openness, parallel, by start: the collector tests each session as a whole (<see cref="SegmentColumns"/>).</summary>
    private static void AddSessions(Document doc, IReadOnlyList<SessionSlot> sessions)
    {
        var ordered = sessions.OrderBy(s => s.StartsAt.UtcTicks).ThenBy(s => s.Id).ToArray();
        foreach (var session in ordered.Where(s => s.FreeSeats > 0))
            doc.Add(new Int64Field(LuceneFields.OpenSessionStart, session.StartsAt.UtcTicks, Field.Store.NO));
        if (ordered.Length == 0) return;
        doc.Add(new BinaryDocValuesField(LuceneFields.SessionStarts, Pack(ordered.Select(s => s.StartsAt.UtcTicks))));
        doc.Add(new BinaryDocValuesField(LuceneFields.SessionEnds, Pack(ordered.Select(s => s.EndsAt.UtcTicks))));
        doc.Add(new BinaryDocValuesField(LuceneFields.SessionOpen, new BytesRef([.. ordered.Select(s => (byte)(s.FreeSeats > 0 ? 1 : 0))])));
    }

    private static BytesRef Pack(IEnumerable<long> ticks)
    {
        var values = ticks.ToArray();
        var bytes = new byte[values.Length * sizeof(long)];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
        return new BytesRef(bytes);
    }
}
