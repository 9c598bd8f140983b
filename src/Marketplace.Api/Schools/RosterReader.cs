using System.Globalization;
using System.IO.Compression;
using System.Text;
using Marketplace.Core.Schools.Import;
using Marketplace.Core.Shared;
using MiniExcelLibs;
using MiniExcelLibs.Csv;

namespace Marketplace.Api.Schools;

/// <summary>
/// Reads a roster file (CSV or XLSX, MiniExcel) into the Core's <see cref="RosterTable"/>: cells by column letter, lines from 1
/// (the header). Reading stops after the last allowed row, so a file of a million rows is never read to its end. CSV encoding:
/// a UTF-8 BOM, else UTF-8 when the bytes are valid UTF-8, else GB18030 (what Excel on Chinese Windows saves as "CSV").
/// </summary>
public static class RosterReader
{
    public const string CsvType = "text/csv";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The request body limit of the import route (the rest of the API keeps Marketplace:MaxRequestBodyBytes).</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary>Columns a roster has at most (it uses 19): a wider sheet is refused after its header row.</summary>
    public const int MaxColumns = 64;

    /// <summary>What an XLSX may unpack to (its parts' declared sizes); a 2,000-row roster is a few MB.</summary>
    public const long MaxUnpackedBytes = 64L * 1024 * 1024;

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static RosterReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static bool IsCsv(string? contentType) => MediaType(contentType) == CsvType;

    public static bool IsXlsx(string? contentType) => MediaType(contentType) == XlsxType;

    /// <summary>The file's encoding by its bytes (a charset parameter is not trusted: Excel sends none, browsers guess).</summary>
    public static Encoding CsvEncoding(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return Encoding.UTF8;
        try
        {
            StrictUtf8.GetCharCount(bytes);
            return Encoding.UTF8;
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding("GB18030");
        }
    }

    /// <summary>The table, or a 400 naming <c>body</c> when the file cannot be read at all.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031",
        Justification = "A malformed upload fails inside the parser in many ways (zip, XML, CSV); every one is the client's unreadable file, a 400.")]
    /// <summary>
    /// A roster import's body as the table it holds; null and a 415 problem (in the request's language) when it is neither CSV nor
    /// XLSX. Shared by the school roster and the pupil roster imports.
    /// </summary>
    public static async Task<(RosterTable? Table, IResult? Refusal)> ReadRequestAsync(HttpContext http, int maxRows, CancellationToken ct)
    {
        var xlsx = IsXlsx(http.Request.ContentType);
        if (!xlsx && !IsCsv(http.Request.ContentType))
            return (null, TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status415UnsupportedMediaType, Title = Localization.MessageRendering.Render(http, new UserMessage("import.unsupported-type")),
            }));
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, ct);
        return (Read(body, xlsx, maxRows), null);
    }

    public static RosterTable Read(MemoryStream body, bool xlsx, int maxRows)
    {
        try
        {
            if (xlsx && UnpackedSize(body) > MaxUnpackedBytes)
                throw ValidationFailedException.For("body", "import.file-too-large", MaxUnpackedBytes / 1024 / 1024);
            body.Position = 0;
            var rows = xlsx
                ? body.Query(useHeaderRow: false, excelType: ExcelType.XLSX)
                : body.Query(useHeaderRow: false, excelType: ExcelType.CSV, configuration: new CsvConfiguration
                {
                    StreamReaderFunc = s => new BlankLinesKept(s, CsvEncoding(body.GetBuffer().AsSpan(0, (int)body.Length))),
                });
            return ReadRows(rows.Cast<IDictionary<string, object?>>(), maxRows);
        }
        catch (ValidationFailedException)
        {
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw ValidationFailedException.For("body", "import.unreadable");
        }
    }

    private static RosterTable ReadRows(IEnumerable<IDictionary<string, object?>> source, int maxRows)
    {
        IReadOnlyList<RosterCell>? header = null;
        var rows = new List<RosterRow>();
        var line = 0;
        foreach (var values in source)
        {
            line++;
            if (values.Count > MaxColumns) throw ValidationFailedException.For("body", "import.too-many-columns", MaxColumns);
            var cells = values.Select(v => new RosterCell(v.Key, TextOf(v.Value))).Where(c => c.Text.Trim().Length > 0).ToArray();
            if (header is null)
            {
                header = cells;
                continue;
            }
            // Every line after the header counts (an empty one too), so the limit bounds what is read, not what is filled in.
            if (line - 1 > maxRows) return new RosterTable(header, rows, TooManyRows: true);
            if (cells.Length > 0) rows.Add(new RosterRow(line, cells));
        }
        return new RosterTable(header ?? [], rows);
    }

    /// <summary>XLSX cells come typed: numbers as the shortest text that reads back the same (13800138000, 39.9), never "1.38E+10".</summary>
    private static string TextOf(object? value) => value switch
    {
        null => "",
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        bool b => b ? "TRUE" : "FALSE",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>
    /// Lines as MiniExcel's CSV reader needs them: it skips empty lines, which would shift every later line number away from the line
    /// Excel shows, and refuses a line with fewer fields than the header (a hand-written file that leaves trailing cells out). An empty
    /// line, or one without quotes and with fewer commas than the header, is padded with commas to the header's fields, so it stays a
    /// row of its own (an empty one is then ignored). A quoted line is passed as it is: its commas cannot be counted without parsing.
    /// An empty line inside a quoted field is padded too, but a roster field with a line break is refused anyway (control characters).
    /// </summary>
    private sealed class BlankLinesKept(Stream stream, Encoding encoding) : StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true)
    {
        private int? _separators;

        public override string? ReadLine() => Kept(base.ReadLine());

        public override async Task<string?> ReadLineAsync() => Kept(await base.ReadLineAsync());

        public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => Kept(await base.ReadLineAsync(cancellationToken));

        private string? Kept(string? line)
        {
            if (line is null) return null;
            var quoted = line.Contains('"', StringComparison.Ordinal);
            var commas = quoted ? -1 : line.Count(c => c == ',');
            _separators ??= commas; // the header's; -1 (nothing is padded) when it is quoted
            return !quoted && commas < _separators ? line + new string(',', _separators.Value - commas) : line;
        }
    }

    private static long UnpackedSize(MemoryStream body)
    {
        body.Position = 0;
        using var zip = new ZipArchive(body, ZipArchiveMode.Read, leaveOpen: true);
        return zip.Entries.Sum(e => e.Length);
    }

    private static string? MediaType(string? contentType) =>
        contentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
}
