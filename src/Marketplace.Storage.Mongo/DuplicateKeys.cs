using System.Text.RegularExpressions;
using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Storage.Mongo;

/// <summary>Turns a server duplicate-key error (E11000 … index: name …) into the field the caller can fix.</summary>
internal static partial class DuplicateKeys
{
    public static DuplicateException Translate(string serverMessage, string resource)
    {
        var index = IndexName().Match(serverMessage) is { Success: true } m ? m.Groups[1].Value : "";
        // A ledger transaction's id is its business key: the same business event posted twice.
        if (resource == nameof(LedgerTransaction) && index == "_id_") return new DuplicateException(LedgerTransaction.DuplicateField, "duplicate.ledger");
        return MongoSchema.UniqueFields.TryGetValue(index, out var field)
            ? new DuplicateException(field, "duplicate." + field)
            : new DuplicateException("id", "duplicate.id");
    }

    [GeneratedRegex(@"index: (\S+)")]
    private static partial Regex IndexName();
}
