using System.Globalization;
using Marketplace.Api.Localization;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;
using MiniExcelLibs;

namespace Marketplace.Api.Settlement;

/// <summary>
/// A statement as a spreadsheet (MiniExcel): the summary, then one row per account — its id (for machines), its kind and whom it
/// is about by name (for people), opening, debits, credits, closing in yuan with two decimals (the figures are fen in the JSON).
/// Headers in the caller's language; CSV is UTF-8 with a BOM so Excel reads the Chinese.
/// </summary>
public sealed class StatementExport(MessageRenderer messages, StatementQueries queries)
{
    public async Task<byte[]> CsvAsync(Statement s, CancellationToken ct = default) => Write(s, await queries.PartiesAsync(s, ct), ExcelType.CSV);

    public async Task<byte[]> XlsxAsync(Statement s, CancellationToken ct = default) => Write(s, await queries.PartiesAsync(s, ct), ExcelType.XLSX);

    private byte[] Write(Statement s, IReadOnlyDictionary<string, AccountParties> parties, ExcelType type)
    {
        string T(string key) => messages.Render(new UserMessage(key));
        var rows = new List<Dictionary<string, object?>>();
        Dictionary<string, object?> Row(string a, string b, object? c = null, object? d = null, object? e = null, object? f = null, string party = "") => new()
        {
            [T("statement.col.account")] = a, [T("statement.col.kind")] = b, [T("statement.col.party")] = party, [T("statement.col.opening")] = c,
            [T("statement.col.debit")] = d, [T("statement.col.credit")] = e, [T("statement.col.closing")] = f,
        };
        rows.Add(Row(T("statement.month"), s.Month));
        rows.Add(Row(T("statement.delivered"), "", Yuan(s.Summary.DeliveredFen)));
        rows.Add(Row(T("statement.paid"), "", Yuan(s.Summary.PaidFen)));
        rows.Add(Row(T("statement.outstanding"), "", Yuan(s.Summary.OutstandingFen)));
        rows.Add(Row(T("statement.subsidy"), "", Yuan(s.Summary.SubsidyFen)));
        rows.Add(Row(T("statement.family-fees"), "", Yuan(s.Summary.FamilyFeesFen)));
        rows.Add(Row(T("statement.waived"), "", Yuan(s.Summary.WaivedFen)));
        foreach (var l in s.Lines)
            rows.Add(Row(l.Account, messages.Find($"account.{l.AccountKind}") ?? l.AccountKind, Yuan(l.OpeningFen), Yuan(l.DebitFen), Yuan(-l.CreditFen), Yuan(l.ClosingFen),
                Party(parties.GetValueOrDefault(l.Account))));
        using var stream = new MemoryStream();
        if (type == ExcelType.CSV) stream.Write("\uFEFF"u8);
        stream.SaveAs(rows, excelType: type);
        return stream.ToArray();
    }

    /// <summary>The district; the school; or the school and the provider it owes (as the bureau's statement page shows them).</summary>
    private string Party(AccountParties? p) => p switch
    {
        { Provider: { } provider } => messages.Render(new UserMessage("statement.party.payable", p.School, provider)),
        { } => p.School ?? p.District ?? "",
        null => "",
    };

    private static string Yuan(long fen) => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
