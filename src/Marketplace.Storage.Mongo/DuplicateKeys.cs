using System.Text.RegularExpressions;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Storage.Mongo;

/// <summary>Turns a server duplicate-key error (E11000 … index: name …) into the field the caller can fix.</summary>
internal static partial class DuplicateKeys
{
    public static DuplicateException Translate(string serverMessage, string resource)
    {
        var index = IndexName().Match(serverMessage) is { Success: true } m ? m.Groups[1].Value : "";
        return MongoSchema.UniqueFields.TryGetValue(index, out var field)
            ? new DuplicateException(field, field switch
            {
                "username" => "用户名已被使用 / the username is already taken.",
                "creditCode" => "统一社会信用代码已登记 / the credit code is already registered.",
                "semester" => "该学期的方案已存在 / a plan for this semester already exists.",
                _ => $"{resource}: {field} already exists.",
            })
            : new DuplicateException("id", $"{resource} already exists.");
    }

    [GeneratedRegex(@"index: (\S+)")]
    private static partial Regex IndexName();
}
